/**
 * Child-process probe for the allocation test: loads one model, warms it up, then processes
 * `blocks` blocks while counting GCs and heap growth (`measureSteadyAllocation`: the smaller growth of two
 * halves). Prints one JSON line.
 * Run: node --expose-gc bin/run-ts.mjs test/nam/alloc-probe.ts MODEL.nam BLOCK BLOCKS fast|exact js|simd
 */
import { readFileSync } from 'node:fs';
import { createNamModel, parseNam } from '../../src/dsp/nam/index.ts';
import { measureSteadyAllocation } from '../helpers/steady-allocation.ts';

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
const measured = await measureSteadyAllocation(runTen, blocks / 10);
let finite = true;
for (let i = 0; i < block; i++) if (!Number.isFinite(output[i]!)) finite = false;
console.log(JSON.stringify({ ...measured, blocks, finite, kernels: model.kernels }));
