/**
 * The stepped model build (src/dsp/nam/model-build-job.ts) against the one-shot `createNamModel`:
 * bit-identical output for every architecture and both kernel paths; a bad model ends the job with a
 * clear error (never a throw); and the work is bounded structurally — each pack step writes at most
 * the budget (or one tile), each prewarm step feeds at most its budget, and the step count follows
 * from the model's size, never from wall time.
 */
import { describe, expect, it } from 'vitest';
import { createNamModel, NamError, parseNam, type KernelChoice, type NamFile, type NamModel } from '../../src/dsp/nam/index.ts';
import { measureArenaBytes, ModelBuildJob, type BuildStepReport } from '../../src/dsp/nam/model-build-job.ts';
import { convTileFloats, convTiles, winograd4TileFloats, winogradTileFloats } from '../../src/dsp/nam/simd/pack.ts';
import { loadReferenceCase, referenceInput } from '../helpers/fixtures.ts';

const BLOCK = 128;
const CASES = [
  'wavenet_standard', // WaveNet A1, 2 arrays × 10 layers
  'core_wavenet_a2_max', // WaveNet A2, FiLMs, gating modes
  'core_A2', // SlimmableContainer of A2 WaveNets
  'core_slimmable_container',
  'core_wavenet_condition_dsp', // nested condition_dsp
  'lstm_2x16',
  'convnet_bn',
  'linear_64',
] as const;
const KERNELS: KernelChoice[] = ['js', 'simd'];

const file = (name: string): NamFile => parseNam(loadReferenceCase(name).modelText);

function play(model: NamModel, input: Float32Array): Float32Array {
  const out = new Float32Array(input.length);
  for (let at = 0; at < input.length; at += BLOCK) model.process(input.subarray(at, at + BLOCK), out.subarray(at, at + BLOCK));
  return out;
}

