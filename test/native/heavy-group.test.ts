/**
 * The plugin's engine applying a heavy op group (a new cab IR: a VFS entry) while a real-time thread
 * plays, as a DAW's audio thread does while the user picks another preset in the editor. The message
 * thread keeps the audio thread out of the engine for those milliseconds; the engine turns that gap into
 * a soft mute (the block before fades out, the block after fades in) instead of a cut.
 *
 * Runs native-host/test/EngineTest.cpp (GraphEngine + AudioEngine on the built engine bundles, no
 * plugin around them: JUCE's VST3 hosting holds the audio thread while it sets a plugin's state, so the
 * headless plugin host cannot show this). Input: a steady 110 Hz sine, so any cut shows as a step of the
 * signal's size against the steady signal's largest sample-to-sample step. Groups take ≈ 0.5–3 ms here, so
 * whether one overlaps a block is up to timing; a slow one is simulated by holding the audio thread out
 * 8 ms longer (NAMRIG_HEAVY_GROUP_HOLD_MS, diagnostics), with and without the soft mute
 * (NAMRIG_HEAVY_GROUP_HARD_CUT), which shows the measure seeing a cut. Also: model loads while playing
 * (light groups, built in steps on the audio thread), their blocks' processing time against the budget,
 * and what the audio isolate allocates per block once the loaded model plays.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAsync } from '../helpers/run-async.ts';
import { embedIr, embedModel, newPreset, presetToJson } from '../../src/preset/index.ts';
import { ENGINE_BUNDLES, ENGINE_TEST, ensureNativeBuild, ROOT } from './native-build.ts';

const build = ensureNativeBuild();
const dir = mkdtempSync(join(tmpdir(), 'nam-rig-heavy-'));

interface HeavyGroupReport {
  realtimePriority: boolean;
  pushUs: number;
  blocksNotRendered: number;
  silentBlocks: number;
  maxStepBefore: number;
  maxStepAfter: number;
  maxStepAroundChange: number;
  peakBefore: number;
  peakAfter: number;
}

/** One run; `holdMs` keeps the audio thread out that much longer (a slow group: blocks are then kept out for sure). */
async function play(hardCut: boolean, holdMs = 0): Promise<HeavyGroupReport> {
  const env = { ...process.env };
  delete env['NAMRIG_HEAVY_GROUP_HARD_CUT'];
  delete env['NAMRIG_HEAVY_GROUP_HOLD_MS'];
  if (hardCut) env['NAMRIG_HEAVY_GROUP_HARD_CUT'] = '1';
  if (holdMs > 0) env['NAMRIG_HEAVY_GROUP_HOLD_MS'] = String(holdMs);
  const r = await runAsync(ENGINE_TEST, ['--engine', ENGINE_BUNDLES, '--from', join(dir, 'from.json'), '--to', join(dir, 'to.json')], { cwd: ROOT, env, timeout: 120_000 });
  expect(r.status, r.stderr.slice(-2000)).toBe(0);
  return (JSON.parse(r.stdout) as { heavyGroupWhilePlaying: HeavyGroupReport }).heavyGroupWhilePlaying;
}

interface SwapsReport {
  realtimePriority: boolean;
  swaps: number;
  blocks: number;
  budgetUs: number;
  medianUs: number;
  p99Us: number;
  maxUs: number;
  overBudget: number;
  overHalfBudget: number;
  /** Blocks over the budget by the kind of garbage collection that ran in them. */
  overBudgetNoGc: number;
  overBudgetScavenge: number;
  overBudgetFullGc: number;
  scavenges: number;
  fullGcs: number;
  /** Blocks in which the audio thread waited on another thread (a voluntary context switch). */
  blocksThatWaited: number;
  /** Jobs V8 posted from the audio thread that it ran alone (RealtimePlatform), and the workers' scheduling. */
  realtimeJobs: number;
  workerPriority: string;
  /** From a second after the last load to the end (1.5 s): the audio isolate's allocation while playing. */
  steadyAfterLoads: { blocks: number; bytesPerBlock: number; scavenges: number; fullGcs: number; buildBlocks: number };
}

const steadyStep = (r: HeavyGroupReport): number => Math.max(r.maxStepBefore, r.maxStepAfter);

