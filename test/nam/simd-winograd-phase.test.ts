/**
 * The "phase" Winograd F(2,3) path of the SIMD K = 3 conv (`conv_wino_phase`): pairs (t, t+d) taken
 * by absolute time, so a pair may straddle blocks (the first's m1 − m2 carried in per-conv state).
 * - A `Conv1d` with the path, the same conv on the direct kernel (Winograd off) and a float64
 *   scalar oracle agree over random block-size sequences (1…maxBlock, many not multiples of 8),
 *   with resets in the middle, for dilations below and above the block size, several channel
 *   counts, accumulating or not, baseline and relaxed builds;
 * - the path really runs (outputs differ from the direct kernel's bits once pairs can form,
 *   including d ≥ n at a steady block size) and a reset restarts it cleanly;
 * - which shapes get a phase state, and that the sizing pass counts it;
 * - d = 1, 2 (block-local pairs de-interleaved by shuffles) over the same random block sequences.
 */
import { describe, expect, it } from 'vitest';
import { VARIANTS, rng } from '../simd/harness.ts';
import { countingCompute, createSimdCompute } from '../../src/dsp/nam/simd/simd-compute.ts';
import { SimdConvKernel } from '../../src/dsp/nam/simd/simd-conv.ts';
import { WinogradConv, winogradApplies, winogradPhaseChunk, winogradPhasePossible, winogradPhaseStateFloats } from '../../src/dsp/nam/simd/simd-winograd.ts';
import { Conv1d } from '../../src/dsp/nam/conv1d.ts';
import { Planar } from '../../src/dsp/nam/planar.ts';
import type { ConvShape } from '../../src/dsp/nam/conv-kernel.ts';
import type { Compute } from '../../src/dsp/nam/compute.ts';

interface Case {
  inCh: number;
  outCh: number;
  d: number;
  maxBlock: number;
  accumulate: boolean;
  bias: boolean;
}

const CASES: Case[] = [
  { inCh: 16, outCh: 16, d: 128, maxBlock: 128, accumulate: false, bias: true }, // d = n: all firsts or all seconds
  { inCh: 16, outCh: 16, d: 256, maxBlock: 128, accumulate: false, bias: true },
  { inCh: 16, outCh: 16, d: 512, maxBlock: 128, accumulate: true, bias: true },
  { inCh: 16, outCh: 16, d: 32, maxBlock: 128, accumulate: false, bias: true }, // d < n
  { inCh: 16, outCh: 16, d: 8, maxBlock: 64, accumulate: true, bias: false },
  { inCh: 13, outCh: 17, d: 64, maxBlock: 96, accumulate: false, bias: true }, // ragged tiles
  { inCh: 12, outCh: 12, d: 24, maxBlock: 200, accumulate: false, bias: true }, // d % 16 ≠ 0
  { inCh: 20, outCh: 12, d: 16, maxBlock: 512, accumulate: true, bias: true },
  // d = 1, 2: no phase state; pairs de-interleaved by shuffles in blocks of a multiple of 16.
  { inCh: 16, outCh: 16, d: 1, maxBlock: 128, accumulate: false, bias: true },
  { inCh: 16, outCh: 16, d: 2, maxBlock: 64, accumulate: true, bias: true },
];

/** Float64 direct conv over a stream with zeros before sample 0: y[o][t] = b[o] + Σ W[o][i][k]·x[i][t − d·(2−k)]. */
function oracle(w: Float32Array, c: Case, x: Float64Array[], len: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let o = 0; o < c.outCh; o++) {
    const y = new Float64Array(len);
    for (let t = 0; t < len; t++) {
      let acc = c.bias ? w[c.outCh * c.inCh * 3 + o]! : 0;
      for (let i = 0; i < c.inCh; i++) {
        for (let k = 0; k < 3; k++) {
          const s = t - c.d * (2 - k);
          if (s >= 0) acc += w[(o * c.inCh + i) * 3 + k]! * x[i]![s]!;
        }
      }
      y[t] = acc;
    }
    out.push(y);
  }
  return out;
}

interface Side {
  conv: Conv1d;
  src: Planar;
  dst: Planar;
}