/** Index of the first sample whose bits differ, or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (ua.length !== ub.length) return Math.min(ua.length, ub.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return i;
  return -1;
}

function runJob(job: ModelBuildJob): BuildStepReport[] {
  const reports: BuildStepReport[] = [];
  for (let guard = 0; guard < 100_000 && !job.finished; guard++) {
    job.step();
    reports.push(job.lastStep!);
  }
  return reports;
}

describe('ModelBuildJob', () => {
  const input = referenceInput().subarray(0, 12_000);

  describe.each(KERNELS)('%s kernels: bit-identical to createNamModel', (kernels) => {
    it.each(CASES)('%s', (name) => {
      const f = file(name);
      const oneShot = createNamModel(f, { maxBlockSize: BLOCK, kernels });
      const job = new ModelBuildJob(f, { maxBlockSize: BLOCK, kernels });
      const reports = runJob(job);
      expect(job.error).toBeNull();
      const stepped = job.model!;
      expect(stepped.kernels).toBe(oneShot.kernels);
      expect(stepped.prewarmSamples).toBe(oneShot.prewarmSamples);
      expect(reports.length).toBe(job.steps);
      const a = play(oneShot, input);
      const b = play(stepped, input);
      expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(1e-4); // the model does something
      expect(firstDifference(a, b)).toBe(-1);
      // reset() of the stepped model is the same exact prewarm.
      stepped.reset();
      oneShot.reset();
      expect(firstDifference(play(oneShot, input.subarray(0, 2048)), play(stepped, input.subarray(0, 2048)))).toBe(-1);
    });
  });

  it('is also identical with the arena measured elsewhere (no size step) and with tiny budgets', () => {
    const f = file('wavenet_standard');
    const arenaBytes = measureArenaBytes(f, { maxBlockSize: BLOCK });
    const job = new ModelBuildJob(f, { maxBlockSize: BLOCK, kernels: 'simd', arenaBytes, packFloatsPerStep: 1, constructUnitsPerStep: 1 });
    const reports = runJob(job);
    expect(reports[0]!.phase).toBe('memory');
    // One layer per construct step: 2 arrays × 10 layers, then the unit that finishes the model.
    const constructs = reports.filter((r) => r.phase === 'construct');
    expect(constructs.map((r) => r.constructUnits)).toEqual(new Array(21).fill(1));
    expect(reports.some((r) => r.phase === 'size')).toBe(false);
    const oneShot = createNamModel(f, { maxBlockSize: BLOCK, kernels: 'simd' });
    expect(firstDifference(play(oneShot, input), play(job.model!, input))).toBe(-1);
    // A budget below one tile packs exactly one tile per step (the smallest unit).
    const packs = reports.filter((r) => r.phase === 'pack');
    const tileSizes = new Set([16, 8].flatMap((c) => [3, 1].map((k) => convTileFloats(c, k))));
    tileSizes.add(winogradTileFloats(16)); // the 16-channel layers' Winograd F(2,3) weights
    tileSizes.add(winograd4TileFloats(16)); // and F(4,3) weights (d = 1…32)
    for (const r of packs) expect(r.packedFloats).toBeGreaterThan(0);
    expect(packs.every((r) => r.packedFloats <= Math.max(...tileSizes, convTileFloats(1, 1)))).toBe(true);
  });

  it('bounds each step: packed floats ≤ the budget, prewarm samples ≤ the budget, and the step count', () => {
    const budget = 4096;
    const f = file('wavenet_standard');
    const job = new ModelBuildJob(f, { maxBlockSize: BLOCK, kernels: 'simd', packFloatsPerStep: budget });
    const reports = runJob(job);
    expect(job.model).not.toBeNull();
    const packs = reports.filter((r) => r.phase === 'pack');
    // Independent count of the packed floats: the standard WaveNet's convs (tiles of 4 output channels).
    const conv = (inCh: number, outCh: number, K: number) => convTiles(outCh) * convTileFloats(inCh, K);
    // All 10 convs of the 16-channel array (d = 1…512) also pack Winograd F(2,3) weights (simd-winograd.ts:
    // d = 1, 2 de-interleaved and d = 4…64 paired within a block of 128, d = 128…512 by absolute time);
    // the 8-channel array is below WINOGRAD_MIN_CHANNELS. The d = 1, 2, 4, 8, 16, 32 convs of that array
    // also pack Winograd F(4,3) weights (6 sets per tile instead of 4): their quads (t … t+3d) fit a block
    // of 128 (d ≥ 4: when 128 % 4·lcm(d, 8) = 0; d = 1, 2: blocks of 32k, de-interleaved), and blocks of
    // 128 take F(4,3) there.
    const winograd = (ch: number) => (ch === 16 ? 10 * convTiles(ch) * winogradTileFloats(ch) + 6 * convTiles(ch) * winograd4TileFloats(ch) : 0);
    const array = (inSize: number, ch: number, cond: number, head: number) =>
      conv(inSize, ch, 1) + 10 * (conv(ch, ch, 3) + conv(cond, ch, 1) + conv(ch, ch, 1)) + winograd(ch) + conv(ch, head, 1);
    const total = array(1, 16, 1, 8) + array(16, 8, 1, 1);
    expect(packs.reduce((s, r) => s + r.packedFloats, 0)).toBe(total);
    for (const r of packs) expect(r.packedFloats).toBeLessThanOrEqual(budget);
    // Steps are well filled: each leaves less than one (largest) tile of its budget unused, but the last.
    const maxTile = Math.max(convTileFloats(16, 3), winogradTileFloats(16), winograd4TileFloats(16));
    expect(packs.length).toBeLessThanOrEqual(Math.ceil(total / (budget - maxTile)));
    // Construction: 20 layers and the finishing unit, at most BLOCK / 32 = 4 units per step by default.
    const constructs = reports.filter((r) => r.phase === 'construct').map((r) => r.constructUnits);
    expect(constructs).toEqual([4, 4, 4, 4, 4, 1]);
    // size, memory, construct steps, packs, reset, one steady-state prewarm step.
    expect(reports.map((r) => r.phase)).toEqual(['size', 'memory', ...constructs.map(() => 'construct'), ...packs.map(() => 'pack'), 'reset', 'prewarm']);
    expect(reports.at(-1)!.prewarmSamples).toBe(0); // the WaveNet's one-step steady state
  });

  it('feeds a recurrent model its prewarm in bounded steps', () => {
    const f = file('lstm_2x16');
    const per = 256;
    const job = new ModelBuildJob(f, { maxBlockSize: BLOCK, kernels: 'simd', prewarmSamplesPerStep: per });
    const reports = runJob(job);
    const model = job.model!;
    const prewarm = reports.filter((r) => r.phase === 'prewarm');
    expect(prewarm.reduce((s, r) => s + r.prewarmSamples, 0)).toBe(model.prewarmSamples);
    for (const r of prewarm) expect(r.prewarmSamples).toBeLessThanOrEqual(per);
    expect(prewarm.length).toBe(Math.ceil(model.prewarmSamples / per));
    expect(job.steps).toBe(prewarm.length + 5); // size, memory, construct, pack (the LSTM's one parameter block), reset
    expect(reports.filter((r) => r.phase === 'pack').map((r) => r.packedFloats)).toHaveLength(1);
  });

  it('ends with a clear error, not a throw, when the weights do not fit the config', () => {
    const obj = JSON.parse(loadReferenceCase('wavenet_standard').modelText) as { weights: number[] };
    obj.weights.pop();
    const bad = parseNam(obj);
    for (const kernels of KERNELS) {
      const job = new ModelBuildJob(bad, { maxBlockSize: BLOCK, kernels });
      runJob(job);
      expect(job.finished).toBe(true);
      expect(job.model).toBeNull();
      expect(job.error).toBeInstanceOf(NamError);
      expect(job.error!.message).toMatch(/weights.*needs 13802 values, the file has 13801/);
      expect(job.steps).toBe(1); // found at the first step (sizing or the js build)
      expect(job.step()).toBe(false); // and stays finished
    }
  });

  it('reports bad options through the job too, and stops when cancelled', () => {
    const f = file('linear_64');
    const job = new ModelBuildJob(f, { maxBlockSize: 0 });
    expect(job.finished).toBe(true);
    expect(job.error?.message).toMatch(/maxBlockSize/);
    expect(job.step()).toBe(false);
    const c = new ModelBuildJob(f, { maxBlockSize: BLOCK });
    c.step();
    c.cancel();
    expect(c.finished).toBe(true);
    expect(c.step()).toBe(false);
    expect(c.model).toBeNull();
    expect(() => c.runToEnd()).toThrow(/cancelled/);
    // Cancelled in the middle of a stepwise construction.
    const w = new ModelBuildJob(file('wavenet_standard'), { maxBlockSize: BLOCK, kernels: 'simd', constructUnitsPerStep: 1 });
    while (w.phase !== 'construct') w.step();
    w.step();
    w.step();
    expect(w.phase).toBe('construct');
    expect(w.lastStep!.constructUnits).toBe(1);
    w.cancel();
    expect(w.step()).toBe(false);
    expect(w.model).toBeNull();
  });

  it('builds smaller blocks in smaller construction steps (one unit per 32 samples of the block)', () => {
    const f = file('wavenet_standard');
    for (const [block, perStep] of [[32, 1], [64, 2], [512, 16]] as const) {
      const reports = runJob(new ModelBuildJob(f, { maxBlockSize: block, kernels: 'simd' }));
      const units = reports.filter((r) => r.phase === 'construct').map((r) => r.constructUnits);
      expect(units.reduce((a, b) => a + b, 0)).toBe(21);
      expect(Math.max(...units)).toBe(perStep);
      expect(units.length).toBe(Math.ceil(21 / perStep));
    }
  });
});
