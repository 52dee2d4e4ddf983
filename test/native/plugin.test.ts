/**
 * The VST3 plugin in a headless JUCE host (native-host/test/TestHost.cpp), against `nam-rig render`:
 * the same preset (standard WaveNet model from ../shared, a cab IR, non-default knobs) rendered by the
 * CLI and by the plugin, whose state is that preset and one knob of which is then set through the host's
 * parameter API (the CLI gets the same knob as a flag). Checks, from the host's JSON report:
 * output equal within 1e-6 at blocks of 32, 128, 1024 and irregular sizes, stereo input summed, a
 * state save/restore round trip, bypass, latency (0 at the model's rate, > 0 when resampling), the
 * generated parameters, and per-block timing over 60 s of audio paced in real time at 128 / 48 kHz.
 * A model swap while audio runs (state restored between blocks; the model is built in steps on the audio
 * thread while the old one plays): no silent block, bounded block time, then the new model's render.
 * Host automation set on a real-time paced audio thread: how soon each change is heard.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { runAsync } from '../helpers/run-async.ts';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav, mixToMono } from '../../src/dsp/io/wav-read.ts';
import { embedIr, embedModel, newPreset, presetToJson } from '../../src/preset/index.ts';
import { paramIndex } from '../../src/dsp/rig/registry.ts';
import { MODELS_DIR, SHARED } from '../helpers/fixtures.ts';
import { ensureNativeBuild, ROOT, TEST_HOST, VST3_BUNDLE } from './native-build.ts';

const build = ensureNativeBuild();
const dir = mkdtempSync(join(tmpdir(), 'nam-rig-plugin-'));
const DI = join(SHARED, 'di', 'jazz-hop-guitar.wav');
/** The standard model (WaveNet, 13,802 weights) at 48 kHz. */
const MODEL = join(MODELS_DIR, 'ampeg.nam');
const IR = join(ROOT, 'presets', 'irs', 'nam-rig-4x12-v30.wav');
const PRESET_PARAMS = { 'input.gain': 2, 'gate.threshold': -62, 'tone.bass': 6.5, 'tone.mid': 4, 'output.gain': -3 };
/** Set through the host after the state is restored (values exact in float32, as host parameters are). */
const HOST_PARAM = { id: 'tone.treble', value: 7.5 };
const TIMING_SECONDS = 60;
/** The model swap: the standard model, then another WaveNet (no IR, so the swap is only the model). */
const SWAP_TO_MODEL = join(MODELS_DIR, 'jc.nam');

const writeF32 = (path: string, x: Float32Array): void => writeFileSync(path, new Uint8Array(x.buffer, x.byteOffset, x.byteLength));

interface HostReport {
  plugin: string;
  match: { block: number; maxAbsError: number; channelsEqual: boolean; latency: number }[];
  irregularMaxAbsError: number;
  stereoInMaxAbsError: number;
  state: { bytes: number; isPreset: boolean; paramsEqual: boolean; restoredMaxAbsError: number };
  hasBypassParameter: boolean;
  bypassMaxAbsError: number;
  latencyAt44100: number;
  parameterNames: string[];
  modelSwap: {
    swapBlock: number;
    silentBlocks: number;
    quietestEnergyRatio: number;
    setStateUs: number;
    maxBlockUsAfterSwap: number;
    overBudgetAfterSwap: number;
    medianBlockUsAfterSwap: number;
    maxBlockUsBeforeSwap: number;
    blockUsFromSwap: number[];
    tailFromSample: number;
    tailMaxAbsError: number;
  };
  /** Host automation set on the audio thread (output.gain ±12 dB, 8 changes), paced in real time. */
  automation: { realtimePriority: boolean; changes: number; latencyMs: number[]; worstMs: number };
  timing: {
    block: number;
    rate: number;
    seconds: number;
    budgetUs: number;
    medianUs: number;
    p99Us: number;
    p999Us: number;
    maxUs: number;
    maxAtBlock: number;
    firstBlockUs: number;
    maxAfterFirstUs: number;
    /** The load phase before the timed run (the state's model built in steps while the old one plays). */
    settleBlocks: number;
    settleMaxUs: number;
    settleOverBudget: number;
    overBudget: number;
    realtimePriority: boolean;
    /** A fixed ≈ 200 µs pure C++ workload timed right after each block: it shows the machine's own stalls. */
    control: { medianUs: number; p999Us: number; maxUs: number };
    /** The audio thread's CPU time per block (its own work, V8's GC on it included; steal time excluded). */
    cpu: { medianUs: number; p999Us: number; maxUs: number };
    /** Every block over the budget, with the thread's accounts for it (the first 100). */
    overBudgetBlocks: { block: number; wallUs: number; cpuUs: number; waits: number; preemptions: number; majorFaults: number; controlUs: number }[];
    blocksThatWaited: number;
    blocksPreempted: number;
    blocksWithMajorFaults: number;
  };
}

