/**
 * A minimal workload for counting instructions under valgrind's callgrind: loads ONE implementation —
 * ours (`createNamModel`, fast tanh, kernels as asked) or `@opendaw/nam-wasm` — warms it up, then
 * processes `--seconds` of audio in blocks of `--block` samples, and prints one JSON line.
 *
 *   valgrind --tool=callgrind --callgrind-out-file=OUT \
 *     node bin/run-ts.mjs bench/callgrind-probe.ts --impl ours|nam-wasm [--kernels simd|relaxed-simd|js]
 *       [--model PATH] [--block N] [--seconds S] [--warmup S]
 *
 * Process start-up, TypeScript loading, model load, JIT and warm-up cost the same whatever
 * `--seconds` is, so two runs with different `--seconds` (say 1 and 3) give the steady-state cost:
 * (I(3 s) − I(1 s)) / (2 s × rate) = instructions per sample. `bench/engine-vs-nam-wasm.ts --callgrind`
 * does exactly that. Runs normally (JIT and WebAssembly on; `--jitless` would disable WebAssembly).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createNamModel, parseNam } from '../src/dsp/nam/index.ts';
import { createNamEmscriptenModule, loadNamWasmRunner } from './nam-wasm-runner.ts';

const { values: v } = parseArgs({
  args: process.argv.slice(2),
  options: {
    impl: { type: 'string' },
    kernels: { type: 'string', default: 'simd' },
    model: { type: 'string', default: '../shared/fixtures/models/deluxe.nam' },
    block: { type: 'string', default: '128' },
    seconds: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '0.25' },
  },
  strict: true,
});

function fail(message: string): never {
  process.stderr.write(`callgrind-probe: ${message}\n`);
  process.exit(2);
}

const impl = v.impl;
if (impl !== 'ours' && impl !== 'nam-wasm') fail(`--impl must be "ours" or "nam-wasm", got ${String(impl)}`);
const kernels = v.kernels;
if (kernels !== 'simd' && kernels !== 'relaxed-simd' && kernels !== 'js') fail(`--kernels must be simd, relaxed-simd or js, got ${String(kernels)}`);
const block = Number(v.block);
const seconds = Number(v.seconds);
const warmup = Number(v.warmup);
if (!Number.isInteger(block) || block < 1) fail(`--block must be a positive integer, got ${v.block}`);
if (!(seconds >= 0) || !(warmup >= 0)) fail('--seconds and --warmup must be non-negative numbers');

const text = readFileSync(resolve(process.cwd(), v.model!), 'utf8');
const file = parseNam(text);
const rate = file.sampleRate > 0 ? file.sampleRate : 48_000;

let process_: (input: Float32Array, output: Float32Array) => void;
let ran: string;
if (impl === 'ours') {
  const model = createNamModel(file, { maxBlockSize: block, fastTanh: true, kernels });
  if (model.kernels !== kernels) fail(`asked for ${kernels} kernels, the runtime gave ${model.kernels}`);
  process_ = (input, output) => model.process(input, output);
  ran = `ours/${model.kernels}`;
} else {
  const runner = loadNamWasmRunner(await createNamEmscriptenModule(), text, block, rate);
  process_ = (input, output) => runner.process(input, output);
  ran = 'nam-wasm';
}

/** Deterministic guitar-ish input: a few decaying partials per note, a new note every 0.25 s, plus faint noise. */
function signal(samples: number): Float32Array {
  const x = new Float32Array(samples);
  let seed = 0x2545f491;
  const noise = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 31 - 1;
  };
  const noteLength = Math.round(0.25 * rate);
  for (let i = 0; i < samples; i++) {
    const note = Math.floor(i / noteLength);
    const t = (i % noteLength) / rate;
    const f = 82.41 * 2 ** (((note * 5) % 24) / 12);
    let s = 0;
    for (let h = 1; h <= 4; h++) s += Math.sin(2 * Math.PI * f * h * t) / h;
    x[i] = 0.3 * s * Math.exp(-6 * t) + 1e-4 * noise();
  }
  return x;
}

const blocksFor = (s: number): number => Math.round((s * rate) / block);
const warmBlocks = blocksFor(warmup);
const runBlocks = blocksFor(seconds);
const input = signal(Math.max(warmBlocks, runBlocks, 1) * block);
const ins = Array.from({ length: Math.max(warmBlocks, runBlocks) }, (_, k) => input.subarray(k * block, (k + 1) * block));
const out = new Float32Array(block);

for (let k = 0; k < warmBlocks; k++) process_(ins[k]!, out);
let checksum = 0;
const t0 = performance.now();
for (let k = 0; k < runBlocks; k++) {
  process_(ins[k]!, out);
  checksum += out[block - 1]!;
}
const wallMs = performance.now() - t0;
process.stdout.write(
  `${JSON.stringify({ impl: ran, model: v.model, block, rate, seconds, samples: runBlocks * block, warmupSamples: warmBlocks * block, wallMs: Math.round(wallMs), checksum })}\n`,
);
