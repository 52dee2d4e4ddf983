/**
 * The Winograd F(2,3) path of the SIMD K = 3 conv (`conv_wino`, `WinogradConv`, `packWinogradWeights`):
 * - the transform algebra itself (packed G matrices + the input/output transforms, in float64)
 *   reproduces the direct conv;
 * - the SIMD conv with Winograd on, with it off (the direct kernel), and a float64 scalar oracle
 *   agree on random weights for several dilations, block sizes and channel counts, accumulating
 *   or not, for the baseline and relaxed builds — including block sizes the Winograd path refuses
 *   (the direct fallback runs) and a history position that is not 16-byte aligned;
 * - which shapes and block sizes take the path;
 * - a whole standard WaveNet gives the same output with the path on and off.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VARIANTS, rng } from '../simd/harness.ts';
import { countingCompute, createSimdCompute } from '../../src/dsp/nam/simd/simd-compute.ts';
import { SimdConvKernel } from '../../src/dsp/nam/simd/simd-conv.ts';
import { WINOGRAD_MIN_CHANNELS, WinogradConv, winogradApplies, winogradPhasePossible, winogradPossible, winogradSegmentPairs } from '../../src/dsp/nam/simd/simd-winograd.ts';
import { convTiles, packWinogradWeights, winogradTileFloats } from '../../src/dsp/nam/simd/pack.ts';
import type { ConvShape } from '../../src/dsp/nam/conv-kernel.ts';
import { ptr, type Compute } from '../../src/dsp/nam/compute.ts';
import type { SimdKernels } from '../../src/dsp/nam/simd/kernels.ts';
import { parseNam } from '../../src/dsp/nam/index.ts';
import { buildDsp, createDefaultRegistry } from '../../src/dsp/nam/registry.ts';
import { MonoModel } from '../../src/dsp/nam/model.ts';
import { MODELS_DIR } from '../helpers/fixtures.ts';
import { directOracle, randomInput, randomWeights } from '../helpers/k3-conv-oracle.ts';


/** Float64 Winograd F(2,3) straight from the packed G matrices (no SIMD): checks the algebra and the packing. */
function winogradOracle(packed: Float32Array, outCh: number, inCh: number, d: number, x: Float64Array[], n: number): Float64Array[] {
  const tileFloats = winogradTileFloats(inCh);
  // Sets in packed (pass) order: G1, G2, G0, G3.
  const slot = [2, 0, 1, 3];
  const g = (i: number, o: number, c: number): number => packed[(o >> 2) * tileFloats + (slot[i]! * inCh + c) * 16 + (o & 3) * 4]!;
  const biasOf = (o: number): number => packed[(o >> 2) * tileFloats + 4 * inCh * 16 + (o & 3) * 4]!;
  const out = Array.from({ length: outCh }, () => new Float64Array(n));
  for (let b = 0; b < n; b += 2 * d) {
    for (let t = b; t < b + d; t++) {
      const at = (s: number, c: number): number => x[c]![2 * d + s]!;
      for (let o = 0; o < outCh; o++) {
        const m = [0, biasOf(o), 0, 0];
        for (let c = 0; c < inCh; c++) {
          const [x0, x1, x2, x3] = [at(t - 2 * d, c), at(t - d, c), at(t, c), at(t + d, c)];
          const u = [x0 - x2, x1 + x2, x2 - x1, x1 - x3];
          for (let i = 0; i < 4; i++) m[i]! += g(i, o, c) * u[i]!;
        }
        out[o]![t] = m[0]! + m[1]! + m[2]!;
        out[o]![t + d] = m[1]! - m[2]! - m[3]!;
      }
    }
  }
  return out;
}

