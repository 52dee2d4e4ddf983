/**
 * The plugin's audio side, as the audio V8 isolate runs it: a `RigAudio` (Elementary pre graph → NAM
 * model → Elementary post graph) behind fixed, JS-owned I/O buffers that the C++ host memcpys into and
 * out of, plus the bypass crossfade of the web app.
 *
 * Per block the host calls `process(n, bypass)` only: nothing is allocated there in steady state
 * (RigEngine.process allocates nothing; the buffers are created here once). Changes arrive as
 * `apply(text, resources)` (the graph isolate's `WireOps`, op-wire.ts) between blocks. A model op
 * arrives parsed (config + Float32 weights) and only starts a `ModelBuildJob` (the model's wasm memory
 * must live in this isolate); after each block's audio, `process` runs one bounded step of it while the
 * old model keeps playing, and the engine crossfades to the new one when it is ready.
 *
 * Answers for the graph side (a model loaded or failed, node ids freed by a gc op; audio-events.ts) are
 * queued as JSON texts: `process` returns how many wait, and the host takes them with `takeEvent`.
 * Meters: about 30 times a second `process` reads the engine's accumulated peaks (`readMeterPeaks`: `in`
 * after the input gain; it allocates nothing, unlike `pollMeters`, and leaves Elementary's bounded meter
 * queues undrained) and writes the peaks into `meters` ([in, out, sequence number]), which the host
 * reads without calling in (the dry input's peak when bypassed).
 */
import type { ElementaryModule } from '../elementary-runtime.ts';
import { RigAudio } from '../rig-audio.ts';
import { sidechainIds } from '../rig-graphs.ts';
import { BYPASS_FADE_S, crossfadeToDry } from '../worklet/bypass-crossfade.ts';
import { meterPollBlocks } from '../meter-poll.ts';
import { synthesizeDiClip } from '../../synth/karplus-strong.ts';
import { modelErrorEvent, prunedEvents, type AudioEvent } from './audio-events.ts';
import { decodeOps, type EngineWireOp, type ModelOp } from './op-wire.ts';

/** Meter polls `warmUpMeters` runs: well past V8's threshold for optimising a small function. */
const METER_WARM_UP_POLLS = 20_000;

/** The build steps `buildState[1]` names (index + 1): `ModelBuildJob`'s phases, then the install. */
export const BUILD_STEPS = ['size', 'memory', 'construct', 'pack', 'reset', 'prewarm', 'install'] as const;

/** How often the meters are read, Hz (the UI's meter rate). */
const METER_HZ = 30;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim() || 'unknown error';

export class NativeRigAudio {
  readonly sampleRate: number;
  readonly maxBlockSize: number;
  /** The host writes each block's mono input here (samples 0..n). */
  readonly input: Float32Array;
  /** The host reads each block's output from here. */
  readonly output: Float32Array;
  private readonly audio: RigAudio;
  private readonly module: ElementaryModule;
  /** [input peak, output peak, sequence number]: rewritten at each meter poll (the host reads it). */
  readonly meters = new Float32Array(3);
  /**
   * [model build: 0 none, 2 just begun (no step run yet), 1 under way; the build step the latest block
   * ran, as an index into BUILD_STEPS plus one, 0 for none]. The host reads it without calling in: to
   * plan its garbage collections around the build's steps (a model op applied before a block begins a
   * build), to give the op's decoding and the first step separate blocks, and to time the steps
   * (diagnostics).
   */
  readonly buildState = new Int32Array(2);
  /** The engine's [in, out] peaks at each meter reading (`RigEngine.readMeterPeaks`). */
  private readonly peaks = new Float32Array(2);
  private mix = 1;
  private readonly mixStep: number;
  private readonly meterEvery: number;
  private blocks = 0;
  private dryPeak = 0;
  private readonly events: string[] = [];
  /** Id (`ModelOp.seq`) of the model whose stepped build is under way. */
  private buildingSeq = -1;
  /** The latest block held its build step because it applied graph changes (`process`). */
  private heldForOps = false;
  /** The longest event text the host takes (`takeEvent`'s limit; it sizes the pruned chunks). */
  private eventChars = 16_384;

