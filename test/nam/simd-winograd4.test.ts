/**
 * The Winograd F(4,3) path of the SIMD K = 3 conv (`conv_wino4`, `packWinograd4Weights`):
 * - the textbook matrices (B^T, G, A^T as written in the task, float64) reproduce the K = 3
 *   correlation, and the packed sets are exactly G·W rounded once to f32, in the kernel's pass order;
 * - the SIMD kernel, the direct kernel and a float64 oracle agree on random weights for several
 *   dilations, block sizes and channel counts (ragged tiles, no bias, accumulating), baseline and
 *   relaxed; the quad path really runs (counted calls; its bits differ from F(2,3)'s);
 * - d = 1 and 2 (quads de-interleaved by shuffles): the same checks, blocks of 32k only;
 * - block sizes it refuses fall back to F(2,3) or the direct kernel;
 * - a phase conv takes it at block starts (same bits as calling `conv_wino4` directly), keeps its
 *   cross-block pairing when blocks alternate with ragged ones, and restarts cleanly after `reset`;
 * - a WaveNet whose 16-channel layers all have d = 1, 2 matches the direct kernels over random
 *   block sizes and after a reset, and takes F(4,3) exactly at blocks of 32k (its bits there).
 * (The fused `wavenet_layer` epilogue on this path is checked bit for bit against the general layer
 * path by simd-fused-layer.test.ts, whose blocks of 64 take F(4,3) for d = 1, 2, 4, 8, 16.)
 */
import { describe, expect, it } from 'vitest';
import { VARIANTS, rng } from '../simd/harness.ts';
import { countingCompute, createSimdCompute } from '../../src/dsp/nam/simd/simd-compute.ts';
import { SimdConvKernel } from '../../src/dsp/nam/simd/simd-conv.ts';
import { WinogradConv, winograd4Possible, winograd4SegmentQuads } from '../../src/dsp/nam/simd/simd-winograd.ts';
import { convTiles, packWinograd4Weights, winograd4TileFloats } from '../../src/dsp/nam/simd/pack.ts';
import type { ConvShape } from '../../src/dsp/nam/conv-kernel.ts';
import { ptr, type Compute } from '../../src/dsp/nam/compute.ts';
import type { SimdKernels } from '../../src/dsp/nam/simd/kernels.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNam } from '../../src/dsp/nam/index.ts';
import { buildDsp, createDefaultRegistry } from '../../src/dsp/nam/registry.ts';
import { MonoModel } from '../../src/dsp/nam/model.ts';
import { MODELS_DIR } from '../helpers/fixtures.ts';
import { directOracle, randomInput, randomWeights } from '../helpers/k3-conv-oracle.ts';

// The F(4,3) matrices, as the standard construction (points 0, ±1, ±2, ∞) gives them.
const BT = [
  [4, 0, -5, 0, 1, 0],
  [0, -4, -4, 1, 1, 0],
  [0, 4, -4, -1, 1, 0],
  [0, -2, -1, 2, 1, 0],
  [0, 2, -1, -2, 1, 0],
  [0, 4, 0, -5, 0, 1],
];
const G = [
  [1 / 4, 0, 0],
  [-1 / 6, -1 / 6, -1 / 6],
  [-1 / 6, 1 / 6, -1 / 6],
  [1 / 24, 1 / 12, 1 / 6],
  [1 / 24, -1 / 12, 1 / 6],
  [0, 0, 1],
];
const AT = [
  [1, 1, 1, 1, 1, 0],
  [0, 1, -1, 2, -2, 0],
  [0, 1, 1, 4, 4, 0],
  [0, 1, -1, 8, -8, 1],
];
/** Packed set s holds G row PASS_ROW[s] (the kernel's pass order m1, m2, m3, m4, m0, m5). */
const PASS_ROW = [1, 2, 3, 4, 0, 5];

const matVec = (m: number[][], v: number[]): number[] => m.map((row) => row.reduce((s, a, j) => s + a * v[j]!, 0));

