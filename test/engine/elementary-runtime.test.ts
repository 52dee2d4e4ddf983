/**
 * Elementary's runtime run synchronously: extraction from the pinned web-renderer bundle,
 * Renderer → batches → processor, sample-exact results against reference implementations
 * written here (gain, offset, biquad difference equation, direct convolution), meters, two
 * processors chained through a JS stage, memory growth, and an allocation-free process().
 */
import { mulberry32 } from '../../src/dsp/synth/prng.ts';
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { el, type ElemNode } from '@elemaudio/core';
import {
  createElementaryModule,
  extractElementaryGlue,
  loadElementaryGlueFromPackage,
  loadElementaryModule,
  readJsStringLiteral,
  type ElementaryInstructionBatch,
} from '../../src/dsp/engine/elementary-runtime.ts';
import { ElementaryProcessor, isMeterEvent } from '../../src/dsp/engine/elementary-processor.ts';
import { createGraphRenderer } from '../../src/dsp/engine/graph-renderer.ts';
import { MAX_METER_POLL_BLOCKS, meterPollBlocks } from '../../src/dsp/engine/meter-poll.ts';

const root = resolve(__dirname, '../..');
const pkgDir = join(root, 'node_modules/@elemaudio/web-renderer');
const bundleText = readFileSync(join(pkgDir, 'dist/index.js'), 'utf8');
const LAYOUT_CHANGED = 'the Elementary runtime could not be extracted from @elemaudio/web-renderer 4.0.3; the bundle layout changed';

const mod = loadElementaryModule();

/** Deterministic noise in [-amp, amp) (mulberry32). */
function noise(n: number, seed: number, amp = 0.8): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => amp * (2 * r() - 1));
}

const ZERO = new Float32Array(1);
const SINK = new Float32Array(1);

/**
 * Runs one sample of silence. A newly activated root starts at gain 0 even with a 0 ms fade-in
 * (its gain reaches 1 one sample later, see the root-activation test), so exact comparisons
 * start after this. Stateful nodes only see a leading zero, which changes nothing.
 */
function prime(p: ElementaryProcessor): void {
  p.process(Array.from({ length: p.numInputs }, () => ZERO), Array.from({ length: p.numOutputs }, () => SINK), 1);
}

/** A prepared, primed processor with `roots` rendered into it. */
function build(ins: number, outs: number, block: number, roots: ElemNode[], setup?: (p: ElementaryProcessor) => void): ElementaryProcessor {
  const p = new ElementaryProcessor(mod, ins, outs);
  p.prepare(48000, block);
  setup?.(p);
  createGraphRenderer((b) => p.applyBatch(b)).render(...roots);
  prime(p);
  return p;
}

