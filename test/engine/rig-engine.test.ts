/**
 * The rig engine (pre graph → NAM model → post graph in one call) against oracles written here:
 * the model run directly × the Normalized gain through a 1st-order high-pass implemented below, the
 * RBJ low-shelf response computed from the cookbook formulas, a direct-form convolution, impulse
 * alignment, bounded sample-to-sample steps across model and IR swaps, resampled operation, and an
 * allocation probe in a child process.
 *
 * Elementary smoothers start at 0 when a graph is first rendered, so every comparison skips a
 * pre-roll (`SETTLE`) of ≥ 0.4 s.
 */
import { mulberry32 } from '../../src/dsp/synth/prng.ts';
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createNamModel, parseNam, type NamFile } from '../../src/dsp/nam/index.ts';
import { decodeWav, mixToMono } from '../../src/dsp/io/wav-read.ts';
import { resample } from '../../src/dsp/resample/index.ts';
import { loadElementaryModule } from '../../src/dsp/engine/elementary-runtime.ts';
import { RigController } from '../../src/dsp/engine/rig-controller.ts';
import { RigGraphs, type RigOp } from '../../src/dsp/engine/rig-graphs.ts';
import { MODELS_DIR, SHARED } from '../helpers/fixtures.ts';

const root = resolve(__dirname, '../..');
const fs = 48000;
const BLOCK = 128;
const SETTLE = Math.round(0.4 * fs);
const mod = loadElementaryModule();

const modelText = (name: string): string => readFileSync(join(MODELS_DIR, `${name}.nam`), 'utf8');
const ampeg = parseNam(modelText('ampeg')); // loudness −21.06 dB, 48 kHz
const jc = parseNam(modelText('jc'));
const ac10 = parseNam(modelText('ac10'));

function readIr(name: string): { samples: Float32Array; sampleRate: number } {
  const wav = decodeWav(new Uint8Array(readFileSync(join(SHARED, 'irs', `${name}.wav`))));
  return { samples: mixToMono(wav.channels), sampleRate: wav.sampleRate };
}

/** Deterministic noise in [-amp, amp) (mulberry32). */
function noise(n: number, seed: number, amp = 0.3): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => amp * (2 * r() - 1));
}

function sine(n: number, f: number, amp: number, rate = fs): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * f * i) / rate));
}

/** Runs x through the engine in blocks of `block`; `at(start)` runs before each block. */
function run(c: RigController, x: Float32Array, block = BLOCK, at?: (start: number) => void): Float32Array {
  const y = new Float32Array(x.length);
  const inBuf = new Float32Array(block);
  const outBuf = new Float32Array(block);
  for (let s = 0; s < x.length; s += block) {
    at?.(s);
    const n = Math.min(block, x.length - s);
    inBuf.set(x.subarray(s, s + n));
    c.engine.process(inBuf, outBuf, n);
    y.set(outBuf.subarray(0, n), s);
  }
  return y;
}

/** The model alone, in blocks of `block`. */
function modelOutput(file: NamFile, x: Float32Array, block = BLOCK): Float32Array {
  const m = createNamModel(file, { maxBlockSize: block });
  const y = new Float32Array(x.length);
  for (let s = 0; s < x.length; s += block) m.process(x.subarray(s, Math.min(x.length, s + block)), y.subarray(s, Math.min(x.length, s + block)));
  return y;
}

/** The plugin's DC blocker, written from its definition: y[n] = α(y[n−1] + x[n] − x[n−1]), α = 1/(1 + 2π·5/fs). */
function highPass(x: ArrayLike<number>, rate: number): Float64Array {
  const alpha = 1 / (1 + (2 * Math.PI * 5) / rate);
  const y = new Float64Array(x.length);
  let px = 0;
  let py = 0;
  for (let i = 0; i < x.length; i++) {
    py = alpha * (py + x[i]! - px);
    px = x[i]!;
    y[i] = py;
  }
  return y;
}