let report: HostReport;

describe.skipIf(build.skipReason !== undefined)(`native plugin in a headless host${build.skipReason ? ` (skipped: ${build.skipReason})` : ''}`, () => {
  beforeAll(async () => {
    const modelText = readFileSync(MODEL, 'utf8');
    const preset = newPreset({
      name: 'plugin test',
      model: { embedded: await embedModel(modelText, 'ampeg.nam') },
      ir: { embedded: await embedIr(new Uint8Array(readFileSync(IR)), 'nam-rig-4x12-v30.wav') },
      params: PRESET_PARAMS,
    });
    const presetPath = join(dir, 'preset.json');
    writeFileSync(presetPath, presetToJson(preset));
    const input = mixToMono(decodeWav(new Uint8Array(readFileSync(DI))).channels);
    writeF32(join(dir, 'input.f32'), input);

    // The swap: two presets without an IR (so restoring the second changes only the model), and the CLI's
    // render of the second.
    const swapPreset = async (path: string, name: string): Promise<string> => {
      const p = newPreset({ name, model: { embedded: await embedModel(readFileSync(path, 'utf8'), name) }, ir: null, params: PRESET_PARAMS });
      const file = join(dir, `swap-${name}.json`);
      writeFileSync(file, presetToJson(p));
      return file;
    };
    const swapFrom = await swapPreset(MODEL, 'ampeg.nam');
    const swapTo = await swapPreset(SWAP_TO_MODEL, 'jc.nam');
    const swapRefWav = join(dir, 'swap-ref.wav');
    const swapCli = spawnSync(process.execPath, [join(ROOT, 'bin/nam-rig.mjs'), 'render', DI, swapRefWav, '--preset', swapTo], { cwd: ROOT, encoding: 'utf8' });
    expect(swapCli.status, swapCli.stderr).toBe(0);
    writeF32(join(dir, 'swap-ref.f32'), decodeWav(new Uint8Array(readFileSync(swapRefWav))).channels[0]!);

    const refWav = join(dir, 'ref.wav');
    const cli = spawnSync(process.execPath, [join(ROOT, 'bin/nam-rig.mjs'), 'render', DI, refWav, '--preset', presetPath, `--${HOST_PARAM.id}=${HOST_PARAM.value}`], { cwd: ROOT, encoding: 'utf8' });
    expect(cli.status, cli.stderr).toBe(0);
    writeF32(join(dir, 'ref.f32'), decodeWav(new Uint8Array(readFileSync(refWav))).channels[0]!);

    const host = await runAsync(
      TEST_HOST,
      ['--plugin', VST3_BUNDLE, '--input', join(dir, 'input.f32'), '--state', presetPath, '--reference', join(dir, 'ref.f32'), '--param', `${HOST_PARAM.id}=${HOST_PARAM.value}`, '--rate', '48000', '--blocks', '32,128,1024', '--preroll', '24000', '--timing-seconds', String(TIMING_SECONDS), '--timing-block', '128', '--swap-from', swapFrom, '--swap-to', swapTo, '--swap-reference', join(dir, 'swap-ref.f32'), '--automation', '1'],
      { cwd: ROOT, timeout: 10 * 60_000 },
    );
    expect(host.status, `test host failed: ${host.stderr.slice(-3000)}`).toBe(0);
    report = JSON.parse(host.stdout) as HostReport;
    writeFileSync(join(dir, 'report.json'), host.stdout);
    console.log(`plugin test host report (${dir}/report.json): match ${report.match.map((m) => `${m.block}:${m.maxAbsError.toExponential(2)}`).join(' ')}; timing ${JSON.stringify(report.timing)}; model swap ${JSON.stringify(report.modelSwap)}`);
  }, 20 * 60_000);

  it('renders what `nam-rig render` renders for the same preset, within 1e-6, at blocks of 32, 128 and 1024', () => {
    expect(report.match.map((m) => m.block)).toEqual([32, 128, 1024]);
    for (const m of report.match) {
      expect(m.maxAbsError, `block ${m.block}`).toBeLessThan(1e-6);
      expect(m.channelsEqual, `block ${m.block}: both output channels carry the mono rig`).toBe(true);
      expect(m.latency, 'no latency at the model rate').toBe(0);
    }
  });

  it('splits and joins irregular host blocks (1 sample up to more than the prepared maximum) without changing the output', () => {
    expect(report.irregularMaxAbsError).toBeLessThan(1e-6);
  });

  it('sums a stereo input', () => {
    expect(report.stereoInMaxAbsError).toBeLessThan(1e-6);
  });

  it('saves its state as a self-contained preset that restores the same sound and parameters in a fresh instance', () => {
    expect(report.state.isPreset).toBe(true);
    expect(report.state.paramsEqual).toBe(true);
    expect(report.state.restoredMaxAbsError).toBeLessThan(1e-6);
  });

  it('has a host bypass parameter that crossfades to the dry input', () => {
    expect(report.hasBypassParameter).toBe(true);
    expect(report.bypassMaxAbsError).toBeLessThan(1e-6);
  });

  it('reports the resampler latency when the host rate differs from the model rate', () => {
    expect(report.latencyAt44100).toBeGreaterThan(0);
    expect(report.latencyAt44100).toBeLessThan(256);
  });

  it('exposes every rig knob of the registry as a host parameter, plus bypass', () => {
    expect(report.parameterNames.length).toBe(paramIndex().length + 1);
    expect(report.parameterNames).toContain('Bypass');
    expect(report.parameterNames).toContain('Tone stack Bass');
  });

  it('swaps the model while audio runs without a silent block, the old model playing during the stepped build, then renders as the new model', () => {
    const s = report.modelSwap;
    expect(s.silentBlocks, 'blocks of exact silence around the swap').toBe(0);
    // The crossfade is between two amps of similar loudness: no block drops far below the new model's level.
    expect(s.quietestEnergyRatio).toBeGreaterThan(0.05);
    // The build's steps run after the blocks' audio, one per block: the blocks carrying them (the first
    // after the swap also decodes the op) stay well within the real-time budget (128 / 48 kHz). The worst
    // block is reported, and only the engine's rare stalls (see the timing test) may exceed the budget.
    // (This run is not paced in real time nor on a real-time thread — the state is restored on the host's
    // message thread — so only the median is asserted; the figures are reported.)
    const budget = (1e6 * 128) / 48000;
    expect(s.medianBlockUsAfterSwap).toBeLessThan(budget / 2);
    console.warn(`model swap: blocks from the swap ${s.blockUsFromSwap.map((v) => v.toFixed(0)).join(' ')} µs; worst of the 400 after ${s.maxBlockUsAfterSwap.toFixed(0)} µs (${s.overBudgetAfterSwap} over budget), before ${s.maxBlockUsBeforeSwap.toFixed(0)} µs`);
    expect(s.tailMaxAbsError).toBeLessThan(1e-5);
  });

  it('plays host automation set on the audio thread within a few blocks (a parameter-sync thread, not the 30 Hz timer)', () => {
    const a = report.automation;
    console.warn(`automation latency (set on the audio thread → level moved 1 dB): ${a.latencyMs.map((v) => v.toFixed(1)).join(', ')} ms`);
    expect(a.realtimePriority).toBe(true);
    expect(a.changes).toBe(8);
    // Every change was heard (-1: its level never moved within half a second).
    for (const ms of a.latencyMs) expect(ms).toBeGreaterThan(0);
    // Measured 8.0 ms for every change: the block that carries it, the next one (where the op arrives)
    // and the 20 ms level smoother's first millisecond. Through the 30 Hz timer alone (the sync thread
    // disabled) the same run gave 8–37 ms, worst 37 ms. 16 ms leaves room for a loaded CI machine.
    expect(a.worstMs).toBeLessThanOrEqual(16);
  });

  it(`processes 128-sample blocks at 48 kHz within the real-time budget over ${TIMING_SECONDS} s of audio: median, p99.9, and every block but the VM's rare stalls`, () => {
    const t = report.timing;
    const blocks = Math.round((t.seconds * t.rate) / t.block);
    expect(t.seconds).toBeGreaterThanOrEqual(TIMING_SECONDS);
    expect(t.budgetUs).toBeCloseTo((1e6 * 128) / 48000, 3);
    expect(t.realtimePriority).toBe(true);
    expect(t.medianUs).toBeLessThan(t.budgetUs / 4);
    expect(t.p999Us).toBeLessThan(t.budgetUs / 2);
    // Every block of the timed run (after the 1 s in which the preset's model finished its stepped build,
    // reported as the load phase below) takes no longer than the budget, unless the time was lost outside
    // the process: a block over the budget in which the thread waited on another thread (a lock, a V8
    // worker: the plugin's doing) or faulted to disk fails. The audio thread's CPU time per block is no
    // proof on this VM: a stall of its virtual CPU is charged to the running thread as CPU time (the
    // kernel reports no steal: /proc/stat's steal stayed ≈ 0). Measured: a 5.2 ms block with 5.2 ms of
    // thread CPU time in a run where perf (cpu-clock, 4 kHz) sampled no block of the audio thread on the
    // CPU for more than 1.75 ms; the CI run on 59a62db failed on one such block (6.9 ms, no waits). So
    // at most 2 blocks in the run (≈ 1 in 10,000) may be over the budget with neither waits nor faults;
    // they are reported, and the p99.9 above bounds the rest.
    const stalled = `control (≈ 200 µs of pure C++ after each block): median ${t.control.medianUs.toFixed(0)} µs, max ${t.control.maxUs.toFixed(0)} µs`;
    const own = t.overBudgetBlocks.filter((b) => b.waits > 0 || b.majorFaults > 0);
    expect(own, `blocks over the budget through the plugin's own doing; ${stalled}`).toEqual([]);
    expect(t.overBudgetBlocks.length, `blocks over the budget: ${JSON.stringify(t.overBudgetBlocks)}; ${stalled}`).toBeLessThanOrEqual(2);
    expect(t.settleBlocks).toBe(Math.ceil((1 * t.rate) / t.block));
    console.warn(
      `timing: median ${t.medianUs.toFixed(0)} µs, p99.9 ${t.p999Us.toFixed(0)} µs, worst ${t.maxUs.toFixed(0)} µs of ${blocks} blocks (budget ${t.budgetUs.toFixed(0)} µs); ` +
        `load phase (model built in steps): worst ${t.settleMaxUs.toFixed(0)} µs, ${t.settleOverBudget} of ${t.settleBlocks} over; ${stalled}; ` +
        `CPU time per block: median ${t.cpu.medianUs.toFixed(0)} µs, p99.9 ${t.cpu.p999Us.toFixed(0)} µs, worst ${t.cpu.maxUs.toFixed(0)} µs; ` +
        `blocks that waited ${t.blocksThatWaited}, preempted ${t.blocksPreempted}, with major faults ${t.blocksWithMajorFaults}; ` +
        `over the budget, the CPU taken away: ${JSON.stringify(t.overBudgetBlocks)}`,
    );
  });
});