/** Runs a mono signal through `p` in blocks of `block`; returns the whole output. */
function runMono(p: ElementaryProcessor, x: Float32Array, block: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let s = 0; s < x.length; s += block) {
    const n = Math.min(block, x.length - s);
    p.process([x.subarray(s, s + n)], [y.subarray(s, s + n)], n);
  }
  return y;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('extracting the runtime from @elemaudio/web-renderer', () => {
  it('extracts the glue from the installed 4.0.3 bundle, identical to evaluating just that literal', () => {
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
    expect(pkg.version).toBe('4.0.3');
    const glue = loadElementaryGlueFromPackage();
    // Oracle: V8 evaluates the declaration's right-hand side on its own (one line in this bundle).
    const line = bundleText.split('\n').find((l) => l.startsWith('var elementary_wasm_default = '))!;
    const literal = line.slice('var elementary_wasm_default = '.length).replace(/;\s*$/, '');
    expect(glue).toBe(runInNewContext(literal) as string);
    expect(glue.length).toBeGreaterThan(400_000); // the wasm is inlined
    const fresh = createElementaryModule(glue);
    expect(typeof fresh.ElementaryAudioProcessor).toBe('function');
  });

  it('refuses any other version, naming the expected and the found one', () => {
    for (const v of ['4.0.4', '4.1.0', '3.2.2']) {
      expect(() => extractElementaryGlue(bundleText, v)).toThrow(new RegExp(`${v.replace(/\./g, '\\.')} is installed.*pinned to 4\\.0\\.3`));
    }
  });

  it('fails loudly when the bundle layout changed', () => {
    const variants: Record<string, string> = {
      renamed: bundleText.replace(/elementary_wasm_default/g, 'elementary_wasm_v5'),
      'wasm moved out (upstream PR #72 style)': bundleText.replace(/var elementary_wasm_default = '.*';/, 'var elementary_wasm_default = new URL("./elementary.wasm", import.meta.url);'),
      'declared twice': `${bundleText}\nvar elementary_wasm_default = 'var Module = 1';`,
      'not the emscripten glue': bundleText.replace(/var elementary_wasm_default = '.*';/, "var elementary_wasm_default = 'console.log(1)';"),
      truncated: bundleText.slice(0, bundleText.indexOf('var elementary_wasm_default') + 1000),
    };
    for (const [name, text] of Object.entries(variants)) {
      expect(text, name).not.toBe(bundleText);
      expect(() => extractElementaryGlue(text, '4.0.3'), name).toThrow(LAYOUT_CHANGED);
    }
  });

  it('parses JS string literals exactly as V8 does', () => {
    // Each entry is JS source text of one literal (backslashes doubled for this file).
    const literals = [
      "'it\\'s \\\"q\\\" \\\\ \\n\\t\\r\\b\\f\\v \\0 end'",
      '"\\x41\\x7e \\u0042 \\u{1F3B8} \\u{41} \\uD83C\\uDFB8"',
      "'line\\\ncontinued \\\r\nagain'",
      "'identity: \\a\\c\\d\\q \\$ \\` \\/ \u2028 ok'",
      '`template\r\nCRLF \\` \\${x} $ {}`',
      '"var Module = (() => {\\n  return \'x\';\\n})();"',
      "''",
    ];
    for (const lit of literals) {
      const text = `var s = ${lit};rest`;
      const r = readJsStringLiteral(text, 8);
      expect(r.value, lit).toBe(runInNewContext(lit) as string);
      expect(text.slice(r.end), lit).toBe(';rest');
    }
    for (const bad of ["'unterminated", "'a\nb'", "'\\x4'", "'\\u12'", "'\\12'", '`a${b}`']) {
      expect(() => readJsStringLiteral(bad, 0), bad).toThrow();
    }
  });
});

