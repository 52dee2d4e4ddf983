/**
 * Kernel-level timing of one K = 3 conv (the standard WaveNet's 16→16 layers) at a block size the
 * block-local paths take: the direct kernel (`conv`) vs Winograd F(2,3) (`conv_wino`) vs Winograd
 * F(4,3) (`conv_wino4`), per dilation, alternating rounds on the same history. Prints ns per block
 * and the ratios (> 1: the Winograd path is faster than the direct kernel).
 *
 *   node bin/run-ts.mjs bench/winograd4-kernel.ts [--block 128] [--dilations 1,2,4,8,16,32]
 *     [--channels 16] [--kernels baseline,relaxed] [--rounds 15]
 */
import { setFlagsFromString } from 'node:v8';
import { createSimdCompute } from '../src/dsp/nam/simd/simd-compute.ts';
import { SimdConvKernel } from '../src/dsp/nam/simd/simd-conv.ts';
import { WinogradConv, winogradPossible } from '../src/dsp/nam/simd/simd-winograd.ts';
import { relaxedSimdSupported } from '../src/dsp/nam/simd/kernels.ts';
import { ptr } from '../src/dsp/nam/compute.ts';
import { convBenchWeights, convKernelBenchOptions, median } from './ab-timing.ts';

if (!relaxedSimdSupported()) setFlagsFromString('--experimental-wasm-relaxed-simd');

const { block, dilations, ch, kernels, rounds } = convKernelBenchOptions('1,2,4,8,16,32');

for (const kind of kernels) {
  const relaxed = kind === 'relaxed';
  console.log(`${ch}→${ch} K=3 conv, block ${block}, ${kind} SIMD: ns per block (median of ${rounds} rounds)`);
  for (const d of dilations) {
    const shape = { inChannels: ch, outChannels: ch, kernelSize: 3, dilation: d, groups: 1, bias: true };
    const w = convBenchWeights(ch);
    const compute = createSimdCompute(block, 8 << 20, relaxed, undefined, true);
    const conv = new SimdConvKernel(shape, w, compute, compute.simd!);
    // Convs too narrow for models to take Winograd still get one here, to time it.
    const wc = conv.winograd ?? (winogradPossible(shape, block) ? new WinogradConv(shape, w, compute, compute.simd!) : null);
    if (wc === null || !wc.accepts(block)) {
      console.log(`  d${d}: no block-local Winograd path at block ${block}`);
      continue;
    }
    const cap = 2 * d + block + 8;
    const hist = compute.floats(ch * cap);
    for (let c = 0; c < ch; c++) for (let t = 0; t < cap; t++) hist[c * cap + t] = Math.sin(c + t * 0.1);
    const out = compute.floats(conv.tiles * 4 * compute.stride);
    const k = compute.simd!;
    const src = ptr(hist, 2 * d);
    const dst = ptr(out, 0);
    const stride = compute.stride;
    const runs: Record<string, () => void> = {
      direct: () => k.conv(src, cap, dst, stride, conv.packedAt[0]!, conv.tiles, ch, 3, d, block, 0),
      f23: () => k.conv_wino(src, cap, dst, stride, wc.weightsAt, wc.tiles, ch, d, block, 0, wc.scratchAt, wc.segPairs),
    };
    if (wc.acceptsQuads(block)) {
      runs.f43 = () => k.conv_wino4(src, cap, dst, stride, wc.quadWeightsAt, wc.tiles, ch, d, block, 0, wc.scratchAt, wc.segQuads);
    }
    const names = Object.keys(runs);
    const per = Math.ceil(2e6 / block / 4);
    const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    const time = (f: () => void): number => {
      const t0 = process.hrtime.bigint();
      for (let b = 0; b < per; b++) f();
      return Number(process.hrtime.bigint() - t0) / per;
    };
    for (const n of names) time(runs[n]!);
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? names : [...names].reverse();
      for (const n of order) times[n]!.push(time(runs[n]!));
    }
    const m = Object.fromEntries(names.map((n) => [n, median(times[n]!)]));
    const line = names.map((n) => `${n} ${m[n]!.toFixed(0).padStart(6)} ns`).join('  ');
    const ratios = names.slice(1).map((n) => `direct/${n} ${(m.direct! / m[n]!).toFixed(3)}`).join('  ');
    const f = m.f43 !== undefined ? `  f23/f43 ${(m.f23! / m.f43).toFixed(3)}` : '';
    console.log(`  d${String(d).padEnd(4)} ${line}  ${ratios}${f}`);
  }
}