describe('Winograd F(2,3) algebra (float64, from the packed G matrices)', () => {
  it('equals the direct K = 3 conv for several shapes', () => {
    const r = rng(7);
    for (const [outCh, inCh, d, n, bias] of [
      [1, 1, 1, 2, true],
      [5, 3, 2, 8, false],
      [16, 16, 4, 32, true],
      [8, 16, 16, 64, true],
    ] as const) {
      const w = randomWeights(r, outCh, inCh, bias);
      const x = randomInput(r, inCh, d, n);
      const want = directOracle(w, bias, outCh, inCh, d, x, n);
      const got = winogradOracle(packWinogradWeights(w, outCh, inCh, bias), outCh, inCh, d, x, n);
      // G1, G2 are rounded to f32, so the two agree to float precision, not exactly.
      for (let o = 0; o < outCh; o++) for (let t = 0; t < n; t++) expect(Math.abs(got[o]![t]! - want[o]![t]!)).toBeLessThan(1e-5);
    }
  });

  it('a wrong sign in the output transform would show (the check can fail)', () => {
    const r = rng(8);
    const w = randomWeights(r, 4, 4, true);
    const x = randomInput(r, 4, 4, 8);
    const want = directOracle(w, true, 4, 4, 4, x, 8);
    const packed = packWinogradWeights(w, 4, 4, true);
    // Swap G2 and G3 (packed sets 1 and 3): the transform must then disagree with the direct conv.
    const set = 4 * 16;
    const swapped = packed.slice();
    swapped.set(packed.subarray(set, 2 * set), 3 * set);
    swapped.set(packed.subarray(3 * set, 4 * set), set);
    const got = winogradOracle(swapped, 4, 4, 4, x, 8);
    let worst = 0;
    for (let o = 0; o < 4; o++) for (let t = 0; t < 8; t++) worst = Math.max(worst, Math.abs(got[o]![t]! - want[o]![t]!));
    expect(worst).toBeGreaterThan(1e-2);
  });
});

describe('which convs take the Winograd path', () => {
  const shape = (d: number, K = 3, groups = 1): ConvShape => ({ inChannels: 16, outChannels: 16, kernelSize: K, dilation: d, groups, bias: true });
  it('possible: K = 3, ungrouped, dilation 1, 2, or ≥ 4 and a multiple of 4, some block of 2·lcm(d, 8) (d = 1, 2: 16) samples fits', () => {
    for (const d of [1, 2, 4, 8, 16, 32, 64]) expect(winogradPossible(shape(d), 128)).toBe(true);
    for (const d of [3, 6, 128, 256, 512]) expect(winogradPossible(shape(d), 128)).toBe(false);
    expect(winogradPossible(shape(1), 16)).toBe(true);
    expect(winogradPossible(shape(2), 15)).toBe(false);
    expect(winogradPossible(shape(512), 1024)).toBe(true);
    expect(winogradPossible(shape(12), 48)).toBe(true); // lcm(12, 8) = 24
    expect(winogradPossible(shape(12), 47)).toBe(false);
    expect(winogradPossible(shape(8, 2), 128)).toBe(false);
    expect(winogradPossible(shape(8, 3, 2), 128)).toBe(false);
    expect(winogradPossible(shape(8), 15)).toBe(false);
  });

  it('applies: possible and at least WINOGRAD_MIN_CHANNELS in and out', () => {
    const m = WINOGRAD_MIN_CHANNELS;
    expect(winogradApplies(shape(8), 128)).toBe(true);
    expect(winogradApplies(shape(2), 128)).toBe(true);
    expect(winogradApplies(shape(3), 128)).toBe(false);
    expect(winogradApplies({ ...shape(8), inChannels: m - 1 }, 128)).toBe(false);
    expect(winogradApplies({ ...shape(8), outChannels: m - 1 }, 128)).toBe(false);
    expect(winogradApplies({ ...shape(8), inChannels: m, outChannels: m }, 128)).toBe(true);
  });

  it('segments hold whole multiples of lcm(d, 8) pairs, about WINOGRAD_SEGMENT_PAIRS', () => {
    expect(winogradSegmentPairs(4, 128)).toBe(64);
    expect(winogradSegmentPairs(4, 4096)).toBe(128);
    expect(winogradSegmentPairs(12, 4096)).toBe(120);
    expect(winogradSegmentPairs(64, 128)).toBe(64);
    expect(winogradSegmentPairs(512, 4096)).toBe(512);
    expect(winogradSegmentPairs(32, 64)).toBe(32);
  });

  it('WinogradConv refuses a shape it cannot run, and accepts only n % 2d = 0', () => {
    const compute = countingCompute(128);
    expect(() => new WinogradConv(shape(3), new Float32Array(16 * 16 * 3 + 16), compute, compute.simd!)).toThrow(/cannot use Winograd/);
    const wc1 = new WinogradConv(shape(1), new Float32Array(16 * 16 * 3 + 16), compute, compute.simd!);
    expect(wc1.accepts(16)).toBe(true);
    expect(wc1.accepts(8)).toBe(false);
    expect(wc1.accepts(24)).toBe(false);
    const wc = new WinogradConv(shape(16), new Float32Array(16 * 16 * 3 + 16), compute, compute.simd!);
    expect(wc.accepts(32)).toBe(true);
    expect(wc.accepts(96)).toBe(true);
    expect(wc.accepts(48)).toBe(false);
    expect(wc.accepts(16)).toBe(false);
    const wc4 = new WinogradConv(shape(4), new Float32Array(16 * 16 * 3 + 16), compute, compute.simd!);
    expect(wc4.accepts(16)).toBe(true);
    expect(wc4.accepts(8)).toBe(false); // 4 pairs: the kernel steps 8 pairs at a time
  });
});