describe('Renderer → batches → ElementaryProcessor', () => {
  it('delivers the batch synchronously, as an array (JSON text is rejected by postMessageBatch)', () => {
    const p = new ElementaryProcessor(mod, 1, 1);
    p.prepare(48000, 128);
    const batches: ElementaryInstructionBatch[] = [];
    createGraphRenderer((b) => batches.push(b)).render(el.mul(el.in({ channel: 0 }), 0.5));
    expect(batches).toHaveLength(1);
    expect(Array.isArray(batches[0])).toBe(true);
    expect(() => p.applyBatch(JSON.stringify(batches[0]) as unknown as ElementaryInstructionBatch)).toThrow(/Malformed message batch/);
    p.applyBatch(JSON.parse(JSON.stringify(batches[0])) as ElementaryInstructionBatch); // a JSON round trip is fine
    prime(p);
    const x = noise(128, 9);
    const y = runMono(p, x, 128);
    expect(maxAbsDiff(y, x.map((v) => v * 0.5))).toBeLessThan(1e-7);
  });

  it('el.mul(el.in, 0.5): output = input·0.5 sample-aligned over 100 blocks of 128', () => {
    const p = build(1, 1, 128, [el.mul(el.in({ channel: 0 }), 0.5)]);
    const x = noise(128 * 100, 1);
    x[3 * 128 + 37] = 1; // an impulse must come out at the same index
    const y = runMono(p, x, 128);
    expect(maxAbsDiff(y, x.map((v) => v * 0.5))).toBeLessThan(1e-7);
    expect(y[3 * 128 + 37]).toBe(0.5);
    expect(y[3 * 128 + 36]).toBe(Math.fround(x[3 * 128 + 36]! * 0.5));
  });

  it('el.add(el.in, el.const 0.25) and block lengths below the block size', () => {
    const p = build(1, 1, 128, [el.add(el.in({ channel: 0 }), el.const({ value: 0.25 }))]);
    const x = noise(1000, 2);
    const y = new Float32Array(x.length);
    let s = 0;
    for (const n of [128, 1, 64, 127, 100, 128, 3]) {
      p.process([x.subarray(s, s + n)], [y.subarray(s, s + n)], n);
      s += n;
    }
    const expected = x.map((v) => v + 0.25);
    expect(maxAbsDiff(y.subarray(0, s), expected.subarray(0, s))).toBeLessThan(1e-7);
  });

  it('el.biquad matches the direct difference equation', () => {
    // RBJ low-pass, 1 kHz, Q 0.9 at 48 kHz, normalised by a0.
    const w = (2 * Math.PI * 1000) / 48000;
    const alpha = Math.sin(w) / (2 * 0.9);
    const a0 = 1 + alpha;
    const [b0, b1, b2, a1, a2] = [(1 - Math.cos(w)) / 2 / a0, (1 - Math.cos(w)) / a0, (1 - Math.cos(w)) / 2 / a0, (-2 * Math.cos(w)) / a0, (1 - alpha) / a0];
    const p = build(1, 1, 128, [el.biquad(b0, b1, b2, a1, a2, el.in({ channel: 0 }))]);
    const x = noise(128 * 60, 3);
    const y = runMono(p, x, 128);
    const ref = new Float64Array(x.length);
    let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    for (let i = 0; i < x.length; i++) {
      const v = b0 * x[i]! + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
      x2 = x1; x1 = x[i]!; y2 = y1; y1 = v;
      ref[i] = v;
    }
    expect(maxAbsDiff(y, ref)).toBeLessThan(1e-6);
    expect(Math.max(...ref.map(Math.abs))).toBeGreaterThan(0.1); // the reference is not trivially zero
  });

  it('el.convolve with a VFS IR matches direct convolution (both partition stages)', () => {
    const irLen = 6000; // longer than the 4096-sample tail partition
    const ir = new Float32Array(irLen);
    const n = noise(irLen, 4, 1);
    for (let i = 0; i < irLen; i++) ir[i] = n[i]! * Math.exp(-i / 1500) * 0.1;
    ir[0] = 0.5;
    const p = build(1, 1, 128, [el.convolve({ path: 'cab' }, el.in({ channel: 0 }))], (q) => q.addSharedResource('cab', ir));
    const x = noise(128 * 100, 5);
    const y = runMono(p, x, 128);
    const ref = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      let acc = 0;
      for (let k = 0, m = Math.min(i, irLen - 1); k <= m; k++) acc += ir[k]! * x[i - k]!;
      ref[i] = acc;
    }
    expect(maxAbsDiff(y, ref)).toBeLessThan(1e-5);
    expect(Math.max(...ref.subarray(8000).map(Math.abs))).toBeGreaterThan(0.3);
  });

  it('a missing VFS path fails the batch with the runtime message', () => {
    const p = new ElementaryProcessor(mod, 1, 1);
    p.prepare(48000, 128);
    expect(() => createGraphRenderer((b) => p.applyBatch(b)).render(el.convolve({ path: 'nope' }, el.in({ channel: 0 })))).toThrow(/Invalid value for the given node property/);
    p.addSharedResource('k', new Float32Array(4));
    expect(() => p.addSharedResource('k', new Float32Array(4))).toThrow(/cannot overwrite/);
  });

  it('el.meter loses its reading after exactly 32·k blocks without a poll (why meters are read every ≤ 31 blocks)', () => {
    // The meter's 32-slot ring counts its fill modulo 32. If Elementary fixes this, this test fails:
    // then meter-poll.ts's limit can go.
    const p = build(1, 1, 128, [el.meter({ name: 'm' }, el.in({ channel: 0 }))]);
    p.pollEvents();
    const x = new Float32Array(128);
    const y = new Float32Array(128);
    let block = 0;
    const lost: number[] = [];
    for (let n = 1; n <= 100; n++) {
      for (let k = 0; k < n; k++) {
        x.fill(++block / 1e4); // each block's level names the block
        p.process([x], [y], 128);
      }
      const ev = p.pollEvents().filter(isMeterEvent);
      if (ev.length === 0) lost.push(n);
      else expect(Math.round(ev[0]!.event.max * 1e4)).toBe(block); // otherwise always the latest block
    }
    expect(lost).toEqual([32, 64, 96]);
    // The poll interval the worklet (and any host) uses never hits a multiple of 32.
    for (const rate of [8000, 22050, 44100, 48000, 96000, 192000, 384000]) {
      for (const block of [32, 64, 128, 256, 512, 1024]) {
        for (const hz of [0.5, 1, 10, 30, 60, 120, 1000]) {
          const every = meterPollBlocks(rate, block, hz);
          expect(every).toBeGreaterThanOrEqual(1);
          expect(every).toBeLessThanOrEqual(MAX_METER_POLL_BLOCKS);
        }
      }
    }
    expect(MAX_METER_POLL_BLOCKS % 32).not.toBe(0);
    expect(meterPollBlocks(48000, 128, 0)).toBe(0);
    expect(meterPollBlocks(48000, 128, 30)).toBe(13);
  });

  it('el.meter reports the block min/max through pollEvents, keeping only the latest reading', () => {
    const p = build(1, 1, 128, [el.meter({ name: 'out' }, el.in({ channel: 0 }))]);
    const a = noise(128, 6, 0.5);
    a[17] = -0.75;
    a[90] = 0.625;
    const y = new Float32Array(128);
    p.process([a], [y], 128);
    expect(y).toEqual(a); // the meter passes audio through
    const ev = p.pollEvents();
    expect(ev).toHaveLength(1);
    expect(isMeterEvent(ev[0]!)).toBe(true);
    expect(ev[0]!.event).toEqual({ source: 'out', min: -0.75, max: 0.625 });
    expect(p.pollEvents()).toEqual([]);
    const b = noise(128, 7, 0.25);
    p.process([a], [y], 128);
    p.process([b], [y], 128);
    const ev2 = p.pollEvents();
    expect(ev2).toHaveLength(1);
    expect(ev2[0]!.event).toEqual({ source: 'out', min: Math.min(...b), max: Math.max(...b) });
  });

  it('two processors in one module, chained through a JS stage in one synchronous call', () => {
    const block = 128;
    const pre = build(1, 1, block, [el.add(el.mul(el.in({ channel: 0 }), 0.5), 0.1)]);
    const post = build(1, 1, block, [el.mul(el.in({ channel: 0 }), 3)]);
    const mid = new Float32Array(block);
    const chain = (x: Float32Array, y: Float32Array, n: number): void => {
      pre.process([x], [mid], n);
      for (let i = 0; i < n; i++) mid[i] = 2 * mid[i]!;
      post.process([mid], [y], n);
    };
    const x = noise(block * 40, 8);
    const y = new Float32Array(x.length);
    for (let s = 0; s < x.length; s += block) chain(x.subarray(s, s + block), y.subarray(s, s + block), block);
    expect(maxAbsDiff(y, x.map((v) => 3 * 2 * (0.5 * v + 0.1)))).toBeLessThan(1e-6);
  });

  it('keeps working after wasm memory grows (views are fetched again)', () => {
    const fresh = createElementaryModule(loadElementaryGlueFromPackage());
    const p = new ElementaryProcessor(fresh, 1, 1);
    p.prepare(48000, 128);
    createGraphRenderer((b) => p.applyBatch(b)).render(el.mul(el.in({ channel: 0 }), -2));
    prime(p);
    const x = noise(256, 10);
    const y = new Float32Array(256);
    p.process([x.subarray(0, 128)], [y.subarray(0, 128)], 128);
    const before = fresh.HEAPF64.buffer.byteLength;
    p.addSharedResource('big', new Float32Array(8 << 20)); // 32 MB > the 16 MB initial memory
    expect(fresh.HEAPF64.buffer.byteLength).toBeGreaterThan(before);
    p.process([x.subarray(128)], [y.subarray(128)], 128);
    expect(maxAbsDiff(y, x.map((v) => -2 * v))).toBe(0);
  });

  it('refuses blocks longer than the prepared size (the native side would overrun) and before prepare', () => {
    const p = new ElementaryProcessor(mod, 1, 1);
    const buf = new Float32Array(256);
    expect(() => p.process([buf], [buf], 64)).toThrow(/prepare/);
    p.prepare(48000, 128);
    createGraphRenderer((b) => p.applyBatch(b)).render(el.in({ channel: 0 }));
    prime(p);
    expect(() => p.process([buf], [buf], 129)).toThrow(/block size is 128/);
    expect(() => p.process([buf], [buf], 0)).toThrow(RangeError);
    const x = noise(128, 11);
    const y = new Float32Array(128);
    p.process([x], [y], 128); // still healthy
    expect(y).toEqual(x);
  });

  it('a new root starts at gain 0 even with 0 ms fades: one silent first sample, one old sample at a swap', () => {
    const p = new ElementaryProcessor(mod, 1, 1);
    p.prepare(48000, 128);
    const g = createGraphRenderer((b) => p.applyBatch(b));
    const ones = new Float32Array(128).fill(1);
    const y = new Float32Array(128);
    g.render(el.mul(el.in({ channel: 0 }), 2));
    p.process([ones], [y], 128);
    expect(Array.from(y.subarray(0, 3))).toEqual([0, 2, 2]);
    expect(y.every((v, i) => i === 0 || v === 2)).toBe(true);
    g.render(el.mul(el.in({ channel: 0 }), 3)); // a different graph means a different root
    p.process([ones], [y], 128);
    expect(Array.from(y.subarray(0, 3))).toEqual([2, 3, 3]);
  });

  it('refs change a prop without a re-render, but a re-render restores the ref\'s initial props', () => {
    const p = new ElementaryProcessor(mod, 1, 1);
    p.prepare(48000, 128);
    const batches: ElementaryInstructionBatch[] = [];
    const g = createGraphRenderer((b) => {
      batches.push(b);
      p.applyBatch(b);
    });
    const [gain, setGain] = g.createRef('const', { value: 0.5 }, []);
    const graph = (): ElemNode => el.mul(el.in({ channel: 0 }), gain);
    g.render(graph());
    prime(p);
    const x = noise(128, 12);
    const y = new Float32Array(128);
    p.process([x], [y], 128);
    expect(maxAbsDiff(y, x.map((v) => v * 0.5))).toBeLessThan(1e-7);
    setGain({ value: 2 });
    expect(batches).toHaveLength(2); // the setter went through onBatch
    expect(batches[1]!.some((ins) => ins[0] === 3)).toBe(true); // a SET_PROPERTY
    p.process([x], [y], 128);
    expect(maxAbsDiff(y, x.map((v) => v * 2))).toBe(0);
    g.render(graph()); // same graph: same root, so no fade; but the ref is back at 0.5
    p.process([x], [y], 128);
    expect(maxAbsDiff(y, x.map((v) => v * 0.5))).toBeLessThan(1e-7);
  });

  it('gc frees a replaced graph two renders later; its ids must be pruned from the renderer before re-rendering it', () => {
    const graphA = (): ElemNode => el.mul(el.in({ channel: 0 }), el.const({ value: 0.25 }));
    const x = noise(128, 13);
    const y = new Float32Array(128);
    const run = (prune: boolean): number[] => {
      const p = new ElementaryProcessor(mod, 1, 1);
      p.prepare(48000, 128);
      const g = createGraphRenderer((b) => p.applyBatch(b));
      g.render(graphA());
      p.process([x], [y], 128);
      g.render(el.mul(el.in({ channel: 0 }), -1)); // graph A's root fades out...
      p.process([x], [y], 128);
      expect(p.gc()).toEqual([]); // ...but is still listed as a root
      g.render(el.mul(el.in({ channel: 0 }), -3)); // now it is dropped
      p.process([x], [y], 128);
      const freed = p.gc();
      if (!prune) {
        expect(() => g.render(graphA())).toThrow(/Node not found/); // the renderer thinks A is still mounted
        return freed;
      }
      g.prune(freed);
      g.render(graphA());
      prime(p);
      p.process([x], [y], 128);
      expect(maxAbsDiff(y, x.map((v) => v * 0.25))).toBeLessThan(1e-7);
      return freed;
    };
    const freed = run(true);
    expect(freed).toHaveLength(3); // root, mul, const (el.in is shared with the later graphs)
    expect(run(false)).toEqual(freed); // node ids are content hashes: identical across runs
  });
});

describe('ElementaryProcessor.process allocates nothing', () => {
  it('10,000 blocks of 128 through pre → JS → post (convolver, biquad, meter): no GC, flat heap', () => {
    // --no-memory-reducer: see rig-engine.test.ts (a timer-driven GC is not an allocation).
    const out = execFileSync(process.execPath, ['--expose-gc', '--no-memory-reducer', 'bin/run-ts.mjs', 'test/engine/elementary-alloc-probe.ts', '128', '10000'], { cwd: root, encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { gcs: number; heapGrowth: number; blocks: number; finite: boolean; energy: number };
    expect(r.blocks).toBe(10000);
    expect(r.finite).toBe(true);
    expect(r.energy).toBeGreaterThan(1); // audio actually flowed
    expect(r.gcs).toBe(0);
    expect(r.heapGrowth).toBeLessThan(64 * 1024);
  }, 60_000);
});