function side(c: Case, w: Float32Array, relaxed: boolean, winograd: boolean): Side {
  const shape: ConvShape = { inChannels: c.inCh, outChannels: c.outCh, kernelSize: 3, dilation: c.d, groups: 1, bias: c.bias };
  const build = (compute: Compute): Side => ({
    conv: new Conv1d(shape, w, compute, compute.ops),
    src: new Planar(c.inCh, compute),
    dst: new Planar(c.outCh, compute),
  });
  const counter = countingCompute(c.maxBlock, winograd);
  build(counter);
  return build(createSimdCompute(c.maxBlock, counter.bytes, relaxed, undefined, winograd));
}

/** Block sizes: mostly multiples of 8 (where the path runs), some not (it must fall back), some tiny. */
function blockSizes(r: () => number, maxBlock: number, total: number): number[] {
  const sizes: number[] = [];
  for (let sum = 0; sum < total; ) {
    const p = r();
    let n: number;
    if (p < 0.45) n = maxBlock;
    else if (p < 0.75) n = 8 * (1 + Math.floor(r() * (maxBlock / 8)));
    else n = 1 + Math.floor(r() * maxBlock);
    n = Math.min(n, maxBlock, total - sum);
    sizes.push(n);
    sum += n;
  }
  return sizes;
}

interface Run {
  /** Per segment (between resets): per output row, the stream. */
  phase: Float32Array[][];
  direct: Float32Array[][];
}

/** Streams `x` through both convs in the given block sizes, resetting at the given segment lengths. */
function stream(c: Case, w: Float32Array, relaxed: boolean, x: Float64Array[], segments: number[][], prior: Float64Array[]): Run {
  const sides = [side(c, w, relaxed, true), side(c, w, relaxed, false)] as const;
  const run: Run = { phase: [], direct: [] };
  let at = 0;
  for (const sizes of segments) {
    const len = sizes.reduce((a, b) => a + b, 0);
    const outs = sides.map(() => Array.from({ length: c.outCh }, () => new Float32Array(len)));
    for (const s of sides) s.conv.reset();
    let t0 = 0;
    for (const n of sizes) {
      sides.forEach((s, k) => {
        const src = s.src.all;
        const dst = s.dst.all;
        for (let i = 0; i < c.inCh; i++) for (let t = 0; t < n; t++) src.data[src.offset + i * src.stride + t] = x[i]![at + t0 + t]!;
        for (let o = 0; o < c.outCh; o++) for (let t = 0; t < n; t++) dst.data[dst.offset + o * dst.stride + t] = prior[o]![at + t0 + t]!;
        s.conv.process(src, dst, n, c.accumulate);
        for (let o = 0; o < c.outCh; o++) for (let t = 0; t < n; t++) outs[k]![o]![t0 + t] = dst.data[dst.offset + o * dst.stride + t]!;
      });
      t0 += n;
    }
    run.phase.push(outs[0]!);
    run.direct.push(outs[1]!);
    at += len;
  }
  return run;
}

function randomCase(c: Case, seed: number): { w: Float32Array; x: Float64Array[]; prior: Float64Array[]; total: number; r: () => number } {
  const r = rng(seed);
  const w = new Float32Array(c.outCh * c.inCh * 3 + (c.bias ? c.outCh : 0)).map(() => 2 * r() - 1);
  const total = Math.max(6 * c.d, 8 * c.maxBlock) + 37;
  const x = Array.from({ length: c.inCh }, () => new Float64Array(total).map(() => Math.fround(2 * r() - 1)));
  const prior = Array.from({ length: c.outCh }, () => new Float64Array(total).map(() => (c.accumulate ? Math.fround(2 * r() - 1) : 0)));
  return { w, x, prior, total, r };
}

