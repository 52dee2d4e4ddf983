/**
 * The DSP primitives against independent oracles: the conv kernel against a naive PyTorch-order
 * convolution, Conv1d's block path against its one-sample-at-a-time path, FiLM against its
 * formula, and every activation against its textbook definition.
 */
import { describe, expect, it } from 'vitest';
import { ConvKernel, convWeightCount, type ConvShape } from '../../src/dsp/nam/conv-kernel.ts';
import { Conv1d } from '../../src/dsp/nam/conv1d.ts';
import { Film } from '../../src/dsp/nam/film.ts';
import { Planar } from '../../src/dsp/nam/planar.ts';
import { jsCompute, type Compute } from '../../src/dsp/nam/compute.ts';
import { createSimdCompute } from '../../src/dsp/nam/simd/simd-compute.ts';

/** Both kernel paths: plain TypeScript, and WebAssembly SIMD in a generous arena. */
const computes: [string, (block: number) => Compute][] = [
  ['js', (block) => jsCompute(block)],
  ['simd', (block) => createSimdCompute(block, 32 * 2 ** 20, false)],
];

import { fastTanh, parseActivation, preciseTanh } from '../../src/dsp/nam/activations.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** y[o][t] = b[o] + Σ_{i in group(o)} Σ_k W[o][i][k] · x[i][t − d(K−1−k)], x = 0 before t = 0. */
function naiveConv(s: ConvShape, w: Float32Array, x: Float32Array[], n: number): Float64Array[] {
  const inPer = s.inChannels / s.groups;
  const outPer = s.outChannels / s.groups;
  const y = Array.from({ length: s.outChannels }, () => new Float64Array(n));
  for (let o = 0; o < s.outChannels; o++) {
    const g = Math.floor(o / outPer);
    for (let t = 0; t < n; t++) {
      let acc = s.bias ? w[s.outChannels * inPer * s.kernelSize + o]! : 0;
      for (let i = 0; i < inPer; i++) {
        for (let k = 0; k < s.kernelSize; k++) {
          const tt = t - s.dilation * (s.kernelSize - 1 - k);
          if (tt >= 0) acc += w[(o * inPer + i) * s.kernelSize + k]! * x[g * inPer + i]![tt]!;
        }
      }
      y[o]![t] = acc;
    }
  }
  return y;
}

const shapes: ConvShape[] = [
  { inChannels: 16, outChannels: 16, kernelSize: 3, dilation: 8, groups: 1, bias: true },
  { inChannels: 3, outChannels: 7, kernelSize: 6, dilation: 17, groups: 1, bias: true },
  { inChannels: 8, outChannels: 12, kernelSize: 2, dilation: 1, groups: 4, bias: false },
  { inChannels: 6, outChannels: 18, kernelSize: 1, dilation: 1, groups: 3, bias: true },
  { inChannels: 1, outChannels: 5, kernelSize: 15, dilation: 13, groups: 1, bias: true },
];

describe.each(computes)('Conv1d against a naive convolution (%s kernels)', (_name, makeCompute) => {
  for (const s of shapes) {
    it(`${s.inChannels}→${s.outChannels} k${s.kernelSize} d${s.dilation} g${s.groups}${s.bias ? ' bias' : ''}`, () => {
      const r = rng(s.inChannels * 131 + s.kernelSize);
      const w = Float32Array.from({ length: convWeightCount(s) }, r);
      const n = 1500;
      const x = Array.from({ length: s.inChannels }, () => Float32Array.from({ length: n }, r));
      const expected = naiveConv(s, w, x, n);
      for (const block of [1, 7, 64, 512]) {
        const compute = makeCompute(block);
        const conv = new Conv1d(s, w, compute, compute.ops);
        const inBuf = new Planar(s.inChannels, compute);
        const outBuf = new Planar(s.outChannels, compute);
        const st = compute.stride;
        let worst = 0;
        for (let start = 0; start < n; start += block) {
          const m = Math.min(block, n - start);
          for (let c = 0; c < s.inChannels; c++) for (let t = 0; t < m; t++) inBuf.data[c * st + t] = x[c]![start + t]!;
          conv.process(inBuf.all, outBuf.all, m);
          for (let o = 0; o < s.outChannels; o++) {
            for (let t = 0; t < m; t++) worst = Math.max(worst, Math.abs(outBuf.data[o * st + t]! - expected[o]![start + t]!));
          }
        }
        expect(worst, `block ${block}`).toBeLessThan(2e-6);
      }
    });
  }

  it('accumulate mode adds to the destination', () => {
    const s = shapes[0]!;
    const r = rng(5);
    const k = new ConvKernel(s, Float32Array.from({ length: convWeightCount(s) }, r));
    const src = Float32Array.from({ length: 16 * 100 }, r);
    const a = new Float32Array(16 * 10);
    const b = Float32Array.from({ length: 16 * 10 }, () => 1);
    k.run(src, 50, 100, a, 0, 10, 10, false);
    k.run(src, 50, 100, b, 0, 10, 10, true);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]! + 1, 5);
  });
});