function maxAbs(x: ArrayLike<number>, from = 0, to = x.length): number {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>, from: number, to: number): number {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Largest |y[i] − y[i−1]| for i in [from, to). */
function maxStep(y: ArrayLike<number>, from: number, to: number): number {
  let m = 0;
  for (let i = Math.max(1, from); i < to; i++) m = Math.max(m, Math.abs(y[i]! - y[i - 1]!));
  return m;
}

/** Amplitude of the f Hz component over [from, to) (an integer number of periods). */
function toneAmplitude(y: ArrayLike<number>, f: number, from: number, to: number, rate = fs): number {
  let re = 0;
  let im = 0;
  for (let i = from; i < to; i++) {
    const w = (2 * Math.PI * f * i) / rate;
    re += y[i]! * Math.cos(w);
    im += y[i]! * Math.sin(w);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

/** RBJ cookbook low shelf, |H(e^jw)| in dB, written out here. */
function rbjLowShelfDb(f0: number, q: number, gainDb: number, f: number, rate: number): number {
  const A = 10 ** (gainDb / 40);
  const w0 = (2 * Math.PI * f0) / rate;
  const cw = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  const sA = 2 * Math.sqrt(A) * alpha;
  const b0 = A * (A + 1 - (A - 1) * cw + sA);
  const b1 = 2 * A * (A - 1 - (A + 1) * cw);
  const b2 = A * (A + 1 - (A - 1) * cw - sA);
  const a0 = A + 1 + (A - 1) * cw + sA;
  const a1 = -2 * (A - 1 + (A + 1) * cw);
  const a2 = A + 1 + (A - 1) * cw - sA;
  const w = (2 * Math.PI * f) / rate;
  const mag = (c0: number, c1: number, c2: number): number => Math.hypot(c0 + c1 * Math.cos(w) + c2 * Math.cos(2 * w), -(c1 * Math.sin(w) + c2 * Math.sin(2 * w)));
  return 20 * Math.log10(mag(b0, b1, b2) / mag(a0, a1, a2));
}

const controller = (o: Partial<ConstructorParameters<typeof RigController>[0]> = {}): RigController =>
  new RigController({ sampleRate: fs, maxBlockSize: BLOCK, model: ampeg, module: mod, ...o });

describe('RigEngine with default knobs and no IR', () => {
  it('equals model × normalisation gain through the DC blocker (after the smoothers settle)', () => {
    const x = noise(SETTLE + 9600, 1);
    const y = run(controller(), x);
    const g = 10 ** ((-18 - ampeg.metadata.loudness!) / 20);
    const m = modelOutput(ampeg, x);
    const expected = highPass(Float64Array.from(m, (v) => v * g), fs);
    const peak = maxAbs(expected, SETTLE);
    expect(peak).toBeGreaterThan(0.01);
    expect(maxDiff(y, expected, SETTLE, x.length) / peak).toBeLessThan(1e-6);
  });

  it('adds zero latency: an impulse comes out at the same index (raw output, no gate)', () => {
    const c = controller({ params: { 'output.mode': 0, 'gate.enabled': 0 } });
    const x = new Float32Array(SETTLE + 2048);
    x[SETTLE + 100] = 0.5;
    const y = run(c, x);
    // The model's impulse response (it is causal) sets where the output may start.
    const m = modelOutput(ampeg, x);
    const firstModel = m.findIndex((v, i) => i > SETTLE && Math.abs(v - m[SETTLE]!) > 1e-4);
    const firstRig = y.findIndex((v, i) => i > SETTLE && Math.abs(v - y[SETTLE]!) > 1e-4);
    expect(firstModel).toBe(SETTLE + 100);
    expect(firstRig).toBe(firstModel);
    expect(c.engine.latencySamples).toBe(0);
  });

  it('meters report the input and output levels when polled', () => {
    const c = controller();
    run(c, noise(BLOCK * 20, 2));
    const meters = c.engine.pollMeters();
    expect(meters.in!.max).toBeGreaterThan(0.2);
    expect(meters.in!.max).toBeLessThanOrEqual(0.3);
    expect(meters.in!.min).toBeLessThan(-0.2);
    expect(meters.out!.max).toBeGreaterThan(0);
    expect(c.engine.pollMeters()).toEqual({});
  });

  it('readMeterPeaks gives the largest |sample| since the last reading, -1 when no block ran, without allocating event objects', () => {
    const c = controller({ params: { 'gate.enabled': 0 } });
    run(c, new Float32Array(Math.ceil(SETTLE / BLOCK) * BLOCK));
    const into = new Float32Array(2);
    c.engine.readMeterPeaks(into);
    const x = new Float32Array(BLOCK * 20);
    x[BLOCK * 3 + 17] = -0.7; // a negative peak: the reading is its magnitude
    const y = run(c, x);
    c.engine.readMeterPeaks(into);
    expect(into[0]).toBeCloseTo(0.7, 6);
    expect(into[1]).toBe(Math.fround(y.reduce((p, v) => Math.max(p, Math.abs(v)), 0)));
    c.engine.readMeterPeaks(into);
    expect(Array.from(into)).toEqual([-1, -1]);
  });

  it('meters catch a peak in any block between two polls, however many blocks (32 included) went by', () => {
    for (const blocks of [13, 32, 40]) {
      const c = controller({ params: { 'gate.enabled': 0 } });
      run(c, new Float32Array(Math.ceil(SETTLE / BLOCK) * BLOCK)); // smoothers settle
      c.engine.pollMeters();
      const x = new Float32Array(BLOCK * blocks);
      x[BLOCK * 3 + 17] = 0.8; // one sample, early on; every later block is silent
      const y = run(c, x);
      const m = c.engine.pollMeters();
      expect(m.in!.max).toBeCloseTo(0.8, 6); // default input gain 0 dB
      expect(m.in!.min).toBe(0);
      const outPeak = y.reduce((p, v) => Math.max(p, Math.abs(v)), 0);
      expect(outPeak).toBeGreaterThan(1e-3);
      expect(Math.max(Math.abs(m.out!.min), Math.abs(m.out!.max))).toBe(outPeak);
    }
  });
});

describe('RigEngine knobs', () => {
  it('bass 10 vs 5 changes the 150 Hz component by the RBJ low-shelf response (within 0.1 dB)', () => {
    const x = sine(SETTLE + 9600, 150, 0.2);
    const flat = run(controller({ params: { 'tone.bass': 5 } }), x);
    const boosted = run(controller({ params: { 'tone.bass': 10 } }), x);
    const measured = 20 * Math.log10(toneAmplitude(boosted, 150, SETTLE, x.length) / toneAmplitude(flat, 150, SETTLE, x.length));
    const expected = rbjLowShelfDb(150, 0.707, 20, 150, fs);
    expect(expected).toBeGreaterThan(9);
    expect(Math.abs(measured - expected)).toBeLessThan(0.1);
  });

  it('setParam moves a knob live (clamped), and survives a re-render', () => {
    const x = sine(2 * SETTLE + 9600, 150, 0.2);
    const c = controller();
    expect(c.setParam('tone.bass', 42)).toBe(10);
    const y = run(c, x, BLOCK, (s) => {
      // A model with other level metadata re-renders both graphs; the knob must stay at 10.
      if (s === SETTLE - (SETTLE % BLOCK)) c.setModel(modelText('deluxe'));
    });
    const ref = run(controller({ params: { 'tone.bass': 5 }, model: parseNam(modelText('deluxe')) }), x);
    const from = 2 * SETTLE;
    const measured = 20 * Math.log10(toneAmplitude(y, 150, from, from + 9600) / toneAmplitude(ref, 150, from, from + 9600));
    expect(Math.abs(measured - rbjLowShelfDb(150, 0.707, 20, 150, fs))).toBeLessThan(0.1);
    expect(() => c.setParam('tone.bsas', 1)).toThrow(/tone\.bsas/);
  });

  it('setParam to the current value emits no op (a preset restore sets every parameter)', () => {
    const ops: RigOp[] = [];
    const g = new RigGraphs({ sampleRate: fs, emit: (op) => void ops.push(op) });
    ops.length = 0;
    expect(g.setParam('tone.bass', g.params['tone.bass']!)).toBe(g.params['tone.bass']);
    expect(g.setParam('tone.bass', 42)).toBe(10); // clamped
    expect(ops.map((op) => op.kind)).toEqual(['batch']); // the change only
    expect(g.setParam('tone.bass', 11)).toBe(10); // clamps to the current value: nothing
    expect(ops).toHaveLength(1);
  });
});

describe('RigEngine cab', () => {
  it('with an IR equals the no-IR rig output convolved with the (trimmed) IR × the plugin IR gain', () => {
    const ir = readIr('celestion');
    expect(ir.sampleRate).toBe(fs);
    const x = noise(SETTLE + 4096, 3);
    const dry = run(controller(), x);
    const c = controller();
    c.loadIr(ir.samples, ir.sampleRate);
    const wet = run(c, x);
    const h = ir.samples.subarray(0, 8192);
    const k = 10 ** (-18 / 20);
    let err = 0;
    let peak = 0;
    for (let i = SETTLE; i < x.length; i++) {
      let acc = 0;
      for (let j = 0; j < h.length && j <= i; j++) acc += h[j]! * dry[i - j]!;
      acc *= k;
      peak = Math.max(peak, Math.abs(acc));
      err = Math.max(err, Math.abs(wet[i]! - acc));
    }
    expect(peak).toBeGreaterThan(1e-3);
    expect(err / peak).toBeLessThan(1e-4);
  });

  it('an IR swap crossfades: no step larger than the steady-state steps', () => {
    const a = readIr('celestion');
    const b = readIr('ampeg');
    const x = sine(3 * SETTLE, 220, 0.3);
    const c = controller();
    c.loadIr(a.samples, a.sampleRate);
    const swapAt = SETTLE * 2 - ((SETTLE * 2) % BLOCK);
    const y = run(c, x, BLOCK, (s) => {
      if (s === swapAt) c.loadIr(b.samples, b.sampleRate);
    });
    const before = maxStep(y, SETTLE, swapAt);
    const tail = maxStep(y, swapAt + fs / 4, y.length);
    const across = maxStep(y, swapAt - BLOCK, swapAt + fs / 4);
    expect(across).toBeLessThan(1.2 * Math.max(before, tail));
    expect(c.params['cab.mix']).toBe(0); // A → B → A
  });
});

describe('RigEngine model swap', () => {
  it('crossfades old → new: steps across the swap stay within what the crossfade allows', () => {
    const x = sine(2 * SETTLE, 110, 0.4);
    const swapAt = SETTLE - (SETTLE % BLOCK);
    const c = controller({ model: jc, params: { 'gate.enabled': 0 } });
    const y = run(c, x, BLOCK, (s) => {
      if (s === swapAt) c.setModel(ac10);
    });
    const oldOnly = run(controller({ model: jc, params: { 'gate.enabled': 0 } }), x);
    const newOnly = run(controller({ model: ac10, params: { 'gate.enabled': 0 } }), x);
    const F = c.engine.crossfadeSamples;
    const allowed = Math.max(maxStep(oldOnly, swapAt - F, swapAt + F), maxStep(newOnly, swapAt - F, swapAt + F)) + maxDiff(oldOnly, newOnly, swapAt, swapAt + F) / F;
    expect(maxStep(y, swapAt - BLOCK, swapAt + F + BLOCK)).toBeLessThanOrEqual(allowed * 1.001);
    // A hard switch would have jumped by |old − new| at the swap.
    expect(Math.abs(oldOnly[swapAt]! - newOnly[swapAt]!)).toBeGreaterThan(allowed);
    // Before the swap the old model plays, after the crossfade the new one (both sides of the LTI post are settled).
    expect(maxDiff(y, oldOnly, SETTLE - 2 * BLOCK, swapAt)).toBe(0);
    expect(maxDiff(y, newOnly, swapAt + fs / 4, y.length) / maxAbs(newOnly, swapAt)).toBeLessThan(1e-5);
    expect(c.model?.metadata).toEqual(ac10.metadata);
  });

  it('a model that fails to parse or build throws and leaves the old one playing', () => {
    const x = noise(SETTLE, 4);
    const c = controller();
    const ok = controller();
    const broken = JSON.parse(modelText('deluxe')) as { weights: number[] };
    broken.weights.pop();
    const y = run(c, x, BLOCK, (s) => {
      if (s === 4096) {
        expect(() => c.setModel('{"version": "0.5.4", "architecture": "WaveNet"')).toThrow(/JSON/);
        expect(() => c.setModel(JSON.stringify(broken))).toThrow(/weights/);
      }
    });
    expect(maxDiff(y, run(ok, x), 0, x.length)).toBe(0);
    expect(c.model?.metadata.loudness).toBe(ampeg.metadata.loudness);
  });
});

describe('RigEngine at a rate other than the model’s', () => {
  it('resamples around the model (44.1 kHz engine, 48 kHz model), reports the latency and sounds like the model', () => {
    const rate = 44100;
    const c = new RigController({ sampleRate: rate, maxBlockSize: BLOCK, model: ampeg, module: mod, params: { 'gate.enabled': 0 } });
    const latency = c.engine.latencySamples;
    expect(latency).toBeGreaterThan(1);
    expect(latency).toBeLessThan(0.01 * rate);
    const x = synthesizeSine(rate);
    const y = run(c, x);
    // Oracle: offline resample → model → × gain → resample back, high-passed, delayed by the latency.
    const g = 10 ** ((-18 - ampeg.metadata.loudness!) / 20);
    const m = modelOutput(ampeg, resample(x, rate, 48000));
    const back = resample(Float32Array.from(m, (v) => v * g), 48000, rate);
    const expected = highPass(back, rate);
    const L = Math.round(latency);
    const from = Math.round(0.4 * rate);
    let num = 0;
    let ey = 0;
    let ee = 0;
    for (let i = from; i < x.length; i++) {
      const e = expected[i - L]!;
      num += y[i]! * e;
      ey += y[i]! * y[i]!;
      ee += e * e;
    }
    expect(num / Math.sqrt(ey * ee)).toBeGreaterThan(0.999);
    expect(Math.sqrt(ey / ee)).toBeCloseTo(1, 2);
  });
});

function synthesizeSine(rate: number): Float32Array {
  const n = Math.round(0.6 * rate);
  return Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 196 * i) / rate) + 0.1 * Math.sin((2 * Math.PI * 523 * i) / rate));
}

