/**
 * Child-process probe for the rig engine's allocation test: a RigController (default model, an IR
 * loaded, meters in the graph) at RATE, warmed up, then `blocks` blocks of RigEngine.process while
 * counting GCs and heap growth (`measureSteadyAllocation`). Prints one JSON line.
 * METERS: how the meters are read every 12 blocks (the plugin's ~30 Hz at 128 / 48 kHz): `none` (default),
 * `peaks` (`readMeterPeaks`, the plugin's audio isolate) or `poll` (`pollMeters`, which allocates).
 * Run: node --expose-gc bin/run-ts.mjs test/engine/rig-alloc-probe.ts BLOCK BLOCKS RATE [METERS]
 */
import { readFileSync } from 'node:fs';
import { RigController } from '../../src/dsp/engine/rig-controller.ts';
import { DEFAULT_MODEL_PATH } from '../../src/cli/default-model.ts';
import { measureSteadyAllocation } from '../helpers/steady-allocation.ts';

const [blockArg, blocksArg, rateArg, metersArg] = process.argv.slice(2);
const meters = metersArg ?? 'none';
if (meters !== 'none' && meters !== 'peaks' && meters !== 'poll') throw new Error(`METERS must be none, peaks or poll, got ${meters}`);
const block = Number(blockArg);
const blocks = Number(blocksArg);
const rate = Number(rateArg ?? 48000);

const c = new RigController({ sampleRate: rate, maxBlockSize: block, model: readFileSync(DEFAULT_MODEL_PATH, 'utf8') });
const ir = new Float32Array(3000);
for (let i = 0; i < ir.length; i++) ir[i] = Math.exp(-i / 300) * Math.cos(i * 0.05);
c.loadIr(ir, rate);
const engine = c.engine;

const input = new Float32Array(block);
const output = new Float32Array(block);
const oscillator = new Float64Array(1);
const peaks = new Float32Array(2);
const counter = new Int32Array(1);
function runTen(): void {
  let phase = oscillator[0]!;
  for (let b = 0; b < 10; b++) {
    for (let i = 0; i < block; i++) {
      input[i] = 0.3 * Math.sin(phase);
      phase += 0.031;
    }
    engine.process(input, output, block);
    if (meters !== 'none' && ++counter[0]! % 12 === 0) {
      if (meters === 'peaks') engine.readMeterPeaks(peaks);
      else engine.pollMeters();
    }
  }
  oscillator[0] = phase;
}
// Long enough for the meter path (called every 12th block) to be optimised before the count starts.
for (let k = 0; k < (meters === 'none' ? 500 : 2500); k++) runTen();
engine.pollMeters();
const measured = await measureSteadyAllocation(runTen, blocks / 10);
let finite = true;
let energy = 0;
for (let i = 0; i < block; i++) {
  if (!Number.isFinite(output[i]!)) finite = false;
  energy += output[i]! * output[i]!;
}
console.log(JSON.stringify({ ...measured, blocks, finite, energy, peaks: Array.from(peaks) }));
