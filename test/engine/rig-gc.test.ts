/**
 * Elementary node GC in the rig. The runtime keeps every node it was ever sent until its gc frees
 * those no root references (and the renderer must forget them). The built-in blocks render no new
 * nodes after the first render (IR loads change a keyed convolver's path, model levels are refs: see
 * the last test), so these tests add a block that builds a constant from `ctx.model` (as a block may):
 * with it, a model whose level metadata differ re-renders the graphs with new nodes. Measured on the runtime: CREATE_NODE instructions it received minus the
 * ids its gc returned (spies pass everything through), and its VFS entries. Over many re-renders the
 * periodic gc keeps the node count bounded where it otherwise grows without end, and the output is the
 * same bit for bit. The split (graph side and audio side exchanging ops and gc answers a block apart,
 * as with the AudioWorklet) holds renders and ref updates while an answer is awaited.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNam, type NamFile } from '../../src/dsp/nam/index.ts';
import { loadElementaryModule } from '../../src/dsp/engine/elementary-runtime.ts';
import { RigController } from '../../src/dsp/engine/rig-controller.ts';
import { applyRigOp, RigAudio } from '../../src/dsp/engine/rig-audio.ts';
import { RigGraphs, sidechainIds, type RigOp } from '../../src/dsp/engine/rig-graphs.ts';
import { el } from '@elemaudio/core';
import { defineBlock, type ModelLevels } from '../../src/dsp/rig/manifest.ts';
import { createRegistry, RIG_CHAIN } from '../../src/dsp/rig/registry.ts';
import { mulberry32 } from '../../src/dsp/synth/prng.ts';
import { MODELS_DIR } from '../helpers/fixtures.ts';
import { nodeLedger } from '../helpers/node-ledger.ts';

const RATE = 48000;
const BLOCK = 128;
const SWAPS = 120;
const model = parseNam(readFileSync(join(MODELS_DIR, 'ampeg.nam'), 'utf8'));

/**
 * First in the chain, a block whose graph holds the model's loudness as a plain constant: every level
 * change renders it, and everything downstream of it in the pre graph, as new nodes. Its output is its
 * input (x · (1 + 0 · loudness)).
 */
const levelConstant = defineBlock({
  id: 'levelConstant',
  label: 'Level constant',
  params: [],
  graph: (x, _p, ctx) => el.mul(x, el.add(el.const({ value: 1 }), el.mul(el.const({ value: 0 }), el.const({ value: ctx.model.loudness ?? 0 })))),
});
const registry = createRegistry([levelConstant, ...RIG_CHAIN]);

/** Swap i's level metadata: a new loudness each time, an input level every other time (a new graph shape). */
const levels = (i: number): ModelLevels => ({ loudness: -20 - i / 10, ...(i % 2 ? { inputLevelDbu: 12 } : {}) });
const variant = (i: number): NamFile => {
  const l = levels(i);
  return { ...model, metadata: { ...model.metadata, loudness: l.loudness, ...(l.inputLevelDbu !== undefined ? { input_level_dbu: l.inputLevelDbu } : {}) } };
};

function ir(seed: number, n = 512): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, (_, i) => (2 * r() - 1) * Math.exp(-i / 100));
}

function input(n: number): Float32Array {
  const r = mulberry32(99);
  return Float32Array.from({ length: n }, (_, i) => 0.2 * Math.sin(i / 20) + 0.05 * (2 * r() - 1));
}


