/**
 * Child-process probe for the Elementary allocation test: builds a pre and a post processor in
 * one module (convolver, biquad, meter, gain), warms up, then runs `blocks` blocks of
 * pre → JS ×2 → post while counting GCs and heap growth (`measureSteadyAllocation`). Prints one JSON line.
 * Run: node --expose-gc bin/run-ts.mjs test/engine/elementary-alloc-probe.ts BLOCK BLOCKS
 */
import { measureSteadyAllocation } from '../helpers/steady-allocation.ts';
import { el } from '@elemaudio/core';
import { loadElementaryModule } from '../../src/dsp/engine/elementary-runtime.ts';
import { ElementaryProcessor } from '../../src/dsp/engine/elementary-processor.ts';
import { createGraphRenderer } from '../../src/dsp/engine/graph-renderer.ts';

const [blockArg, blocksArg] = process.argv.slice(2);
const block = Number(blockArg);
const blocks = Number(blocksArg);

const mod = loadElementaryModule();
const pre = new ElementaryProcessor(mod, 2, 2);
const post = new ElementaryProcessor(mod, 2, 2);
pre.prepare(48000, block);
post.prepare(48000, block);
const ir = new Float32Array(3000);
for (let i = 0; i < ir.length; i++) ir[i] = Math.exp(-i / 300) * Math.cos(i * 0.05) * 0.05;
pre.addSharedResource('ir', ir);
createGraphRenderer((b) => pre.applyBatch(b)).render(
  el.meter({ name: 'pre' }, el.biquad(0.2, 0.3, 0.1, -0.6, 0.25, el.convolve({ path: 'ir' }, el.in({ channel: 0 })))),
  el.mul(el.in({ channel: 1 }), 0.5),
);
createGraphRenderer((b) => post.applyBatch(b)).render(el.add(el.in({ channel: 0 }), 0.25), el.tanh(el.in({ channel: 1 })));

const input = [new Float32Array(block), new Float32Array(block)];
const mid = [new Float32Array(block), new Float32Array(block)];
const output = [new Float32Array(block), new Float32Array(block)];
const oscillator = new Float64Array(1); // phase, kept in a typed array so no number is boxed
/** Ten blocks per call, so the loop gets optimised (see test/nam/alloc-probe.ts). */
function runTen(): void {
  let phase = oscillator[0]!;
  const l = input[0]!;
  const r = input[1]!;
  for (let b = 0; b < 10; b++) {
    for (let i = 0; i < block; i++) {
      l[i] = 0.4 * Math.sin(phase);
      r[i] = 0.3 * Math.cos(phase);
      phase += 0.031;
    }
    pre.process(input, mid, block);
    for (let c = 0; c < 2; c++) {
      const m = mid[c]!;
      for (let i = 0; i < block; i++) m[i] = 2 * m[i]!;
    }
    post.process(mid, output, block);
  }
  oscillator[0] = phase;
}
for (let k = 0; k < 1000; k++) runTen();
pre.pollEvents(); // drain the meter queue before measuring
const measured = await measureSteadyAllocation(runTen, blocks / 10);
let finite = true;
let energy = 0;
for (const ch of output) for (let i = 0; i < block; i++) {
  if (!Number.isFinite(ch[i]!)) finite = false;
  energy += ch[i]! * ch[i]!;
}
console.log(JSON.stringify({ ...measured, blocks, finite, energy }));
