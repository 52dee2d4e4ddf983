/**
 * Micro-benchmark of the WASM SIMD conv kernel (baseline and, where the runtime has it, relaxed
 * SIMD) against the plain-TS ConvKernel, on the standard WaveNet's conv shapes, at a 128-sample
 * block (or the size given as the first argument):
 *
 *   node bin/run-ts.mjs bench/simd-kernels.ts [n]
 *
 * Not a test: it prints GFLOP/s (2 flops per multiply-add) to guide tuning. On Node 20 it turns on
 * relaxed SIMD with a V8 flag (Node 22 and Chrome 114+ have it by default).
 */
import { setFlagsFromString } from 'node:v8';
import { ConvKernel } from '../src/dsp/nam/conv-kernel.ts';
import { instantiateKernels, relaxedSimdSupported, simdSupported, type SimdKernels } from '../src/dsp/nam/simd/kernels.ts';
import { convTiles, packConvWeights } from '../src/dsp/nam/simd/pack.ts';

if (!relaxedSimdSupported()) setFlagsFromString('--experimental-wasm-relaxed-simd');

const n = Number(process.argv[2] ?? 128);
const ROUNDS = 5;
const ROUND_MS = 150;

interface Shape {
  name: string;
  inCh: number;
  outCh: number;
  K: number;
  dilation: number;
  /** Share of the standard WaveNet's 13,320 MACs/sample done at this shape (for the RT estimate). */
  macsPerSample: number;
}

// The standard WaveNet: two layer arrays of 10 layers (dilations 1…512, K = 3), 16 and 8 channels;
// per layer a dilated conv, a 1x1 and an input mixin; plus rechannels and the head. Its 13,320
// MACs/sample: 10 × (768 + 256 + 16) at 16 channels, 10 × (192 + 64 + 8) at 8, 280 in rechannels and
// head; the small ones are charged at the 8→8 K1 rate below.
const SHAPES: Shape[] = [
  { name: '16→16 K3 d1', inCh: 16, outCh: 16, K: 3, dilation: 1, macsPerSample: 0 },
  { name: '16→16 K3 d64', inCh: 16, outCh: 16, K: 3, dilation: 64, macsPerSample: 7680 },
  { name: '16→16 K3 d512', inCh: 16, outCh: 16, K: 3, dilation: 512, macsPerSample: 0 },
  { name: '16→16 K1', inCh: 16, outCh: 16, K: 1, dilation: 1, macsPerSample: 2560 },
  { name: '8→8 K3 d64', inCh: 8, outCh: 8, K: 3, dilation: 64, macsPerSample: 1920 },
  { name: '8→8 K1', inCh: 8, outCh: 8, K: 1, dilation: 1, macsPerSample: 1160 },
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

interface Setup {
  run: () => void;
}

function align(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}

/** A history layout as the engine will use: capacity not a multiple of 4 KiB. */
function capacityFor(s: Shape): { pos: number; capacity: number } {
  const pos = align(s.dilation * (s.K - 1), 8);
  let capacity = align(pos + n + 8, 8);
  if ((capacity * 4) % 4096 === 0) capacity += 8;
  return { pos, capacity };
}

function setupWasm(s: Shape, relaxed: boolean, weights: Float32Array, input: Float32Array): Setup {
  const { pos, capacity } = capacityFor(s);
  const packed = packConvWeights(weights, s.outCh, s.inCh, s.K, true);
  const inRows = align(s.inCh, 4);
  const outRows = align(s.outCh, 4);
  const stride = align(n, 8) + 8;
  const histBytes = inRows * capacity * 4;
  const bytes = histBytes + outRows * stride * 4 + packed.length * 4 + 1024;
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) + 1 });
  const k: SimdKernels = instantiateKernels(memory, relaxed);
  const f = new Float32Array(memory.buffer);
  const hist = 0;
  for (let c = 0; c < s.inCh; c++) f.set(input.subarray(c * capacity, (c + 1) * capacity), c * capacity);
  const dst = align(histBytes, 64);
  const w = align(dst + outRows * stride * 4, 64);
  f.set(packed, w / 4);
  const src = hist + pos * 4;
  const tiles = convTiles(s.outCh);
  return { run: () => k.conv(src, capacity, dst, stride, w, tiles, s.inCh, s.K, s.dilation, n, 0) };
}

function setupTs(s: Shape, weights: Float32Array, input: Float32Array): Setup {
  const { pos, capacity } = capacityFor(s);
  const kernel = new ConvKernel({ inChannels: s.inCh, outChannels: s.outCh, kernelSize: s.K, dilation: s.dilation, groups: 1, bias: true }, weights);
  const src = input.slice(0, s.inCh * capacity);
  const stride = align(n, 8) + 8;
  const dst = new Float32Array(s.outCh * stride);
  return { run: () => kernel.run(src, pos, capacity, dst, 0, stride, n, false) };
}

/** Calls per second over one round. */
function measure(setup: Setup): number {
  let calls = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ROUND_MS) {
    for (let i = 0; i < 50; i++) setup.run();
    calls += 50;
    t = performance.now();
  }
  return (calls * 1000) / (t - t0);
}

console.log(`conv kernel throughput, n = ${n}, best of ${ROUNDS} rounds (GFLOP/s = 2·MACs/s)`);
console.log(`SIMD: ${simdSupported()}, relaxed SIMD: ${relaxedSimdSupported()}`);
const impls = ['plain TS', 'WASM SIMD', ...(relaxedSimdSupported() ? ['WASM relaxed'] : [])];
console.log(['shape'.padEnd(16), ...impls.map((s) => s.padStart(14)), '  SIMD/TS'.padStart(10)].join(''));
/** Seconds of conv work per sample of the standard WaveNet, per implementation. */
const secondsPerSample = impls.map(() => 0);
for (const s of SHAPES) {
  const r = rng(1234);
  const weights = new Float32Array(s.outCh * s.inCh * s.K + s.outCh).map(() => r());
  const { capacity } = capacityFor(s);
  const input = new Float32Array(s.inCh * capacity).map(() => r());
  const setups: Setup[] = [setupTs(s, weights, input), setupWasm(s, false, weights, input)];
  if (relaxedSimdSupported()) setups.push(setupWasm(s, true, weights, input));
  const best = setups.map(() => 0);
  for (let round = 0; round < ROUNDS; round++) {
    setups.forEach((setup, i) => {
      best[i] = Math.max(best[i]!, measure(setup));
    });
  }
  const macsPerCall = s.inCh * s.outCh * s.K * n;
  const gflops = best.map((callsPerSec) => (2 * macsPerCall * callsPerSec) / 1e9);
  gflops.forEach((g, i) => {
    secondsPerSample[i]! += (2 * s.macsPerSample) / (g * 1e9);
  });
  console.log(
    [s.name.padEnd(16), ...gflops.map((g) => g.toFixed(2).padStart(14)), `${(gflops[1]! / gflops[0]!).toFixed(1)}×`.padStart(10)].join(''),
  );
}
console.log('Standard WaveNet layer math ≈ 13,320 MACs/sample: 1× real time at 48 kHz ≈ 1.28 GFLOP/s.');
console.log(
  'Its convs alone, at these rates: ' +
    impls.map((name, i) => `${name} ${(1 / secondsPerSample[i]! / 48000).toFixed(1)}×`).join(', ') +
    ' real time (no activations, mixing or copies).',
);