describe('Elementary node gc', () => {
  it('keeps the runtime\'s nodes bounded over many model swaps and IR loads; output unchanged', () => {
    const x = input(BLOCK * 20);
    const run = (gcEveryRenders: number) => {
      const c = new RigController({ sampleRate: RATE, maxBlockSize: BLOCK, model: variant(0), module: loadElementaryModule(), kernels: 'simd', gcEveryRenders, registry });
      const nodes = nodeLedger(c.engine.pre, c.engine.post);
      const out: Float32Array[] = [];
      const alive: number[] = [];
      const vfs: number[] = [];
      const y = new Float32Array(x.length);
      for (let i = 1; i <= SWAPS; i++) {
        c.setModel(variant(i)); // re-renders both graphs (new level constants)
        if (i % 4 === 0) c.loadIr(ir(i), RATE);
        for (let b = 0; b < 20; b++) c.engine.process(x.subarray(b * BLOCK, (b + 1) * BLOCK), y.subarray(b * BLOCK, (b + 1) * BLOCK), BLOCK);
        out.push(y.slice());
        alive.push(nodes.alive());
        vfs.push(c.engine.post.listSharedResources().length);
      }
      console.log(`gcEveryRenders ${gcEveryRenders}: nodes alive after swaps 1, 10, 20, …: ${alive.filter((_, i) => i === 0 || (i + 1) % 10 === 0).join(' ')}`);
      return { out, alive, vfs, freed: nodes.ledger.freed };
    };
    const without = run(0);
    const withGc = run(4);

    // Without gc every version of the graphs stays in the runtime.
    expect(without.freed).toBe(0);
    expect(without.alive.at(-1)! - without.alive[0]!).toBeGreaterThan(5 * SWAPS);
    // With it the count levels off: the versions since the last gc, and the ones still fading.
    expect(withGc.freed).toBeGreaterThan(0);
    expect(Math.max(...withGc.alive)).toBeLessThanOrEqual(2 * withGc.alive[0]!);
    expect(withGc.alive.at(-1)!).toBeLessThan(without.alive.at(-1)! / 3);
    // VFS entries (the IRs) are pruned after each load either way.
    expect(Math.max(...withGc.vfs, ...without.vfs)).toBeLessThanOrEqual(2);
    // … and gc changes nothing audible.
    for (let i = 0; i < SWAPS; i++) expect(withGc.out[i]).toEqual(without.out[i]);
  });

  it('across the split: gc answers arrive a block later, renders and ref updates wait for them', () => {
    const x = input(BLOCK);
    /** A worklet-like pair: ops reach the audio side at the next block, gc answers come back after it. */
    const split = (gcEvery: number) => {
      const module = loadElementaryModule();
      const audio = new RigAudio({ sampleRate: RATE, maxBlockSize: BLOCK, sidechains: sidechainIds(registry).length, module, kernels: 'simd' });
      audio.setModel(model);
      const nodes = nodeLedger(audio.engine.pre, audio.engine.post);
      const toAudio: RigOp[] = [];
      const graphs = new RigGraphs({ sampleRate: RATE, levels: levels(0), emit: (op) => void toAudio.push(op), registry });
      const y = new Float32Array(BLOCK);
      const out: number[] = [];
      const block = () => {
        for (const op of toAudio.splice(0)) applyRigOp(audio.engine, op); // the port handler
        audio.engine.process(x, y, BLOCK);
        out.push(...y);
        for (const c of audio.engine.takeCollected()) graphs.pruned(c.target, c.ids); // the answer
      };
      return { audio, graphs, nodes, toAudio, block, out, gcEvery };
    };
    const a = split(0);
    const b = split(3);
    const emitted: string[] = [];
    for (let i = 1; i <= SWAPS; i++) {
      for (const s of [a, b]) {
        s.graphs.setLevels(levels(i));
        if (i % 4 === 0) s.graphs.loadIr(ir(i), RATE);
        if (s.gcEvery > 0 && i % s.gcEvery === 0) {
          expect(s.graphs.collectGarbage()).toBe(true);
          expect(s.graphs.collectGarbage()).toBe(false); // one round trip at a time
        }
        for (let k = 0; k < 10; k++) s.block();
      }
    }
    expect(b.out).toEqual(a.out);
    expect(b.nodes.ledger.freed).toBeGreaterThan(0);
    expect(b.nodes.alive()).toBeLessThan(a.nodes.alive() / 3);
    console.log(`split: nodes alive after ${SWAPS} re-renders: ${a.nodes.alive()} without gc, ${b.nodes.alive()} with`);

    // While an answer is awaited: a knob change, a re-render and an IR load emit no batches (only the
    // IR's VFS entry)…
    const s = b;
    expect(s.graphs.collectGarbage()).toBe(true);
    s.graphs.setParam('tone.treble', 8);
    s.graphs.setLevels(levels(1000));
    const key = s.graphs.loadIr(ir(1000), RATE);
    emitted.push(...s.toAudio.map((op) => op.kind));
    expect(emitted).toEqual(['gc', 'gc', 'resource']);
    expect(s.graphs.collecting).toBe(true);
    // … and once the audio side answered (one block: ops applied, gc run, ids back), they follow.
    s.block();
    expect(s.graphs.collecting).toBe(false);
    expect(s.toAudio.map((op) => op.kind)).toContain('batch');
    expect(s.toAudio.at(-1)).toMatchObject({ kind: 'prune', target: 'post' });
    const y = s.out.length;
    for (let k = 0; k < 40; k++) s.block(); // applied without a runtime error (a batch naming a freed node throws)
    expect(s.out.slice(y).some((v) => v !== 0)).toBe(true);
    expect(s.graphs.levels).toEqual(levels(1000));
    expect(s.graphs.params['tone.treble']).toBe(8);
    expect(key).toMatch(/^rig\/ir\/\d+$/);
    expect(() => s.graphs.pruned('pre', [])).toThrow(/no node gc of the pre graph is awaited/);
  });

  it('the built-in rig renders no new nodes when a model with other levels loads, and its output glides there', () => {
    // The same weights with other level metadata: the model crossfade is between identical signals, so
    // the output level moves only by the output gain (Normalized mode: −18 − loudness).
    const c = new RigController({ sampleRate: RATE, maxBlockSize: BLOCK, model: { ...model, metadata: { ...model.metadata, loudness: -30 } }, module: loadElementaryModule(), kernels: 'simd', gcEveryRenders: 0 });
    const nodes = nodeLedger(c.engine.pre, c.engine.post);
    const n = BLOCK * 8; // RMS windows of 1024 samples
    const x = Float32Array.from({ length: n }, (_, i) => 0.1 * Math.sin((2 * Math.PI * 375 * i) / RATE)); // whole periods
    const y = new Float32Array(n);
    const rmsDb = (): number => {
      for (let b = 0; b < n; b += BLOCK) c.engine.process(x.subarray(b, b + BLOCK), y.subarray(b, b + BLOCK), BLOCK);
      return 10 * Math.log10(y.reduce((a, v) => a + v * v, 0) / n);
    };
    for (let k = 0; k < 40; k++) rmsDb(); // settle (smoothers start at 0 after construction)
    const before = rmsDb();
    const nodesBefore = nodes.alive(); // the first render's
    expect(nodesBefore).toBeGreaterThan(100);
    c.setModel({ ...model, metadata: { ...model.metadata, loudness: -20 } }); // 10 dB quieter
    const after = Array.from({ length: 20 }, rmsDb);
    expect(nodes.alive()).toBe(nodesBefore); // no CREATE_NODE since
    const settled = after.at(-1)!;
    expect(settled - before).toBeCloseTo(-10, 1);
    // Every window lies between the two levels (a re-rendered graph's smoother restarted at 0 dB: the
    // output left that range), and the first window after the load is already most of the way.
    for (const v of after) {
      expect(v).toBeLessThanOrEqual(before + 0.05);
      expect(v).toBeGreaterThanOrEqual(settled - 0.05);
    }
    expect(after[0]!).toBeLessThan(before - 6);
  });
});