interface Case {
  inCh: number;
  outCh: number;
  d: number;
  n: number;
  maxBlock: number;
  accumulate: boolean;
  bias: boolean;
  /** History floats before the oldest tap: shifts the block start off 16-byte alignment. */
  extra: number;
}

const CASES: Case[] = [
  { inCh: 16, outCh: 16, d: 4, n: 128, maxBlock: 128, accumulate: false, bias: true, extra: 0 },
  { inCh: 16, outCh: 16, d: 64, n: 128, maxBlock: 128, accumulate: true, bias: true, extra: 1 },
  { inCh: 16, outCh: 16, d: 32, n: 64, maxBlock: 128, accumulate: false, bias: true, extra: 3 },
  { inCh: 8, outCh: 8, d: 8, n: 32, maxBlock: 512, accumulate: false, bias: true, extra: 0 },
  { inCh: 8, outCh: 8, d: 16, n: 512, maxBlock: 512, accumulate: true, bias: false, extra: 2 }, // 4 segments
  { inCh: 16, outCh: 8, d: 128, n: 512, maxBlock: 512, accumulate: false, bias: true, extra: 0 }, // 2 segments
  { inCh: 8, outCh: 8, d: 512, n: 1024, maxBlock: 1024, accumulate: true, bias: true, extra: 0 }, // 1 segment of 512 pairs
  { inCh: 3, outCh: 5, d: 4, n: 48, maxBlock: 64, accumulate: false, bias: true, extra: 1 },
  { inCh: 1, outCh: 1, d: 4, n: 16, maxBlock: 16, accumulate: true, bias: true, extra: 0 },
  { inCh: 17, outCh: 13, d: 12, n: 96, maxBlock: 200, accumulate: false, bias: true, extra: 5 }, // lcm(12, 8) = 24
  { inCh: 6, outCh: 9, d: 20, n: 160, maxBlock: 160, accumulate: true, bias: true, extra: 2 }, // 2 segments of 40 pairs
  { inCh: 16, outCh: 16, d: 4, n: 1024, maxBlock: 4096, accumulate: true, bias: true, extra: 0 }, // 4 segments
  { inCh: 16, outCh: 16, d: 4, n: 16, maxBlock: 4096, accumulate: false, bias: true, extra: 0 }, // one short segment
  // d = 1, 2: pairs de-interleaved by shuffles, n a multiple of 16.
  { inCh: 16, outCh: 16, d: 1, n: 128, maxBlock: 128, accumulate: false, bias: true, extra: 0 },
  { inCh: 16, outCh: 16, d: 2, n: 128, maxBlock: 128, accumulate: true, bias: true, extra: 1 },
  { inCh: 16, outCh: 16, d: 1, n: 16, maxBlock: 32, accumulate: true, bias: false, extra: 3 },
  { inCh: 5, outCh: 7, d: 2, n: 48, maxBlock: 64, accumulate: false, bias: true, extra: 2 },
  { inCh: 16, outCh: 12, d: 2, n: 512, maxBlock: 512, accumulate: false, bias: true, extra: 0 }, // 2 segments
  { inCh: 16, outCh: 16, d: 1, n: 40, maxBlock: 128, accumulate: false, bias: true, extra: 0 }, // refused: 40 % 16 ≠ 0
  // Block sizes the Winograd path refuses: the direct kernel runs.
  { inCh: 16, outCh: 16, d: 8, n: 24, maxBlock: 128, accumulate: false, bias: true, extra: 0 },
  { inCh: 16, outCh: 16, d: 4, n: 127, maxBlock: 128, accumulate: true, bias: true, extra: 1 },
  { inCh: 16, outCh: 16, d: 4, n: 40, maxBlock: 128, accumulate: false, bias: true, extra: 0 },
  { inCh: 17, outCh: 13, d: 12, n: 72, maxBlock: 200, accumulate: false, bias: true, extra: 0 },
  { inCh: 8, outCh: 8, d: 64, n: 64, maxBlock: 128, accumulate: false, bias: true, extra: 0 },
];

