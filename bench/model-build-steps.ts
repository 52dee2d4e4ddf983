/**
 * Time of each step of a stepped model build (src/dsp/nam/model-build-job.ts) against the 2.67 ms
 * render quantum (128 samples at 48 kHz), next to the one-shot `createNamModel`:
 *
 *   node --experimental-wasm-relaxed-simd bin/run-ts.mjs bench/model-build-steps.ts
 *
 * Not a test (the bounds are asserted structurally in test/engine/model-build-job.test.ts): it prints,
 * per model, the step count and the slowest step of each phase, for the first build in a fresh
 * process (cold JIT, what a worklet's first swap sees) and over later builds (median, p95, max).
 * `--warm-up` runs the host's start-up warm-up first (what the worklet does before its first quantum).
 * Like the web app, the arena is sized first (`measureArenaBytes`: on the main thread there, timed
 * here as "main thread"), so the job starts at its memory step.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseNam, createNamModel, type NamFile } from '../src/dsp/nam/index.ts';
import { measureArenaBytes, ModelBuildJob, type BuildPhase } from '../src/dsp/nam/model-build-job.ts';
import { warmUpModelCode } from '../src/dsp/nam/warm-up-models.ts';

const QUANTUM_MS = (128 / 48000) * 1000;
const REF = resolve(import.meta.dirname, '../../shared/fixtures/reference');
const MODELS: [string, string][] = [
  ['default (presets)', resolve(import.meta.dirname, '../presets/models/nam-rig-default.nam')],
  ['wavenet_standard', join(REF, 'wavenet_standard/model.nam')],
  ['core_A2 (container)', join(REF, 'core_A2/model.nam')],
  ['core_wavenet_a2_max', join(REF, 'core_wavenet_a2_max/model.nam')],
  ['lstm_2x16', join(REF, 'lstm_2x16/model.nam')],
  ['convnet_bn', join(REF, 'convnet_bn/model.nam')],
  ['ac10 (shared model)', resolve(import.meta.dirname, '../../shared/fixtures/models/ac10.nam')],
];
const RUNS = 20;

interface StepTimes {
  steps: number;
  /** Per phase: wall ms of each step. */
  wall: Map<BuildPhase, number[]>;
  /** Main-thread work before the job: parse-free sizing (`measureArenaBytes`), ms. */
  sizing: number[];
}

function timeJob(file: NamFile, into?: StepTimes): StepTimes {
  const t: StepTimes = into ?? { steps: 0, wall: new Map(), sizing: [] };
  const s0 = performance.now();
  const arenaBytes = measureArenaBytes(file, { maxBlockSize: 128 });
  t.sizing.push(performance.now() - s0);
  const job = new ModelBuildJob(file, { maxBlockSize: 128, arenaBytes });
  while (!job.finished) {
    const phase = job.phase;
    const a = performance.now();
    job.step();
    const ms = performance.now() - a;
    if (!t.wall.has(phase)) t.wall.set(phase, []);
    t.wall.get(phase)!.push(ms);
  }
  if (job.error) throw job.error;
  t.steps = job.steps;
  return t;
}

const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
const q = (xs: number[], p: number): number => sorted(xs)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const all = (m: Map<BuildPhase, number[]>): number[] => [...m.values()].flat();

// --warm-up: first run the warm-up a real-time host runs at start (RigAudio.warmUp), as the worklet does.
if (process.argv.includes('--warm-up')) {
  const t = performance.now();
  warmUpModelCode({ maxBlockSize: 128 });
  console.log(`warm-up (tiny LSTM, ConvNet, Linear built and run): ${(performance.now() - t).toFixed(1)} ms`);
}
console.log(`quantum: ${QUANTUM_MS.toFixed(2)} ms (128 samples at 48 kHz); times in ms; machine shared, so wall maxima include preemption\n`);
for (const [name, path] of MODELS) {
  const file = parseNam(readFileSync(path, 'utf8'));
  const cold = timeJob(file);
  const warm: StepTimes = { steps: 0, wall: new Map(), sizing: [] };
  const oneShot: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    timeJob(file, warm);
    const a = performance.now();
    createNamModel(file, { maxBlockSize: 128 });
    oneShot.push(performance.now() - a);
  }
  const coldMax = Math.max(...all(cold.wall));
  const w = all(warm.wall);
  console.log(
    `${name}: ${cold.steps} steps. Slowest step: first build ${coldMax.toFixed(3)} (${((100 * coldMax) / QUANTUM_MS).toFixed(0)}% of a quantum); ` +
      `later builds: step median ${q(w, 0.5).toFixed(3)}, p95 ${q(w, 0.95).toFixed(3)}, max ${Math.max(...w).toFixed(3)}. ` +
      `Main-thread sizing median ${q(warm.sizing, 0.5).toFixed(3)}. One-shot createNamModel median ${q(oneShot, 0.5).toFixed(3)}`,
  );
  const phases = [...warm.wall.keys()];
  console.log(`   per phase, first build max | later builds median / max (wall):  ${phases.map((p) => `${p} ${Math.max(...cold.wall.get(p)!).toFixed(3)} | ${q(warm.wall.get(p)!, 0.5).toFixed(3)} / ${Math.max(...warm.wall.get(p)!).toFixed(3)}`).join(';  ')}`);
}
