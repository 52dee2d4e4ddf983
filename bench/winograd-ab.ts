/**
 * A/B of the Winograd F(2,3) conv path against the direct SIMD conv kernel, in one process,
 * alternating (the machine is noisy and shared): the standard WaveNet (fast tanh) at several block
 * sizes, baseline and relaxed SIMD, each model once with `winograd` on and once off.
 *
 *   node --expose-gc bin/run-ts.mjs bench/winograd-ab.ts [--blocks 32,64,128,512] [--rounds 11] [--seconds 1]
 *     [--model PATH]
 *
 * Per round each model processes `seconds` of the same signal; rounds alternate the order (on/off,
 * off/on). Prints per case the median real-time factor of each path and the median of the per-round
 * ratios on/off (> 1: Winograd is faster). Also checks the two outputs agree (max |diff|).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { parseNam } from '../src/dsp/nam/index.ts';
import { buildDsp, createDefaultRegistry } from '../src/dsp/nam/registry.ts';
import { MonoModel } from '../src/dsp/nam/model.ts';
import { countingCompute, createSimdCompute } from '../src/dsp/nam/simd/simd-compute.ts';
import { relaxedSimdSupported } from '../src/dsp/nam/simd/kernels.ts';
import { arg, alternateRounds, median, timeBlocks } from './ab-timing.ts';

if (!relaxedSimdSupported()) setFlagsFromString('--experimental-wasm-relaxed-simd');

const RATE = 48000;

const blocks = arg('blocks', '32,64,128,512').split(',').map(Number);
const rounds = Number(arg('rounds', '11'));
const seconds = Number(arg('seconds', '1'));
const modelPath = resolve(arg('model', resolve(import.meta.dirname, '../../shared/fixtures/models/deluxe.nam')));
const file = parseNam(readFileSync(modelPath, 'utf8'));
const registry = createDefaultRegistry();

function build(maxBlock: number, relaxed: boolean, winograd: boolean): MonoModel {
  const base = { maxBlockSize: maxBlock, fastTanh: true, slim: 1, sampleRate: file.sampleRate };
  const counter = countingCompute(maxBlock, winograd);
  buildDsp(file, { ...base, compute: counter }, registry);
  const dsp = buildDsp(file, { ...base, compute: createSimdCompute(maxBlock, counter.bytes, relaxed, undefined, winograd) }, registry);
  return new MonoModel(dsp, file, maxBlock, true, relaxed ? 'relaxed-simd' : 'simd');
}

/** A guitar-ish test signal: decaying plucked partials plus a little noise. */
function signal(samples: number): Float32Array {
  let s = 12345;
  const out = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    const t = (i % 12000) / RATE;
    const env = Math.exp(-t * 6);
    out[i] = 0.4 * env * (Math.sin(2 * Math.PI * 110 * t) + 0.5 * Math.sin(2 * Math.PI * 220 * t + 0.3)) + 0.01 * (s / 2 ** 32 - 0.5);
  }
  return out;
}

const input = signal(Math.round(seconds * RATE));
console.log(`Winograd A/B: ${modelPath.split('/').pop()}, fast tanh, ${rounds} alternating rounds of ${seconds} s per path; RTF = audio s / wall s`);
console.log('case                      RTF direct   RTF winograd   winograd/direct (median of rounds)   max|diff|');
for (const block of blocks) {
  const n = Math.floor(input.length / block) * block;
  const x = input.subarray(0, n);
  for (const relaxed of [false, true]) {
    const on = build(block, relaxed, true);
    const off = build(block, relaxed, false);
    const yOn = new Float32Array(n);
    const yOff = new Float32Array(n);
    // Warm-up (JIT, caches), then check the outputs agree.
    timeBlocks(on, x, yOn, block);
    timeBlocks(off, x, yOff, block);
    let diff = 0;
    for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(yOn[i]! - yOff[i]!));
    // ratios = direct / winograd
    const { ta: tOn, tb: tOff, ratios } = alternateRounds(() => timeBlocks(on, x, yOn, block), () => timeBlocks(off, x, yOff, block), rounds);
    const audio = n / RATE;
    const label = `b${block} ${relaxed ? 'relaxed' : 'baseline'}`.padEnd(26);
    console.log(
      `${label}${(audio / median(tOff)).toFixed(2).padStart(10)}x ${(audio / median(tOn)).toFixed(2).padStart(13)}x ${median(ratios).toFixed(3).padStart(22)} (min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)}) ${diff.toExponential(1).padStart(10)}`,
    );
  }
}