  constructor(module: ElementaryModule, sampleRate: number, maxBlockSize: number) {
    this.sampleRate = sampleRate;
    this.maxBlockSize = maxBlockSize;
    this.module = module;
    this.audio = new RigAudio({ sampleRate, maxBlockSize, sidechains: sidechainIds().length, module });
    this.input = new Float32Array(maxBlockSize);
    this.output = new Float32Array(maxBlockSize);
    this.mixStep = 1 / (BYPASS_FADE_S * sampleRate);
    this.meterEvery = Math.max(1, meterPollBlocks(sampleRate, maxBlockSize, METER_HZ));
    // Stored twice on purpose: V8 then tracks these fields as mutable from the start. While a field holds
    // one value only, optimised code may embed it as a constant, and its first change (a host's first
    // model load) deoptimised the whole optimised block path in the middle of that load.
    this.buildingSeq = 0;
    this.buildingSeq = -1;
    this.heldForOps = true;
    this.heldForOps = false;
  }

  /**
   * Renders `n` (≤ maxBlockSize) samples of `input` into `output`; bypass crossfades to the dry input.
   * Then one step of a model build under way, unless `holdBuild` (the host collects garbage in this
   * block instead: a collection and a build step never share a block) or the block applied graph
   * changes first. Returns how many events wait
   * for `takeEvent`.
   */
  process(n: number, bypass: boolean, holdBuild = false): number {
    const engine = this.audio.engine;
    const appliesOps = engine.pendingOps > 0;
    engine.process(this.input, this.output, n);
    const target = bypass ? 0 : 1;
    if (this.mix !== 1 || target !== 1) this.mix = crossfadeToDry(this.input, this.output, n, this.mix, target, this.mixStep);
    if (bypass) {
      let p = this.dryPeak;
      for (let i = 0; i < n; i++) p = Math.max(p, Math.abs(this.input[i]!));
      this.dryPeak = p;
    }
    if (engine.collectedCount > 0) this.queueCollected();
    if (++this.blocks >= this.meterEvery) {
      this.blocks = 0;
      this.pollMeters(bypass);
    }
    // This block's audio is out: one bounded step of a model build.
    const step = this.audio.nextBuildStep;
    // Nor in a block that applied graph changes first (a preset's new graph, its IR's convolver: they
    // and a step together took 2 ms of a 2.7 ms block), but at most every other block, so a stream of
    // changes (automation) cannot stall a load.
    const holdForOps = step !== null && !holdBuild && appliesOps && !this.heldForOps;
    this.heldForOps = holdForOps;
    const runs = step !== null && !holdBuild && !holdForOps;
    if (runs) this.stepModel();
    if (runs || !this.audio.building) this.buildState[0] = this.audio.building ? 1 : 0;
    this.buildState[1] = runs ? BUILD_STEPS.indexOf(step) + 1 : 0;
    return this.events.length;
  }

  /** The oldest waiting event as JSON (at most `maxChars` long), or '' when none waits. */
  takeEvent(maxChars: number): string {
    this.eventChars = maxChars;
    return this.events.shift() ?? '';
  }

  /**
   * Queues one `WireOps` group on the engine (applied at the start of the next `process`). A model op
   * starts a stepped build (or builds at once when `immediate`); a build still under way is dropped.
   */
  apply(text: string, resources: readonly Float32Array[]): void {
    const ops = decodeOps(text, resources);
    for (let i = 0; i < ops.length; i++) this.applyOp(ops[i]!);
  }

  /**
   * Applies the graph changes `apply` queued now, instead of at the start of the next `process`: the
   * host calls it after a heavy group, while it keeps the audio thread out anyway, so a new graph's
   * instructions (a new IR's convolver is built there) do not land in the next block.
   */
  flushOps(): void {
    this.audio.engine.flush();
  }

  private applyOp(op: EngineWireOp): void {
    if (op.kind !== 'model') {
      this.audio.apply([op]);
      return;
    }
    if (op.immediate === true) {
      // A fresh engine: nobody awaits an answer; a model that does not build throws (the host reports it).
      this.audio.beginModel(op.file, op.arenaBytes);
      this.buildingSeq = -1;
      for (;;) {
        const outcome = this.audio.stepModel();
        if (outcome === null) continue;
        if (!outcome.ok) throw outcome.error;
        return;
      }
    }
    this.audio.beginModel(op.file, op.arenaBytes);
    this.buildingSeq = op.seq;
    this.buildState[0] = 2;
  }

  private stepModel(): void {
    const outcome = this.audio.stepModel();
    if (outcome === null) return;
    const seq = this.buildingSeq;
    this.buildingSeq = -1;
    this.push(outcome.ok ? { type: 'loaded', seq, latency: this.audio.engine.latencySamples } : modelErrorEvent(seq, message(outcome.error), this.eventChars));
  }