describe('Winograd F(4,3) algebra (float64)', () => {
  it('A^T·[(G·g) ⊙ (B^T·x)] is the K = 3 correlation y_i = Σ_k g_k·x_{i+k}', () => {
    const r = rng(3);
    for (let trial = 0; trial < 50; trial++) {
      const g = [0, 1, 2].map(() => 2 * r() - 1);
      const x = [0, 1, 2, 3, 4, 5].map(() => 2 * r() - 1);
      const m = matVec(G, g).map((gv, i) => gv * matVec(BT, x)[i]!);
      const y = matVec(AT, m);
      for (let i = 0; i < 4; i++) expect(y[i]).toBeCloseTo(g[0]! * x[i]! + g[1]! * x[i + 1]! + g[2]! * x[i + 2]!, 12);
    }
  });

  it('packWinograd4Weights: the sets are G·W rounded once, in pass order, the bias after them, zero padding', () => {
    const r = rng(5);
    const [outCh, inCh] = [6, 5];
    const w = randomWeights(r, outCh, inCh, true);
    const packed = packWinograd4Weights(w, outCh, inCh, true);
    const tf = winograd4TileFloats(inCh);
    expect(tf).toBe((6 * inCh + 1) * 16);
    expect(packed.length).toBe(convTiles(outCh) * tf);
    for (let o = 0; o < 8; o++) {
      const base = (o >> 2) * tf + (o & 3) * 4;
      for (let i = 0; i < inCh; i++) {
        const taps = o < outCh ? [0, 1, 2].map((k) => w[(o * inCh + i) * 3 + k]!) : [0, 0, 0];
        const want = matVec(G, taps);
        for (let s = 0; s < 6; s++) {
          // Rounded once to f32 (the float64 sums may round their last bit differently from these).
          const g = want[PASS_ROW[s]!]!;
          for (let lane = 0; lane < 4; lane++) expect(Math.abs(packed[base + (s * inCh + i) * 16 + lane]! - g)).toBeLessThanOrEqual(Math.abs(g) * 2 ** -24 * 1.01);
        }
      }
      const b = packed[base + 6 * inCh * 16]!;
      expect(b).toBe(o < outCh ? w[outCh * inCh * 3 + o]! : 0);
    }
    expect(() => packWinograd4Weights(new Float32Array(10), outCh, inCh, true)).toThrow(/need 96 weights, got 10/);
  });

  it('float64 F(4,3) from the packed (f32) matrices stays within 1e-6 of the direct conv', () => {
    const r = rng(11);
    const [outCh, inCh, d, n] = [4, 16, 4, 32];
    const w = randomWeights(r, outCh, inCh, true);
    const x = randomInput(r, inCh, d, n);
    const packed = packWinograd4Weights(w, outCh, inCh, true);
    const tf = winograd4TileFloats(inCh);
    const want = directOracle(w, true, outCh, inCh, d, x, n);
    let worst = 0;
    let scale = 0;
    for (let b = 0; b < n; b += 4 * d) {
      for (let t = b; t < b + d; t++) {
        for (let o = 0; o < outCh; o++) {
          const m = [0, 0, 0, 0, 0, 0];
          for (let c = 0; c < inCh; c++) {
            const u = matVec(BT, [0, 1, 2, 3, 4, 5].map((j) => x[c]![2 * d + t + (j - 2) * d]!));
            for (let s = 0; s < 6; s++) m[PASS_ROW[s]!]! += packed[(s * inCh + c) * 16 + o * 4]! * u[PASS_ROW[s]!]!;
          }
          m[1]! += packed[6 * inCh * 16 + o * 4]!;
          const y = matVec(AT, m);
          for (let i = 0; i < 4; i++) {
            worst = Math.max(worst, Math.abs(y[i]! - want[o]![t + i * d]!));
            scale = Math.max(scale, Math.abs(want[o]![t + i * d]!));
          }
        }
      }
    }
    expect(scale).toBeGreaterThan(0.5);
    expect(worst / scale).toBeLessThan(1e-6);
    expect(tf).toBeGreaterThan(0);
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
}

const CASES: Case[] = [
  { inCh: 16, outCh: 16, d: 4, n: 128, maxBlock: 128, accumulate: false, bias: true },
  { inCh: 16, outCh: 16, d: 8, n: 128, maxBlock: 128, accumulate: true, bias: true },
  { inCh: 16, outCh: 16, d: 16, n: 64, maxBlock: 128, accumulate: false, bias: true },
  { inCh: 16, outCh: 16, d: 32, n: 128, maxBlock: 128, accumulate: false, bias: true },
  { inCh: 16, outCh: 16, d: 4, n: 32, maxBlock: 32, accumulate: false, bias: true }, // one step
  { inCh: 16, outCh: 16, d: 64, n: 512, maxBlock: 512, accumulate: true, bias: false }, // 2 segments of 64 quads
  { inCh: 16, outCh: 16, d: 4, n: 1024, maxBlock: 4096, accumulate: true, bias: true }, // 8 segments
  { inCh: 17, outCh: 13, d: 12, n: 192, maxBlock: 200, accumulate: false, bias: true }, // lcm(12, 8) = 24, 2 segments
  { inCh: 3, outCh: 5, d: 4, n: 64, maxBlock: 64, accumulate: true, bias: true },
  { inCh: 1, outCh: 1, d: 4, n: 32, maxBlock: 32, accumulate: false, bias: true },
  { inCh: 24, outCh: 8, d: 20, n: 160, maxBlock: 160, accumulate: false, bias: true }, // lcm(20, 8) = 40
  // d = 1, 2 (quads de-interleaved by shuffles): n a multiple of 32, segments of 32 quads (128 samples).
  { inCh: 16, outCh: 16, d: 1, n: 128, maxBlock: 128, accumulate: false, bias: true },
  { inCh: 16, outCh: 16, d: 2, n: 128, maxBlock: 128, accumulate: true, bias: true },
  { inCh: 16, outCh: 16, d: 1, n: 32, maxBlock: 32, accumulate: true, bias: true }, // one step
  { inCh: 16, outCh: 16, d: 2, n: 32, maxBlock: 64, accumulate: false, bias: false },
  { inCh: 12, outCh: 12, d: 1, n: 96, maxBlock: 96, accumulate: false, bias: true }, // segments of 24 quads (3 steps)
  { inCh: 17, outCh: 13, d: 2, n: 384, maxBlock: 512, accumulate: false, bias: true }, // 3 segments, ragged tile
  { inCh: 17, outCh: 13, d: 1, n: 256, maxBlock: 256, accumulate: true, bias: false }, // 2 segments
  { inCh: 3, outCh: 5, d: 2, n: 64, maxBlock: 64, accumulate: true, bias: true },
  { inCh: 1, outCh: 1, d: 1, n: 32, maxBlock: 32, accumulate: false, bias: true },
];

/** The kernels with conv_wino4 and conv_wino counting their calls (from JavaScript). */
function counted(k: SimdKernels, calls: { quad: number; pair: number }): SimdKernels {
  return {
    ...k,
    conv_wino4(...args: Parameters<SimdKernels['conv_wino4']>): void {
      calls.quad++;
      k.conv_wino4(...args);
    },
    conv_wino(...args: Parameters<SimdKernels['conv_wino']>): void {
      calls.pair++;
      k.conv_wino(...args);
    },
  };
}

interface Built {
  conv: SimdConvKernel;
  /** The conv's Winograd path, or one built alone for convs too narrow for models to take it. */
  wino: WinogradConv;
  k: SimdKernels;
  hist: Float32Array;
  out: Float32Array;
  capacity: number;
  stride: number;
  calls: { quad: number; pair: number };
}

/** A SimdConvKernel (Winograd on or off) with a history holding x (from sample −2d) and dst rows holding prior. */
function build(c: Case, relaxed: boolean, winograd: boolean, w: Float32Array, x: Float64Array[], prior: Float64Array[]): Built {
  const shape: ConvShape = { inChannels: c.inCh, outChannels: c.outCh, kernelSize: 3, dilation: c.d, groups: 1, bias: c.bias };
  const capacity = 2 * c.d + c.maxBlock + 8;
  const calls = { quad: 0, pair: 0 };
  const make = (compute: Compute, k: SimdKernels) => {
    const conv = new SimdConvKernel(shape, w, compute, k);
    return {
      conv,
      wino: winograd ? (conv.winograd ?? new WinogradConv(shape, w, compute, k)) : null,
      hist: compute.floats(c.inCh * capacity),
      out: compute.floats(convTiles(c.outCh) * 4 * compute.stride),
    };
  };
  const counter = countingCompute(c.maxBlock, winograd);
  make(counter, counter.simd!);
  const compute = createSimdCompute(c.maxBlock, counter.bytes, relaxed, undefined, winograd);
  const k = counted(compute.simd!, calls);
  const { conv, wino, hist, out } = make(compute, k);
  for (let i = 0; i < c.inCh; i++) for (let s = 0; s < 2 * c.d + c.n; s++) hist[i * capacity + s] = x[i]![s]!;
  for (let o = 0; o < c.outCh; o++) for (let t = 0; t < c.n; t++) out[o * compute.stride + t] = prior[o]![t]!;
  return { conv, wino: wino!, k: compute.simd!, hist, out, capacity, stride: compute.stride, calls };
}

function rows(b: Built, outCh: number, n: number): Float32Array[] {
  return Array.from({ length: outCh }, (_, o) => b.out.slice(o * b.stride, o * b.stride + n));
}

function worstRelative(got: Float32Array[], want: Float64Array[], prior: Float64Array[]): { worst: number; scale: number } {
  let worst = 0;
  let scale = 0;
  want.forEach((row, o) =>
    row.forEach((v, t) => {
      const y = v + prior[o]![t]!;
      scale = Math.max(scale, Math.abs(y));
      worst = Math.max(worst, Math.abs(got[o]![t]! - y));
    }),
  );
  return { worst: worst / scale, scale };
}

describe('which convs take F(4,3) at d = 1, 2', () => {
  const shape = (d: number): ConvShape => ({ inChannels: 16, outChannels: 16, kernelSize: 3, dilation: d, groups: 1, bias: true });
  it('possible from a block of 32 (d = 3 never); segments of whole multiples of 8 quads, at most 32', () => {
    for (const d of [1, 2]) {
      expect(winograd4Possible(shape(d), 32)).toBe(true);
      expect(winograd4Possible(shape(d), 31)).toBe(false);
      expect(winograd4Possible({ ...shape(d), kernelSize: 2 }, 128)).toBe(false);
      expect(winograd4Possible({ ...shape(d), groups: 2 }, 128)).toBe(false);
      expect([32, 64, 96, 128, 4096].map((m) => winograd4SegmentQuads(d, m))).toEqual([8, 16, 24, 32, 32]);
    }
    expect(winograd4Possible(shape(3), 4096)).toBe(false);
  });

  it('a model-wide conv gets quadStep 32 next to the F(2,3) step 16', () => {
    const compute = createSimdCompute(128, 1 << 20, false, undefined, true);
    for (const d of [1, 2]) {
      const w = new Float32Array(16 * 16 * 3 + 16);
      const conv = new SimdConvKernel(shape(d), w, compute, compute.simd!);
      expect(conv.winograd!.quadStep).toBe(32);
      expect(conv.winograd!.step).toBe(16);
      expect(conv.winograd!.quadWeightsAt).toBeGreaterThan(0);
      expect([16, 32, 48, 64, 96, 128].map((n) => conv.winograd!.acceptsQuads(n))).toEqual([false, true, false, true, true, true]);
    }
  });
});

describe.each(VARIANTS)('SIMD F(4,3) vs the direct kernel vs a float64 oracle ($name)', ({ relaxed }) => {
  for (const c of CASES) {
    it(`${c.inCh}→${c.outCh} d${c.d} n${c.n} (max ${c.maxBlock})${c.accumulate ? ' +=' : ''}${c.bias ? '' : ' no bias'}`, () => {
      const shape: ConvShape = { inChannels: c.inCh, outChannels: c.outCh, kernelSize: 3, dilation: c.d, groups: 1, bias: c.bias };
      expect(winograd4Possible(shape, c.maxBlock)).toBe(true);
      const r = rng(500 + c.inCh * 13 + c.d * 5 + c.n);
      const w = randomWeights(r, c.outCh, c.inCh, c.bias);
      const x = randomInput(r, c.inCh, c.d, c.n);
      const prior = Array.from({ length: c.outCh }, () => new Float64Array(c.n).map(() => (c.accumulate ? Math.fround(2 * r() - 1) : 0)));
      const want = directOracle(w, c.bias, c.outCh, c.inCh, c.d, x, c.n);
      // F(4,3) through WinogradConv.run (the block-local dispatch).
      const quad = build(c, relaxed, true, w, x, prior);
      expect(quad.wino.acceptsQuads(c.n)).toBe(true);
      expect(quad.wino.segQuads).toBe(winograd4SegmentQuads(c.d, c.maxBlock));
      quad.wino.run(ptr(quad.hist, 2 * c.d), quad.capacity, ptr(quad.out, 0), quad.stride, c.n, c.accumulate ? 1 : 0);
      expect(quad.calls).toEqual({ quad: 1, pair: 0 });
      // F(2,3) on the same data (called directly), and the direct kernel (Winograd off).
      const pair = build(c, relaxed, true, w, x, prior);
      pair.k.conv_wino(ptr(pair.hist, 2 * c.d), pair.capacity, ptr(pair.out, 0), pair.stride, pair.wino.weightsAt, pair.wino.tiles, c.inCh, c.d, c.n, c.accumulate ? 1 : 0, pair.wino.scratchAt, pair.wino.segPairs);
      const direct = build(c, relaxed, false, w, x, prior);
      expect(direct.conv.winograd).toBeNull();
      direct.conv.run(direct.hist, 2 * c.d, direct.capacity, direct.out, 0, direct.stride, c.n, c.accumulate);
      const q = worstRelative(rows(quad, c.outCh, c.n), want, prior);
      const p = worstRelative(rows(pair, c.outCh, c.n), want, prior);
      const dd = worstRelative(rows(direct, c.outCh, c.n), want, prior);
      expect(q.scale).toBeGreaterThan(0.5);
      expect(dd.worst).toBeLessThan(1e-6);
      expect(p.worst).toBeLessThan(2e-6);
      // F(4,3)'s transforms have coefficients up to 8 (A^T) and 5 (B^T): about 3× F(2,3)'s error
      // (measured ≤ 8.5e-7 of the largest output on these cases, F(2,3) ≤ 3e-7, direct ≤ 3.3e-7).
      expect(q.worst).toBeLessThan(2e-6);
      // Its rounding is its own: not the F(2,3) or direct bits.
      const qRows = rows(quad, c.outCh, c.n);
      const differ = (other: Float32Array[]) => qRows.some((row, o) => row.some((v, t) => !Object.is(v, other[o]![t])));
      if (c.inCh > 1) {
        expect(differ(rows(pair, c.outCh, c.n))).toBe(true);
        expect(differ(rows(direct, c.outCh, c.n))).toBe(true);
      }
    });
  }

  it('block sizes it refuses: F(2,3) when n % 2·lcm(d, 8) = 0, else the direct kernel', () => {
    for (const [d, n, expectQuad, expectPair] of [
      [4, 48, 0, 1], // 48 % 16 = 0, 48 % 32 ≠ 0
      [4, 40, 0, 0],
      [12, 48, 0, 1], // lcm 24: pairs at 48, quads at 96
      [4, 96, 1, 0],
      [1, 16, 0, 1], // d = 1, 2: pairs at 16k, quads at 32k
      [2, 48, 0, 1],
      [1, 40, 0, 0],
      [2, 24, 0, 0],
      [1, 64, 1, 0],
      [2, 96, 1, 0],
    ] as const) {
      const c: Case = { inCh: 16, outCh: 16, d, n, maxBlock: 128, accumulate: false, bias: true };
      const r = rng(d * 100 + n);
      const w = randomWeights(r, c.outCh, c.inCh, true);
      const x = randomInput(r, c.inCh, d, n);
      const prior = Array.from({ length: c.outCh }, () => new Float64Array(n));
      const b = build(c, relaxed, true, w, x, prior);
      expect(b.wino.acceptsQuads(n)).toBe(expectQuad === 1);
      b.conv.run(b.hist, 2 * d, b.capacity, b.out, 0, b.stride, n, false);
      expect(b.calls).toEqual({ quad: expectQuad, pair: expectPair });
      const res = worstRelative(rows(b, c.outCh, n), directOracle(w, true, c.outCh, c.inCh, d, x, n), prior);
      expect(res.worst).toBeLessThan(2e-6);
    }
  });
});

describe.each(VARIANTS)('a phase conv takes F(4,3) at block starts ($name)', ({ relaxed }) => {
  it('d = 16 at block 128: same bits as conv_wino4, pairing kept across ragged blocks, clean after reset', () => {
    const d = 16;
    const maxBlock = 128;
    const inCh = 16;
    const outCh = 16;
    const shape: ConvShape = { inChannels: inCh, outChannels: outCh, kernelSize: 3, dilation: d, groups: 1, bias: true };
    const r = rng(77 + (relaxed ? 1 : 0));
    const w = randomWeights(r, outCh, inCh, true);
    const sizes = [128, 128, 40, 88, 128, 24, 8, 96, 128, 128];
    const total = sizes.reduce((a, b) => a + b, 0);
    const x = Array.from({ length: inCh }, () => new Float64Array(2 * d + total).map((_, s) => (s < 2 * d ? 0 : Math.fround(2 * r() - 1))));
    // The stream's whole history in one buffer, so each block's src is a pointer into it.
    const capacity = 2 * d + total + 8;
    const make = (compute: Compute) => ({
      conv: new SimdConvKernel(shape, w, compute, compute.simd!),
      hist: compute.floats(inCh * capacity),
      out: compute.floats(outCh * compute.stride),
      ref: compute.floats(outCh * compute.stride),
    });
    const counter = countingCompute(maxBlock, true);
    make(counter);
    const compute = createSimdCompute(maxBlock, counter.bytes, relaxed, undefined, true);
    const { conv, hist, out, ref } = make(compute);
    const wino = conv.winograd!;
    expect(wino.stateAt).toBeGreaterThan(0);
    expect(wino.quadStep).toBe(64);
    for (let i = 0; i < inCh; i++) for (let s = 0; s < 2 * d + total; s++) hist[i * capacity + s] = x[i]![s]!;
    const want = directOracle(w, true, outCh, inCh, d, x, total);
    const k = compute.simd!;
    const stride = compute.stride;
    const runStream = (): { worst: number; quadBlocks: number } => {
      let at = 0;
      let worst = 0;
      let scale = 0;
      let quadBlocks = 0;
      for (const n of sizes) {
        conv.run(hist, 2 * d + at, capacity, out, 0, stride, n, false);
        // At a clock that is a multiple of 2d and n a multiple of 64, the block must be conv_wino4's, bit for bit.
        if (at % (2 * d) === 0 && n % 64 === 0) {
          k.conv_wino4(ptr(hist, 2 * d + at), capacity, ptr(ref, 0), stride, wino.quadWeightsAt, wino.tiles, inCh, d, n, 0, wino.scratchAt, wino.segQuads);
          for (let o = 0; o < outCh; o++) for (let t = 0; t < n; t++) expect(Object.is(out[o * stride + t], ref[o * stride + t])).toBe(true);
          quadBlocks++;
        }
        for (let o = 0; o < outCh; o++) {
          for (let t = 0; t < n; t++) {
            scale = Math.max(scale, Math.abs(want[o]![at + t]!));
            worst = Math.max(worst, Math.abs(out[o * stride + t]! - want[o]![at + t]!));
          }
        }
        at += n;
      }
      expect(scale).toBeGreaterThan(0.5);
      return { worst: worst / scale, quadBlocks };
    };
    const first = runStream();
    expect(first.quadBlocks).toBeGreaterThanOrEqual(4);
    expect(first.worst).toBeLessThan(2e-6);
    // After a reset (clock 0, carries dropped) the same stream gives the same bits.
    const before = Array.from({ length: outCh }, (_, o) => out.slice(o * stride, o * stride + sizes.at(-1)!));
    conv.reset();
    const second = runStream();
    expect(second.worst).toBe(first.worst);
    for (let o = 0; o < outCh; o++) expect(out.slice(o * stride, o * stride + sizes.at(-1)!)).toEqual(before[o]);
  });
});

describe('a WaveNet whose 16-channel layers have d = 1, 2 only', () => {
  const deluxe = JSON.parse(readFileSync(join(MODELS_DIR, 'deluxe.nam'), 'utf8')) as { config: { layers: { dilations: number[]; channels: number }[] } };
  // Same weights (the count depends on the number of layers, not their dilations).
  expect(deluxe.config.layers[0]!.channels).toBe(16);
  deluxe.config.layers[0]!.dilations = [1, 2, 1, 2, 2, 1, 1, 2, 1, 2];
  const file = parseNam(JSON.stringify(deluxe));
  const registry = createDefaultRegistry();
  const MAX = 128;
  function model(relaxed: boolean, winograd: boolean): MonoModel {
    const base = { maxBlockSize: MAX, fastTanh: true, slim: 1, sampleRate: file.sampleRate };
    const counter = countingCompute(MAX, winograd);
    buildDsp(file, { ...base, compute: counter }, registry);
    const dsp = buildDsp(file, { ...base, compute: createSimdCompute(MAX, counter.bytes, relaxed, undefined, winograd) }, registry);
    return new MonoModel(dsp, file, MAX, true, relaxed ? 'relaxed-simd' : 'simd');
  }
  const r = rng(123);
  const input = new Float32Array(4096).map((_, i) => 0.5 * Math.sin(i * 0.05) + 0.2 * (r() - 0.5));
  /** The model's output over `input` fed in blocks of the sizes in turn. */
  function run(m: MonoModel, sizes: readonly number[]): Float32Array {
    const y = new Float32Array(input.length);
    for (let at = 0, i = 0; at < input.length; i++) {
      const n = Math.min(sizes[i % sizes.length]!, input.length - at);
      m.process(input.subarray(at, at + n), y.subarray(at, at + n));
      at += n;
    }
    return y;
  }
  const same = (a: Float32Array, b: Float32Array): boolean => a.every((v, i) => Object.is(v, b[i]));

  for (const { name, relaxed } of VARIANTS) {
    it(`${name}: F(4,3) at blocks of 32k, F(2,3) at 16 and 48, the direct kernels' output to 1e-5 over random blocks and a reset`, () => {
      // Without Winograd the engine's output does not depend on the block sizes (control).
      const off = model(relaxed, false);
      const ref = run(off, [MAX]);
      off.reset();
      expect(same(run(off, [8, 24, 1, 95]), ref)).toBe(true);
      // With it, the d = 1, 2 layers take F(4,3) at blocks of 32, 64, 128 (one rounding), F(2,3) at 16 and 48 (another).
      const on = model(relaxed, true);
      const quad = run(on, [MAX]);
      for (const sizes of [[32], [64, 32, 96]]) {
        on.reset();
        expect(same(run(on, sizes), quad)).toBe(true);
      }
      on.reset();
      const pair = run(on, [16]);
      on.reset();
      expect(same(run(on, [48]), pair)).toBe(true);
      expect(same(quad, pair)).toBe(false);
      // Random block sizes (some qualify, some not), then a reset and the same sequence again.
      const rb = rng(relaxed ? 8 : 7);
      const sizes = Array.from({ length: 60 }, () => [128, 96, 64, 32, 16, 48, 100, 28, 8, 1, 37][Math.floor(rb() * 11)]!);
      on.reset();
      const first = run(on, sizes);
      on.reset();
      expect(same(run(on, sizes), first)).toBe(true);
      let peak = 0;
      for (const y of [quad, pair, first]) {
        let worst = 0;
        for (let i = 0; i < input.length; i++) {
          worst = Math.max(worst, Math.abs(y[i]! - ref[i]!));
          peak = Math.max(peak, Math.abs(ref[i]!));
        }
        expect(worst).toBeLessThan(1e-5);
      }
      expect(peak).toBeGreaterThan(0.05);
    });
  }
});