/**
 * Runs one conv: 'wino' through WinogradConv itself, 'direct' through SimdConvKernel with the
 * Winograd path off, 'auto' through SimdConvKernel as models use it. Returns dst rows (n samples
 * each) and how many conv_wino calls ran.
 */
function runSimd(c: Case, relaxed: boolean, mode: 'wino' | 'direct' | 'auto', w: Float32Array, x: Float64Array[], prior: Float64Array[]): { rows: Float32Array[]; winoCalls: number } {
  const shape: ConvShape = { inChannels: c.inCh, outChannels: c.outCh, kernelSize: 3, dilation: c.d, groups: 1, bias: c.bias };
  const capacity = c.extra + 2 * c.d + c.maxBlock + 8;
  const stride = c.maxBlock + 8;
  const rows = convTiles(c.outCh) * 4;
  let winoCalls = 0;
  const build = (compute: Compute, counted: boolean): { conv: SimdConvKernel | WinogradConv; hist: Float32Array; out: Float32Array } => {
    const k = counted ? countWino(compute.simd!, () => winoCalls++) : compute.simd!;
    return {
      conv: mode === 'wino' ? new WinogradConv(shape, w, compute, k) : new SimdConvKernel(shape, w, compute, k),
      hist: compute.floats(c.inCh * capacity),
      out: compute.floats(rows * stride),
    };
  };
  const counter = countingCompute(c.maxBlock, mode !== 'direct');
  build(counter, false);
  const compute = createSimdCompute(c.maxBlock, counter.bytes, relaxed, undefined, mode !== 'direct');
  const { conv, hist, out } = build(compute, true);
  for (let i = 0; i < c.inCh; i++) for (let s = 0; s < 2 * c.d + c.n; s++) hist[i * capacity + c.extra + s] = x[i]![s]!;
  for (let o = 0; o < c.outCh; o++) for (let t = 0; t < c.n; t++) out[o * stride + t] = prior[o]![t]!;
  const srcOffset = c.extra + 2 * c.d;
  if (conv instanceof WinogradConv) conv.run(ptr(hist, srcOffset), capacity, ptr(out, 0), stride, c.n, c.accumulate ? 1 : 0);
  else conv.run(hist, srcOffset, capacity, out, 0, stride, c.n, c.accumulate);
  return { rows: Array.from({ length: c.outCh }, (_, o) => out.slice(o * stride, o * stride + c.n)), winoCalls };
}