  private queueCollected(): void {
    const groups = this.audio.engine.takeCollected();
    for (let g = 0; g < groups.length; g++) {
      const events = prunedEvents(groups[g]!.target, groups[g]!.ids, this.eventChars);
      for (let i = 0; i < events.length; i++) this.push(events[i]!);
    }
  }

  private push(e: AudioEvent): void {
    this.events.push(JSON.stringify(e));
  }

  private pollMeters(bypass: boolean): void {
    const peaks = this.peaks;
    this.audio.engine.readMeterPeaks(peaks); // allocates nothing (pollMeters would, ~0.7 ms a call in V8 10.2)
    const dry = this.dryPeak;
    this.dryPeak = 0;
    this.meters[0] = bypass ? dry : Math.max(dry, peaks[0]!, 0);
    this.meters[1] = bypass ? dry : Math.max(dry, peaks[1]!, 0);
    this.meters[2] = (this.meters[2]! + 1) % 1_000_000;
  }

  /** Builds and runs tiny models of each stepped-build architecture (`RigAudio.warmUp`): call before real time. */
  warmUpModels(): void {
    this.audio.warmUp();
  }

  /**
   * Polls the meters until V8 optimises the poll: call before real time, after blocks of signal have run
   * (the host's warm-up), so the peak trackers' fields have taken every kind of value they will hold and
   * no later store undoes the optimised code. The poll runs about 30 times a second, too rarely for V8
   * to optimise it within a minute of playing, and unoptimised code boxes its doubles (measured in the
   * plugin: 28 bytes of garbage per block). The meters then read 0 until the next poll.
   */
  warmUpMeters(): void {
    for (let i = 0; i < METER_WARM_UP_POLLS; i++) this.pollMeters(i % 2 === 0);
    this.dryPeak = 0;
    this.meters[0] = 0;
    this.meters[1] = 0;
  }

  /** Added latency in samples at the host's rate (0 unless the model runs at another rate). */
  latencySamples(): number {
    return this.audio.engine.latencySamples;
  }

  /** Which kernels the playing model runs on (`simd`, `relaxed-simd`, `js`), or '' before one. */
  kernels(): string {
    return this.audio.model?.kernels ?? '';
  }

  /**
   * Compiles the code paths real input takes (gate opening, the model's nonlinear range) and real use
   * takes (stepped model loads, gc ops, bypass) before real time starts, without touching this engine's
   * state: a scratch `NativeRigAudio` on the same Elementary module gets the same op group as this
   * engine got first (`text`, `resources`: graphs and model), plays `blocks` blocks of a synthetic guitar
   * DI (Karplus-Strong plucks) through `process`, loading the model again in steps every 250 blocks, and
   * is disposed. V8's type feedback and optimised code are per function, so this engine then runs what
   * the scratch one compiled. A path first taken in real time deoptimises the optimised block path
   * there (`--trace-deopt` in the plugin: the gc answers' path at a host's first load).
   * Allocates (a whole second rig): call it from the host's warm-up, never per block.
   */
  warmUpWithSignal(blocks: number, text: string, resources: readonly Float32Array[]): void {
    const scratch = new NativeRigAudio(this.module, this.sampleRate, this.maxBlockSize);
    let model: ModelOp | null = null;
    for (const op of decodeOps(text, resources)) {
      if (op.kind === 'model') model = op;
      // Stepped, as real loads are (the blocks below run the build), so the build steps compile too.
      scratch.applyOp(op.kind === 'model' ? { ...op, immediate: false } : op);
    }
    const clip = synthesizeDiClip({ sampleRate: this.sampleRate, seconds: 2, seed: 7 });
    const n = this.maxBlockSize;
    const x = scratch.input;
    for (let b = 0, at = 0; b < blocks; b++) {
      for (let i = 0; i < n; i++, at++) x[i] = clip[at % clip.length]!;
      // Model swaps while playing (a stepped build after each block, then the crossfade), as a real
      // load, each with its own id; a gc op now and then; a stretch bypassed.
      if (model !== null && b % 250 === 100) scratch.applyOp({ ...model, seq: b, immediate: false });
      if (b % 250 === 200) scratch.audio.engine.enqueueGc('post');
      scratch.process(n, b % 500 >= 400 && b % 500 < 450, b % 7 === 3);
      while (scratch.events.length > 0) scratch.takeEvent(scratch.eventChars);
    }
    scratch.audio.engine.dispose();
  }

  /** Runs `blocks` silent blocks (the host's warm-up, so code is compiled before real time starts). */
  warmUp(blocks: number): void {
    this.input.fill(0);
    for (let i = 0; i < blocks; i++) this.process(this.maxBlockSize, false);
  }
}