describe('RigEngine allocation', () => {
  for (const rate of [48000, 44100]) {
    it(`process() allocates nothing: 10,000 blocks at ${rate} Hz, 0 GCs`, () => {
      // --no-memory-reducer: V8's memory reducer runs a heap-shrinking GC on a timer some seconds after
      // start-up's allocations, whatever runs then; on a loaded machine the probe lasts long enough to
      // see it (measured: "Mark-Compact (reduce)", heap growth ~2 KB). Allocation-triggered GCs still count.
      const out = execFileSync(process.execPath, ['--expose-gc', '--no-memory-reducer', join(root, 'bin/run-ts.mjs'), join(root, 'test/engine/rig-alloc-probe.ts'), String(BLOCK), '10000', String(rate)], { cwd: root, encoding: 'utf8' });
      const r = JSON.parse(out.trim().split('\n').pop()!) as { gcs: number; heapGrowth: number; finite: boolean; energy: number };
      expect(r.finite).toBe(true);
      expect(r.energy).toBeGreaterThan(0);
      expect(r.gcs).toBe(0);
    }, 120_000);
  }

  it('reading the meters with readMeterPeaks every 12 blocks allocates nothing; pollMeters does (the probe sees it)', () => {
    const probe = (meters: string) => {
      const out = execFileSync(process.execPath, ['--expose-gc', '--no-memory-reducer', join(root, 'bin/run-ts.mjs'), join(root, 'test/engine/rig-alloc-probe.ts'), String(BLOCK), '10000', '48000', meters], { cwd: root, encoding: 'utf8' });
      return JSON.parse(out.trim().split('\n').pop()!) as { gcs: number; heapGrowth: number; peaks: number[] };
    };
    const peaks = probe('peaks');
    expect(peaks.gcs).toBe(0);
    expect(peaks.heapGrowth, JSON.stringify(peaks)).toBeLessThan(8 * 1024); // the smaller of two 5,000-block windows
    expect(peaks.peaks[0]).toBeGreaterThan(0.25); // the probe's 0.3 sine after the default 0 dB input gain
    expect(peaks.peaks[0]).toBeLessThanOrEqual(0.3);
    expect(peaks.peaks[1]).toBeGreaterThan(0);
    const poll = probe('poll');
    expect(poll.gcs + (poll.heapGrowth > 32 * 1024 ? 1 : 0), JSON.stringify(poll)).toBeGreaterThan(0);
  }, 120_000);
});
