import { readFileSync } from 'node:fs';
import { createNamModel, parseNam } from '../src/dsp/nam/index.ts';
const text = readFileSync('../shared/fixtures/models/deluxe.nam', 'utf8');
const kernels = (process.argv[2] ?? 'simd') as 'simd';
const m = createNamModel(parseNam(text), { maxBlockSize: 128, fastTanh: true, kernels });
const buf = new Float32Array(128); for (let i = 0; i < 128; i++) buf[i] = Math.sin(i * 0.1) * 0.3;
const out = new Float32Array(128);
function run(n: number) { for (let i = 0; i < n; i++) m.process(buf, out); }
for (let i = 0; i < 100; i++) run(20);
const N = 48000 * 10 / 128; const t1 = performance.now();
run(N);
console.log(m.kernels, 'RT', (10 / ((performance.now() - t1) / 1000)).toFixed(2));