describe.each(computes)('FiLM (%s kernels)', (_name, makeCompute) => {
  it('out = in · scale + shift, scale rows before shift rows', () => {
    const compute = makeCompute(8);
    const r = rng(9);
    const cond = 2;
    const dim = 3;
    const w = Float32Array.from({ length: cond * 2 * dim + 2 * dim }, r);
    const film = new Film(cond, dim, true, 1, w, compute, compute.ops);
    const x = new Planar(dim, compute);
    const c = new Planar(cond, compute);
    x.data.forEach((_, i) => (x.data[i] = r()));
    c.data.forEach((_, i) => (c.data[i] = r()));
    const out = new Planar(dim, compute);
    film.process(x.all, c.all, out.all, 8);
    for (let ch = 0; ch < dim; ch++) {
      for (let t = 0; t < 8; t++) {
        const lin = (row: number): number => w[2 * dim * cond + row]! + w[row * cond]! * c.data[t]! + w[row * cond + 1]! * c.data[8 + t]!;
        expect(out.data[ch * 8 + t]).toBeCloseTo(x.data[ch * 8 + t]! * lin(ch) + lin(dim + ch), 5);
      }
    }
  });
});

describe('activations against their definitions', () => {
  const xs = Array.from({ length: 4001 }, (_, i) => (i - 2000) / 150);
  const defs: [string | Record<string, unknown>, (x: number) => number][] = [
    ['Tanh', Math.tanh],
    ['Hardtanh', (x) => Math.max(-1, Math.min(1, x))],
    ['ReLU', (x) => Math.max(0, x)],
    [{ type: 'LeakyReLU', negative_slope: 0.2 }, (x) => (x > 0 ? x : 0.2 * x)],
    ['LeakyReLU', (x) => (x > 0 ? x : 0.01 * x)],
    [{ type: 'PReLU', negative_slope: 0.25 }, (x) => (x > 0 ? x : 0.25 * x)],
    ['Sigmoid', (x) => 1 / (1 + Math.exp(-x))],
    ['SiLU', (x) => x / (1 + Math.exp(-x))],
    ['Hardswish', (x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6],
    [{ type: 'LeakyHardtanh', min_val: -0.5, max_val: 2, min_slope: 0.1, max_slope: 0.05 }, (x) => (x < -0.5 ? -0.5 + 0.1 * (x + 0.5) : x > 2 ? 2 + 0.05 * (x - 2) : x)],
    ['Softsign', (x) => x / (1 + Math.abs(x))],
  ];
  for (const [spec, f] of defs) {
    it(`${typeof spec === 'string' ? spec : JSON.stringify(spec)}`, () => {
      const act = parseActivation(spec as never, 'activation', { fastTanh: false });
      const buf = Float32Array.from(xs);
      act.apply(buf, 0, buf.length, 0);
      xs.forEach((x, i) => {
        const want = Math.fround(f(Math.fround(x)));
        expect(Math.abs(buf[i]! - want), `at ${x}`).toBeLessThanOrEqual(3e-7 * Math.max(1, Math.abs(want)));
        expect(Math.abs(act.scalar(Math.fround(x), 0) - want)).toBeLessThanOrEqual(3e-7 * Math.max(1, Math.abs(want)));
      });
    });
  }
  it('PReLU applies a slope per channel', () => {
    const act = parseActivation({ type: 'PReLU', negative_slopes: [0.1, 0.5] }, 'a', { fastTanh: false, channels: 2 });
    const buf = Float32Array.from([-1, -1]);
    act.apply(buf, 0, 1, 0);
    act.apply(buf, 1, 1, 1);
    expect(buf[0]).toBeCloseTo(-0.1, 6);
    expect(buf[1]).toBeCloseTo(-0.5, 6);
  });
  it('preciseTanh is within 2.7e-7 of tanh; fast tanh is the core formula and within 2e-3', () => {
    for (const x of xs) {
      expect(Math.abs(preciseTanh(x) - Math.tanh(x))).toBeLessThan(2.7e-7);
      expect(Math.abs(fastTanh(x) - Math.tanh(x))).toBeLessThan(2e-3);
    }
    // The core's formula at x = 1: 1·(a + a + b + c) / (d + (d + 1)·|1 + e|).
    const [a, b, c, d, e] = [2.45550750702956, 0.893229853513558, 0.821226666969744, 2.44506634652299, 0.814642734961073];
    expect(fastTanh(1)).toBeCloseTo((2 * a + b + c) / (d + (d + 1) * (1 + e)), 6);
    const fast = parseActivation('Tanh', 'a', { fastTanh: true });
    expect(fast.scalar(0.7, 0)).toBe(fastTanh(0.7));
    expect(parseActivation('Fasttanh', 'a', { fastTanh: false }).scalar(0.7, 0)).toBe(fastTanh(0.7));
  });
});
