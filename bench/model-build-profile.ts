/**
 * Where the time of one model load goes (parse, sizing pass, WebAssembly memory + instance, real
 * build, prewarm), for the models a rig loads, at a 128-sample block:
 *
 *   node --experimental-wasm-relaxed-simd bin/run-ts.mjs bench/model-build-profile.ts
 *
 * Not a test: it prints the median of several runs per phase, in ms, to show which parts of a load
 * can move off the audio thread and which must be split into steps (see model-build-job.ts).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseNam } from '../src/dsp/nam/file.ts';
import { buildDsp, createDefaultRegistry } from '../src/dsp/nam/registry.ts';
import { countingCompute, createSimdCompute } from '../src/dsp/nam/simd/simd-compute.ts';
import { createNamModel } from '../src/dsp/nam/model.ts';
import { relaxedSimdSupported } from '../src/dsp/nam/simd/kernels.ts';

const REF = resolve(import.meta.dirname, '../../shared/fixtures/reference');
const MODELS: [string, string][] = [
  ['default (presets)', resolve(import.meta.dirname, '../presets/models/nam-rig-default.nam')],
  ['wavenet_standard', join(REF, 'wavenet_standard/model.nam')],
  ['core_A2', join(REF, 'core_A2/model.nam')],
  ['lstm_2x16', join(REF, 'lstm_2x16/model.nam')],
  ['convnet_bn', join(REF, 'convnet_bn/model.nam')],
];
const RUNS = 15;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const relaxed = relaxedSimdSupported();
const registry = createDefaultRegistry();
const maxBlockSize = 128;

for (const [name, path] of MODELS) {
  const text = readFileSync(path, 'utf8');
  const t: Record<string, number[]> = { parse: [], sizing: [], memory: [], build: [], prewarm: [], createNamModel: [] };
  for (let r = 0; r < RUNS; r++) {
    let a = performance.now();
    const file = parseNam(text);
    let b = performance.now();
    t.parse!.push(b - a);
    const base = { maxBlockSize, fastTanh: false, slim: 1, sampleRate: file.sampleRate };
    a = performance.now();
    const counter = countingCompute(maxBlockSize);
    buildDsp(file, { ...base, compute: counter }, registry);
    b = performance.now();
    t.sizing!.push(b - a);
    a = performance.now();
    const compute = createSimdCompute(maxBlockSize, counter.bytes, relaxed);
    b = performance.now();
    t.memory!.push(b - a);
    a = performance.now();
    const dsp = buildDsp(file, { ...base, compute }, registry);
    b = performance.now();
    t.build!.push(b - a);
    a = performance.now();
    dsp.reset();
    if (!dsp.prewarmSteadyState?.()) {
      const x = new Float32Array(maxBlockSize);
      const y = new Float32Array(maxBlockSize);
      for (let left = dsp.prewarmSamples; left > 0; left -= maxBlockSize) dsp.process([x], [y], Math.min(left, maxBlockSize));
    }
    b = performance.now();
    t.prewarm!.push(b - a);
    a = performance.now();
    createNamModel(file, { maxBlockSize });
    b = performance.now();
    t.createNamModel!.push(b - a);
  }
  console.log(`${name.padEnd(20)} ${Object.entries(t).map(([k, v]) => `${k} ${median(v).toFixed(2)}`).join('  ')}  (ms, median of ${RUNS})`);
}