/** The kernels with conv_wino, conv_wino4 and conv_wino_phase (which may run conv_wino's or conv_wino4's path inside) counting their calls. */
function countWino(k: SimdKernels, count: () => void): SimdKernels {
  return {
    ...k,
    conv_wino(...args: Parameters<SimdKernels['conv_wino']>): void {
      count();
      k.conv_wino(...args);
    },
    conv_wino4(...args: Parameters<SimdKernels['conv_wino4']>): void {
      count();
      k.conv_wino4(...args);
    },
conv_wino_phase(...args: Parameters<SimdKernels['conv_wino_phase']>): void {
      count();
      k.conv_wino_phase(...args);
    },
  };
}

describe.each(VARIANTS)('SIMD conv with and without Winograd vs a float64 oracle ($name)', ({ relaxed }) => {
  for (const c of CASES) {
    const lcm8 = c.d < 4 ? 8 : c.d % 8 === 0 ? c.d : 2 * c.d;
    const shape: ConvShape = { inChannels: c.inCh, outChannels: c.outCh, kernelSize: 3, dilation: c.d, groups: 1, bias: c.bias };
    const possible = winogradPossible(shape, c.maxBlock) && c.n % (2 * lcm8) === 0;
    const taken = possible && winogradApplies(shape, c.maxBlock);
    // A wide conv with d % 8 = 0 runs through conv_wino_phase, which takes conv_wino's path for a
    // first block it accepts and its own phase path otherwise (simd-winograd-phase.test.ts).
    const phase = winogradApplies(shape, c.maxBlock) && winogradPhasePossible(shape, c.maxBlock);
    const phaseOnly = phase && !possible;
    it(`${c.inCh}→${c.outCh} d${c.d} n${c.n} (max ${c.maxBlock})${c.accumulate ? ' +=' : ''}: ${possible ? 'Winograd' : 'refused'}, models take ${taken ? 'Winograd' : phaseOnly ? 'phase Winograd' : 'the direct kernel'}`, () => {
      const r = rng(1000 + c.inCh * 31 + c.d * 7 + c.n);
      const w = randomWeights(r, c.outCh, c.inCh, c.bias);
      const x = randomInput(r, c.inCh, c.d, c.n);
      const prior = Array.from({ length: c.outCh }, () => new Float64Array(c.n).map(() => (c.accumulate ? Math.fround(2 * r() - 1) : 0)));
      const want = directOracle(w, c.bias, c.outCh, c.inCh, c.d, x, c.n).map((y, o) => y.map((v, t) => v + prior[o]![t]!));
      const off = runSimd(c, relaxed, 'direct', w, x, prior);
      const auto = runSimd(c, relaxed, 'auto', w, x, prior);
      expect(off.winoCalls).toBe(0);
      expect(auto.winoCalls).toBe(taken || phase ? 1 : 0);
      // Without the path possible, check the model's choice against the direct kernel only.
      const on = possible ? runSimd(c, relaxed, 'wino', w, x, prior) : auto;
      if (possible) expect(on.winoCalls).toBe(1);
      const wino = on.rows;
      const direct = off.rows;
      // The model's kernel is exactly one of the two.
      const chosen = taken ? wino : direct;
      let differ = 0;
      for (let o = 0; o < c.outCh; o++) for (let t = 0; t < c.n; t++) if (!Object.is(auto.rows[o]![t], chosen[o]![t])) differ++;
      if (phaseOnly) expect(differ).toBeGreaterThan(0);
      else expect(differ).toBe(0);
      let worstAuto = 0;
      for (let o = 0; o < c.outCh; o++) for (let t = 0; t < c.n; t++) worstAuto = Math.max(worstAuto, Math.abs(auto.rows[o]![t]! - want[o]![t]!));
      let worstWino = 0;
      let worstDirect = 0;
      let worstBetween = 0;
      let scale = 0;
      for (let o = 0; o < c.outCh; o++) {
        for (let t = 0; t < c.n; t++) {
          scale = Math.max(scale, Math.abs(want[o]![t]!));
          worstWino = Math.max(worstWino, Math.abs(wino[o]![t]! - want[o]![t]!));
          worstDirect = Math.max(worstDirect, Math.abs(direct[o]![t]! - want[o]![t]!));
          worstBetween = Math.max(worstBetween, Math.abs(wino[o]![t]! - direct[o]![t]!));
        }
      }
      // f32 sums of 3·inCh products of O(1) terms: errors of a few ulps of the largest output.
      expect(scale).toBeGreaterThan(0.5);
      expect(worstDirect / scale).toBeLessThan(1e-6);
      expect(worstWino / scale).toBeLessThan(2e-6);
      expect(worstBetween / scale).toBeLessThan(2e-6);
      expect(worstAuto / scale).toBeLessThan(2e-6);
      if (!possible && !phase) expect(worstBetween).toBe(0); // the same direct kernel ran both times
    });
  }
});

