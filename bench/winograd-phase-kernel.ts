/**
 * Kernel-level timing of one K = 3 conv (the standard WaveNet's 16→16 layers): the direct kernel vs
 * the phase Winograd path (`conv_wino_phase`) at a steady block size, per dilation, alternating
 * rounds on the same history. Prints ns per block for each and the ratio direct / phase (> 1: the
 * phase path is faster), plus the phase path's slowest place in its cycle (all-"first" blocks).
 *
 *   node bin/run-ts.mjs bench/winograd-phase-kernel.ts [--block 128] [--dilations 16,32,64,128,256,512]
 *     [--channels 16] [--kernels baseline,relaxed] [--rounds 15]
 */
import { setFlagsFromString } from 'node:v8';
import { createSimdCompute } from '../src/dsp/nam/simd/simd-compute.ts';
import { SimdConvKernel } from '../src/dsp/nam/simd/simd-conv.ts';
import { relaxedSimdSupported } from '../src/dsp/nam/simd/kernels.ts';
import { Conv1d } from '../src/dsp/nam/conv1d.ts';
import { Planar } from '../src/dsp/nam/planar.ts';
import { convBenchWeights, convKernelBenchOptions, median } from './ab-timing.ts';

if (!relaxedSimdSupported()) setFlagsFromString('--experimental-wasm-relaxed-simd');

const { block, dilations, ch, kernels, rounds } = convKernelBenchOptions('16,32,64,128,256,512');

for (const kind of kernels) {
  const relaxed = kind === 'relaxed';
  console.log(`${ch}→${ch} K=3 conv, block ${block}, ${kind} SIMD: ns per block (median of ${rounds} rounds)`);
  for (const d of dilations) {
    const shape = { inChannels: ch, outChannels: ch, kernelSize: 3, dilation: d, groups: 1, bias: true };
    const w = convBenchWeights(ch);
    const make = (winograd: boolean): { conv: Conv1d; src: Planar; dst: Planar } => {
      const compute = createSimdCompute(block, 8 << 20, relaxed, undefined, winograd);
      const conv = new Conv1d(shape, w, compute, compute.ops);
      const src = new Planar(ch, compute);
      for (let c = 0; c < ch; c++) for (let t = 0; t < block; t++) src.data[c * compute.stride + t] = Math.sin(c + t * 0.1);
      return { conv, src, dst: new Planar(ch, compute) };
    };
    const direct = make(false);
    const phase = make(true);
    const hasPhase = (phase.conv.kernel as SimdConvKernel).winograd?.stateAt ? true : false;
    const period = Math.max(1, Math.round((2 * d) / block));
    const perBlock = Math.max(period, Math.ceil(4000 / period) * period);
    const time = (s: { conv: Conv1d; src: Planar; dst: Planar }, places: number[][] | null): number => {
      const t0 = process.hrtime.bigint();
      for (let b = 0; b < perBlock; b++) {
        const b0 = places ? process.hrtime.bigint() : 0n;
        s.conv.process(s.src.all, s.dst.all, block);
        if (places) places[b % period]!.push(Number(process.hrtime.bigint() - b0));
      }
      return Number(process.hrtime.bigint() - t0) / perBlock;
    };
    const tD: number[] = [];
    const tP: number[] = [];
    time(direct, null);
    time(phase, null);
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        tD.push(time(direct, null));
        tP.push(time(phase, null));
      } else {
        tP.push(time(phase, null));
        tD.push(time(direct, null));
      }
    }
    const places = Array.from({ length: period }, () => [] as number[]);
    time(phase, places);
    const worst = Math.max(...places.map(median));
    const dm = median(tD);
    const pm = median(tP);
    console.log(
      `  d${String(d).padEnd(4)} direct ${dm.toFixed(0).padStart(6)} ns  ${hasPhase ? 'phase' : 'wino?'} ${pm.toFixed(0).padStart(6)} ns  direct/phase ${(dm / pm).toFixed(3)}` +
        `   slowest place ${worst.toFixed(0)} ns (${(worst / dm).toFixed(2)}× direct)`,
    );
  }
}
