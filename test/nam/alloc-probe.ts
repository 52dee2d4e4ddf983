/**
 * Child-process probe for the allocation test: loads one model, warms it up, then processes
 * `blocks` blocks while counting GCs (PerformanceObserver) and heap growth (`heapGrowth`: the smaller of
 * its two halves, see below). Prints one JSON line.
 * Run: node --expose-gc bin/run-ts.mjs test/nam/alloc-probe.ts MODEL.nam BLOCK BLOCKS fast|exact js|simd
 */
import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { createNamModel, parseNam } from '../../src/dsp/nam/index.ts';

const [path, blockArg, blocksArg, fast, kernelArg] = process.argv.slice(2);
const block = Number(blockArg);
const blocks = Number(blocksArg);
const model = createNamModel(parseNam(readFileSync(path!, 'utf8')), { maxBlockSize: block, fastTanh: fast === 'fast', kernels: kernelArg === 'js' ? 'js' : 'simd' });
const input = new Float32Array(block);
const output = new Float32Array(block);
const oscillator = new Float64Array(1); // phase, kept in a typed array so no number is boxed
/**
 * Ten blocks per call: a short function called many times gets fully optimised, whereas one long
 * loop runs partly in the interpreter, which boxes doubles and would be blamed on the model.
 */
function runTen(): void {
  let phase = oscillator[0]!;
  for (let b = 0; b < 10; b++) {
    for (let i = 0; i < block; i++) {
      input[i] = 0.4 * Math.sin(phase);
      phase += 0.031;
    }
    model.process(input, output);
  }
  oscillator[0] = phase;
}
for (let k = 0; k < 1000; k++) runTen();
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
gc();
gc();
let gcs = 0;
const obs = new PerformanceObserver((list) => {
  gcs += list.getEntries().length;
});
obs.observe({ entryTypes: ['gc'] });
// Two equal windows: an allocation per block grows the heap in both, while a one-off (TurboFan
// installing late code on a loaded machine, which lands in the heap too) shows in one only.
const start = process.memoryUsage().heapUsed;
for (let k = 0; k < blocks / 20; k++) runTen();
const middle = process.memoryUsage().heapUsed;
for (let k = 0; k < blocks / 20; k++) runTen();
const end = process.memoryUsage().heapUsed;
const windows = [middle - start, end - middle];
let finite = true;
for (let i = 0; i < block; i++) if (!Number.isFinite(output[i]!)) finite = false;
// Let the observer deliver entries queued during the loop.
setTimeout(() => {
  obs.disconnect();
  console.log(JSON.stringify({ gcs, heapGrowth: Math.min(...windows), windows, blocks, finite, kernels: model.kernels }));
}, 50);