describe('the standard WaveNet with the Winograd path on and off', () => {
  const file = parseNam(readFileSync(join(MODELS_DIR, 'deluxe.nam'), 'utf8'));
  const registry = createDefaultRegistry();
  function model(maxBlock: number, relaxed: boolean, winograd: boolean): MonoModel {
    const base = { maxBlockSize: maxBlock, fastTanh: true, slim: 1, sampleRate: file.sampleRate };
    const counter = countingCompute(maxBlock, winograd);
    buildDsp(file, { ...base, compute: counter }, registry);
    const dsp = buildDsp(file, { ...base, compute: createSimdCompute(maxBlock, counter.bytes, relaxed, undefined, winograd) }, registry);
    return new MonoModel(dsp, file, maxBlock, true, relaxed ? 'relaxed-simd' : 'simd');
  }
  for (const { name, relaxed } of VARIANTS) {
    it(`${name}: same output to 1e-5 at blocks 32, 128, 512 and a ragged 100/28`, () => {
      const r = rng(99);
      const input = new Float32Array(4096).map((_, i) => 0.5 * Math.sin(i * 0.05) + 0.2 * (r() - 0.5));
      for (const sizes of [[32], [128], [512], [100, 28]]) {
        const maxBlock = Math.max(...sizes);
        const on = model(maxBlock, relaxed, true);
        const off = model(maxBlock, relaxed, false);
        const yOn = new Float32Array(input.length);
        const yOff = new Float32Array(input.length);
        for (let at = 0, i = 0; at < input.length; i++) {
          const n = Math.min(sizes[i % sizes.length]!, input.length - at);
          on.process(input.subarray(at, at + n), yOn.subarray(at, at + n));
          off.process(input.subarray(at, at + n), yOff.subarray(at, at + n));
          at += n;
        }
        let worst = 0;
        let peak = 0;
        for (let i = 0; i < input.length; i++) {
          worst = Math.max(worst, Math.abs(yOn[i]! - yOff[i]!));
          peak = Math.max(peak, Math.abs(yOff[i]!));
        }
        expect(peak).toBeGreaterThan(0.05);
        expect(worst).toBeLessThan(1e-5);
        // The 16-channel array's d = 4…64 layers take the path at blocks of 32, 128, 512 (so the
        // outputs are close, not identical); the ragged 100/28 never qualifies.
        if (sizes.length === 1) expect(worst).toBeGreaterThan(0);
        else expect(worst).toBe(0);
      }
    });
  }
});