describe('which convs get the phase path', () => {
  const shape = (d: number, ch = 16, K = 3, groups = 1): ConvShape => ({ inChannels: ch, outChannels: ch, kernelSize: K, dilation: d, groups, bias: true });
  it('K = 3, ungrouped, d ≥ 8 and a multiple of 8, any maxBlock ≥ 8; applies from WINOGRAD_MIN_CHANNELS', () => {
    for (const d of [8, 16, 24, 128, 256, 512]) expect(winogradPhasePossible(shape(d), 128)).toBe(true);
    for (const d of [1, 2, 4, 12, 20]) expect(winogradPhasePossible(shape(d), 128)).toBe(false);
    expect(winogradPhasePossible(shape(8, 16, 2), 128)).toBe(false);
    expect(winogradPhasePossible(shape(8, 16, 3, 2), 128)).toBe(false);
    expect(winogradPhasePossible(shape(8), 7)).toBe(false);
    expect(winogradApplies(shape(512), 128)).toBe(true); // the block-local path alone could not
    expect(winogradApplies(shape(512, 8), 128)).toBe(false); // too narrow
  });

  it('chunks are multiples of 8 within d, maxBlock and 128; the state holds header, flags and carry', () => {
    expect(winogradPhaseChunk(512, 128)).toBe(128);
    expect(winogradPhaseChunk(512, 100)).toBe(96);
    expect(winogradPhaseChunk(8, 4096)).toBe(8);
    expect(winogradPhaseChunk(24, 4096)).toBe(24);
    expect(winogradPhaseStateFloats(512, 4)).toBe(16 + 64 + 16 * 512);
    expect(winogradPhaseStateFloats(8, 1)).toBe(16 + 4 + 4 * 8);
  });

  it('a WaveNet-sized d = 512 conv at block 128 has a phase state and no block-local path; the sizing pass counts it', () => {
    const weights = new Float32Array(16 * 16 * 3 + 16);
    const counter = countingCompute(128);
    const before = counter.bytes;
    new WinogradConv(shape(512), weights, counter, counter.simd!);
    expect(counter.bytes - before).toBeGreaterThanOrEqual(4 * winogradPhaseStateFloats(512, 4));
    const compute = createSimdCompute(128, 1 << 20, false);
    const wc = new WinogradConv(shape(512), weights, compute, compute.simd!);
    expect(wc.stateAt).toBeGreaterThan(0);
    expect(wc.accepts(128)).toBe(false);
    const k = new SimdConvKernel(shape(512), weights, compute, compute.simd!);
    expect(k.winograd?.stateAt).toBeGreaterThan(0);
    // A d = 4 conv has only the block-local path.
    expect(new SimdConvKernel(shape(4), weights, compute, compute.simd!).winograd?.stateAt).toBe(0);
    const off = new SimdConvKernel(shape(512), weights, createSimdCompute(128, 1 << 20, false, undefined, false), compute.simd!);
    expect(off.winograd).toBeNull();
  });
});