/** The engine's steady state after its loads: no build left, no GC, and (nearly) nothing allocated. */
function expectNoSteadyAllocation(s: SwapsReport): void {
  const steady = s.steadyAfterLoads;
  expect(steady.blocks).toBeGreaterThan(500);
  expect(steady.buildBlocks).toBe(0);
  expect(steady.scavenges + steady.fullGcs, JSON.stringify(steady)).toBe(0);
  // Measured: 0 bytes per block. The meter poll, left unoptimised, was 28; dropped re-optimised code, 8–12 KB.
  expect(steady.bytesPerBlock, JSON.stringify(steady)).toBeLessThan(8);
}

describe.skipIf(build.skipReason !== undefined)(`heavy op groups while playing${build.skipReason ? ` (skipped: ${build.skipReason})` : ''}`, () => {
  beforeAll(async () => {
    // From the default amp and the 4x12 cab to the clean-edge amp and the 2x12 cab: the group carries a
    // model (built in steps afterwards) and an IR (the heavy part).
    const preset = async (model: string, ir: string) =>
      presetToJson(
        newPreset({
          name: `${model} + ${ir}`,
          model: { embedded: await embedModel(readFileSync(join(ROOT, 'presets/models', model), 'utf8'), model) },
          ir: { embedded: await embedIr(new Uint8Array(readFileSync(join(ROOT, 'presets/irs', ir))), ir) },
        }),
      );
    writeFileSync(join(dir, 'from.json'), await preset('nam-rig-default.nam', 'nam-rig-4x12-v30.wav'));
    writeFileSync(join(dir, 'to.json'), await preset('nam-rig-clean-edge.nam', 'nam-rig-2x12-closed.wav'));
    // Model-only presets (no IR): light groups, each model built in steps on the audio thread.
    const modelOnly = async (model: string) =>
      presetToJson(newPreset({ name: model, model: { embedded: await embedModel(readFileSync(join(ROOT, 'presets/models', model), 'utf8'), model) }, ir: null }));
    writeFileSync(join(dir, 'model-a.json'), await modelOnly('nam-rig-default.nam'));
    writeFileSync(join(dir, 'model-b.json'), await modelOnly('nam-rig-clean-edge.nam'));
  });

  it('model loads while playing (12, one a second, built in steps after each block): blocks within the budget, GC planned around the steps', async () => {
    const r = await runAsync(ENGINE_TEST, ['--engine', ENGINE_BUNDLES, '--from', join(dir, 'model-a.json'), '--to', join(dir, 'model-b.json'), '--swaps', '12'], { cwd: ROOT, timeout: 120_000 });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const { slowBlocks, ...s } = (JSON.parse(r.stdout) as { modelSwapsWhilePlaying: SwapsReport & { slowBlocks: { us: number; gc: string; waited: boolean }[] } }).modelSwapsWhilePlaying;
    console.warn(`model loads while playing: ${JSON.stringify(s)}; slow blocks ${JSON.stringify(slowBlocks)}`);
    expect(s.swaps).toBe(12);
    expect(s.realtimePriority).toBe(true);
    expect(s.medianUs).toBeLessThan(s.budgetUs / 4);
    expect(s.p99Us).toBeLessThan(s.budgetUs);
    // Measured with the GC plan (AudioEngine, JsIsolate's flags): 0 blocks over the budget in 40 loads
    // (twice), 1 in 120; before it, 6 in 40 (4 a scavenge on a build step, 2 an atomic full GC). Two are
    // allowed here for a CI machine loaded by other tests (seen: a 2.68 ms construct step).
    expect(s.overBudget).toBeLessThanOrEqual(2);
    // The engine scavenges in a block of its own, holding the build step: a scavenge does not push a
    // block over; and V8's full GCs are incremental (≈ 1 ms final pause), not 2–4 ms atomic ones.
    expect(s.overBudgetScavenge + s.overBudgetFullGc).toBeLessThanOrEqual(1);
    // Every scavenge on the audio thread ran as a job of its own (RealtimePlatform), never waiting on
    // V8's normal-priority workers: measured with two CPU hogs, 0 blocks that waited in two runs, against
    // 2 and 7 with the jobs shared with the workers (NAMRIG_RT_JOBS_SHARED), one of them 6.3 ms long.
    expect(s.realtimeJobs).toBeGreaterThanOrEqual(s.scavenges);
    expect(slowBlocks.filter((b) => b.waited && b.us > s.budgetUs), 'blocks over the budget in which the audio thread waited on another thread').toEqual([]);
    expectNoSteadyAllocation(s);
  }, 180_000);

  it('allocates nothing per block once a loaded model plays: its re-optimised code is installed (two loads)', async () => {
    // A model install deoptimises the model's functions; V8 re-optimises them on a worker and asks the
    // audio thread, by an interrupt, to install the code. With a top-level v8::Locker per block
    // (NAMRIG_TOP_LEVEL_LOCKERS, the old behaviour) that request was dropped whenever it arrived between
    // blocks: measured 8–12 KB of garbage per block after one or two loads, a scavenge a second, against
    // 0 bytes now (JsIsolate keeps each thread's isolate state between its Lockers).
    const r = await runAsync(ENGINE_TEST, ['--engine', ENGINE_BUNDLES, '--from', join(dir, 'model-a.json'), '--to', join(dir, 'model-b.json'), '--swaps', '2'], { cwd: ROOT, timeout: 120_000 });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const s = (JSON.parse(r.stdout) as { modelSwapsWhilePlaying: SwapsReport }).modelSwapsWhilePlaying;
    console.warn(`after two loads: ${JSON.stringify(s.steadyAfterLoads)}`);
    expect(s.swaps).toBe(2);
    expectNoSteadyAllocation(s);
  }, 120_000);

  it('never stalls a build on its GC plan: with a young generation smaller than the step reserve every load still completes', async () => {
    // NAMRIG_V8_FLAGS (diagnostics) shrinks the young generation to 1 MB, below the 1 MB a step wants
    // free: each step then scavenges (holding itself one block) and then runs regardless.
    const env = { ...process.env, NAMRIG_V8_FLAGS: '--min-semi-space-size=1 --max-semi-space-size=1' };
    const r = await runAsync(ENGINE_TEST, ['--engine', ENGINE_BUNDLES, '--from', join(dir, 'model-a.json'), '--to', join(dir, 'model-b.json'), '--swaps', '4'], { cwd: ROOT, env, timeout: 120_000 });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const s = (JSON.parse(r.stdout) as { modelSwapsWhilePlaying: SwapsReport & { buildSteps: Record<string, { blocks: number }> } }).modelSwapsWhilePlaying;
    expect(s.swaps).toBe(4);
    expect(s.buildSteps['install']?.blocks, JSON.stringify(s.buildSteps)).toBe(4);
    expect(s.scavenges).toBeGreaterThan(4);
  }, 120_000);

  it("fades out and back in around the group: no step of the signal's size, three runs out of three", async () => {
    for (let run = 0; run < 3; run++) {
      const r = await play(false);
      console.log(`soft mute run ${run}: ${JSON.stringify(r)}`);
      expect(r.realtimePriority).toBe(true);
      // The new preset is what plays afterwards (its level differs), and the sine was heard before.
      expect(r.peakBefore).toBeGreaterThan(0.01);
      expect(Math.abs(r.peakAfter - r.peakBefore) / r.peakBefore).toBeGreaterThan(0.05);
      expect(r.maxStepAroundChange, JSON.stringify(r)).toBeLessThan(5 * steadyStep(r));
    }
  }, 300_000);

  it('a slow group (held 8 ms longer) keeps blocks out: with the soft mute no step of the signal\'s size; without it, a cut the same measure sees', async () => {
    // A fade leaves the small transient of the input the engine did not hear (measured ≈ 1.3–2.5× the
    // steady step); a cut is a step of the signal's size (measured ≈ 55×).
    const soft = await play(false, 8);
    const hard = await play(true, 8);
    console.log(`held 8 ms: soft ${JSON.stringify(soft)}; hard cut ${JSON.stringify(hard)}`);
    expect(soft.blocksNotRendered).toBeGreaterThanOrEqual(2);
    expect(hard.blocksNotRendered).toBeGreaterThanOrEqual(2);
    expect(soft.maxStepAroundChange, JSON.stringify(soft)).toBeLessThan(5 * steadyStep(soft));
    expect(hard.maxStepAroundChange, JSON.stringify(hard)).toBeGreaterThan(10 * steadyStep(hard));
  }, 300_000);
});
