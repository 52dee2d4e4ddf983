/**
 * Per-layer timing of the K = 3 convs of the standard WaveNet inside running models, Winograd path
 * on vs off (the direct kernel), to see which layer shapes gain (it guided WINOGRAD_MIN_CHANNELS):
 *
 *   node bin/run-ts.mjs bench/winograd-layers.ts [block] [baseline|relaxed]
 *
 * Wraps SimdConvKernel.run with a timer (adds ~0.1 µs per call to both sides alike), runs both
 * models alternately on the same signal and prints ns per call per layer. The path is only taken
 * where `winogradApplies`; other rows show the noise level (ratio should be ~1).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { parseNam } from '../src/dsp/nam/index.ts';
import { buildDsp, createDefaultRegistry } from '../src/dsp/nam/registry.ts';
import { MonoModel } from '../src/dsp/nam/model.ts';
import { countingCompute, createSimdCompute } from '../src/dsp/nam/simd/simd-compute.ts';
import { SimdConvKernel } from '../src/dsp/nam/simd/simd-conv.ts';
import { relaxedSimdSupported } from '../src/dsp/nam/simd/kernels.ts';

if (!relaxedSimdSupported()) setFlagsFromString('--experimental-wasm-relaxed-simd');

const block = Number(process.argv[2] ?? 128);
const relaxed = (process.argv[3] ?? 'relaxed') === 'relaxed';
const ROUNDS = 10;
const WARM_ROUNDS = 2;
const file = parseNam(readFileSync(resolve(import.meta.dirname, '../../shared/fixtures/models/deluxe.nam'), 'utf8'));
const registry = createDefaultRegistry();

function build(winograd: boolean): MonoModel {
  const base = { maxBlockSize: block, fastTanh: true, slim: 1, sampleRate: file.sampleRate };
  const counter = countingCompute(block, winograd);
  buildDsp(file, { ...base, compute: counter }, registry);
  const dsp = buildDsp(file, { ...base, compute: createSimdCompute(block, counter.bytes, relaxed, undefined, winograd) }, registry);
  return new MonoModel(dsp, file, block, true, relaxed ? 'relaxed-simd' : 'simd');
}

/** Nanoseconds summed per "path layer" key. */
const totals = new Map<string, number>();
let path = '';
const run = SimdConvKernel.prototype.run;
SimdConvKernel.prototype.run = function timed(this: SimdConvKernel, ...args: Parameters<SimdConvKernel['run']>): void {
  const s = this.shape;
  if (s.kernelSize !== 3 || path === '') {
    run.apply(this, args);
    return;
  }
  const t0 = process.hrtime.bigint();
  run.apply(this, args);
  const key = `${path} ${s.inChannels}→${s.outChannels} d${s.dilation}`;
  totals.set(key, (totals.get(key) ?? 0) + Number(process.hrtime.bigint() - t0));
};

const on = build(true);
const off = build(false);
const samples = Math.floor(48000 / block) * block;
const x = new Float32Array(samples).map((_, i) => 0.3 * Math.sin(i * 0.01) * Math.exp(-(i % 12000) / 4000));
const y = new Float32Array(samples);
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? ([['on', on], ['off', off]] as const) : ([['off', off], ['on', on]] as const);
  for (const [name, model] of order) {
    path = r < WARM_ROUNDS ? '' : name;
    for (let at = 0; at < samples; at += block) model.process(x.subarray(at, at + block), y.subarray(at, at + block));
  }
}
const calls = (ROUNDS - WARM_ROUNDS) * (samples / block);
console.log(`K=3 conv time per call inside the standard WaveNet, block ${block}, ${relaxed ? 'relaxed' : 'baseline'} SIMD`);
for (const key of totals.keys()) {
  if (!key.startsWith('off ')) continue;
  const layer = key.slice(4);
  const direct = totals.get(key)! / calls;
  const wino = totals.get(`on ${layer}`)! / calls;
  console.log(`${layer.padEnd(16)} direct ${direct.toFixed(0).padStart(6)} ns   winograd on ${wino.toFixed(0).padStart(6)} ns   ${(direct / wino).toFixed(2)}×`);
}