describe.each(VARIANTS)('phase Winograd conv vs the direct kernel vs a float64 oracle ($name)', ({ relaxed }) => {
  for (const c of CASES) {
    it(`${c.inCh}→${c.outCh} d${c.d} max ${c.maxBlock}${c.accumulate ? ' +=' : ''}: random block sizes, two resets`, () => {
      const { w, x, prior, total, r } = randomCase(c, 17 + c.d * 3 + c.inCh + (relaxed ? 1 : 0));
      // Three segments (reset before each): random sizes, a steady full-block run, random again.
      const third = Math.floor(total / 3);
      const steady = Array.from({ length: Math.floor(third / c.maxBlock) }, () => c.maxBlock);
      const segments = [blockSizes(r, c.maxBlock, third), steady, blockSizes(r, c.maxBlock, total - third - steady.length * c.maxBlock)];
      expect(segments.flat().some((n) => n % 8 !== 0)).toBe(true);
      const run = stream(c, w, relaxed, x, segments, prior);
      let at = 0;
      let scale = 0;
      let worstPhase = 0;
      let worstDirect = 0;
      let differing = 0;
      segments.forEach((sizes, si) => {
        const len = sizes.reduce((a, b) => a + b, 0);
        const want = oracle(w, c, x.map((row) => row.subarray(at, at + len)), len);
        for (let o = 0; o < c.outCh; o++) {
          for (let t = 0; t < len; t++) {
            const v = want[o]![t]! + prior[o]![at + t]!;
            scale = Math.max(scale, Math.abs(v));
            worstPhase = Math.max(worstPhase, Math.abs(run.phase[si]![o]![t]! - v));
            worstDirect = Math.max(worstDirect, Math.abs(run.direct[si]![o]![t]! - v));
            if (!Object.is(run.phase[si]![o]![t], run.direct[si]![o]![t])) differing++;
          }
        }
        at += len;
      });
      expect(scale).toBeGreaterThan(0.5);
      expect(worstDirect / scale).toBeLessThan(1e-6);
      expect(worstPhase / scale).toBeLessThan(2e-6);
      // The Winograd path ran for a good part of the stream (its rounding differs from the direct kernel's).
      expect(differing).toBeGreaterThan((total * c.outCh) / 10);
    });
  }

  it('steady blocks at d ≥ n: pairs straddle blocks and the path runs from the third block on', () => {
    const c: Case = { inCh: 16, outCh: 16, d: 128, maxBlock: 64, accumulate: false, bias: true };
    const { w, x, prior } = randomCase(c, 5);
    const sizes = Array.from({ length: 12 }, () => 64);
    const run = stream(c, w, relaxed, x, [sizes], prior);
    const want = oracle(w, c, x, 12 * 64);
    for (let b = 0; b < 12; b++) {
      let differ = 0;
      let worst = 0;
      for (let o = 0; o < 16; o++) {
        for (let t = b * 64; t < b * 64 + 64; t++) {
          if (!Object.is(run.phase[0]![o]![t], run.direct[0]![o]![t])) differ++;
          worst = Math.max(worst, Math.abs(run.phase[0]![o]![t]! - want[o]![t]!));
        }
      }
      expect(worst, `block ${b}`).toBeLessThan(1e-4);
      // Every block is Winograd (firsts) or pairs with the previous two (seconds): none is all direct.
      expect(differ, `block ${b}`).toBeGreaterThan(0);
    }
  });

  it('steady priming mid-stream (a new constant past) drops the carries: same as the direct kernel', () => {
    const c: Case = { inCh: 16, outCh: 16, d: 128, maxBlock: 64, accumulate: false, bias: true };
    const { w, x } = randomCase(c, 9);
    const sides = [side(c, w, relaxed, true), side(c, w, relaxed, false)] as const;
    let worst = 0;
    let scale = 0;
    // 12 blocks: the stream has 6·d + 37 = 805 samples.
    for (let b = 0; b < 12; b++) {
      const outs = sides.map((s) => {
        const src = s.src.all;
        for (let i = 0; i < 16; i++) for (let t = 0; t < 64; t++) src.data[src.offset + i * src.stride + t] = x[i]![b * 64 + t]!;
        // Block 6 (samples 384…447) is a "second" run at d = 128 whose partners (block 4) saw the old past.
        s.conv.steady = b === 6;
        s.conv.process(src, s.dst.all, 64);
        s.conv.steady = false;
        const dst = s.dst.all;
        return Array.from({ length: 16 }, (_, o) => dst.data.slice(dst.offset + o * dst.stride, dst.offset + o * dst.stride + 64));
      });
      for (let o = 0; o < 16; o++) {
        for (let t = 0; t < 64; t++) {
          scale = Math.max(scale, Math.abs(outs[1]![o]![t]!));
          worst = Math.max(worst, Math.abs(outs[0]![o]![t]! - outs[1]![o]![t]!));
        }
      }
    }
    expect(scale).toBeGreaterThan(0.5);
    expect(worst / scale).toBeLessThan(2e-6);
  });

  it('a misaligned block (n % 8 ≠ 0) runs direct, then the clock re-anchors and the path resumes', () => {
    const c: Case = { inCh: 16, outCh: 16, d: 32, maxBlock: 64, accumulate: false, bias: true };
    const { w, x, prior } = randomCase(c, 6);
    const sizes = [1, 64, 64, 64, 64, 64, 64];
    const run = stream(c, w, relaxed, x, [sizes], prior);
    const len = 1 + 6 * 64;
    const want = oracle(w, c, x, len);
    let differFirst = 0;
    let differAfter = 0;
    let worst = 0;
    for (let o = 0; o < 16; o++) {
      for (let t = 0; t < len; t++) {
        worst = Math.max(worst, Math.abs(run.phase[0]![o]![t]! - want[o]![t]!));
        if (!Object.is(run.phase[0]![o]![t], run.direct[0]![o]![t])) {
          if (t === 0) differFirst++;
          else differAfter++;
        }
      }
    }
    expect(worst).toBeLessThan(1e-4);
    expect(differFirst).toBe(0);
    expect(differAfter).toBeGreaterThan(0);
  });
});
