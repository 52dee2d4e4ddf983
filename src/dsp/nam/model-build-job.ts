/**
 * A NAM model built in small, bounded steps, so a real-time host can build one between audio blocks
 * while the old model keeps playing (AudioWorklet, plugin audio thread):
 *
 *   const job = new ModelBuildJob(file, { maxBlockSize: 128 });   // file: parseNam(...) done elsewhere
 *   // after each block's audio:
 *   if (!job.finished) job.step();
 *   if (job.model) … swap it in (crossfade) …;  if (job.error) … report it …
 *
 * The steps (SIMD kernels; the phase each step did is `lastStep.phase`):
 *   size       the sizing build (`countingCompute`: layer objects only, no packing); skipped when
 *              `arenaBytes` is given (measured elsewhere with `measureArenaBytes`);
 *   memory     the model's WebAssembly.Memory and the kernel instance on it;
 *   construct  the real build: layer objects and buffer views, weight packing deferred (`Compute.defer`),
 *              in units (`buildDspSteps`: a WaveNet layer is one), at most `constructUnitsPerStep` per step;
 *   pack       packs weights into the memory, at most `packFloatsPerStep` floats per step (whole
 *              4-channel tiles; one tile or one LSTM parameter block is the smallest unit);
 *   reset      clears every history (`MonoModel.resetBegin`);
 *   prewarm    the exact prewarm: a feed-forward WaveNet's one-step steady state, else at most
 *              `prewarmSamplesPerStep` zeros per step, in the blocks `reset()` uses.
 * With plain TypeScript kernels ('js') there is no memory to size: construct packs as it builds.
 *
 * The result is bit-identical to `createNamModel(file, options)`. Nothing throws out of `step`: a
 * model that does not build ends the job with `error` (a NamError naming the problem) and no model.
 * Steps allocate (layer objects, scratch), each a bounded amount. Synchronous, host-agnostic: no
 * timers, no messages, no wall-clock budget; the host decides when to call `step`.
 */
import { jsCompute, type DeferredFill } from './compute.ts';
import { type NamDsp } from './dsp.ts';
import type { NamFile } from './file.ts';
import { checkMono, MonoModel, resolveModelOptions, type NamModel, type NamModelOptions, type ResolvedModelOptions } from './model.ts';
import { buildDsp, buildDspSteps } from './registry.ts';
import { countingCompute, createSimdCompute } from './simd/simd-compute.ts';
import type { Compute } from './compute.ts';

export type BuildPhase = 'size' | 'memory' | 'construct' | 'pack' | 'reset' | 'prewarm';

export interface ModelBuildJobOptions extends NamModelOptions {
  /** Most packed-weight floats one step writes (default 16384, 64 KiB). */
  packFloatsPerStep?: number;
  /**
   * Most construction units (WaveNet layers; a model of another architecture is one unit) one step
   * builds (default: one per 32 samples of maxBlockSize, at least one — smaller blocks leave less time).
   */
  constructUnitsPerStep?: number;
  /** Most prewarm samples one step feeds (default: two blocks of maxBlockSize). */
  prewarmSamplesPerStep?: number;
  /** Memory the SIMD build needs, from `measureArenaBytes` (skips the size step). */
  arenaBytes?: number;
}

/** What the latest step did: the structural measure of its work. */
export interface BuildStepReport {
  readonly phase: BuildPhase;
  /** Floats of packed weights written. */
  readonly packedFloats: number;
  /** Prewarm samples fed (0 for the steady-state shortcut). */
  readonly prewarmSamples: number;
  /** Construction units built (`buildDspSteps`). */
  readonly constructUnits: number;
}

export const DEFAULT_PACK_FLOATS_PER_STEP = 16384;

/**
 * The bytes of WebAssembly memory the SIMD build of `file` needs (the size step, run wherever is
 * convenient, e.g. on a UI thread). Throws a NamError when the model does not build.
 */
export function measureArenaBytes(file: NamFile, options: NamModelOptions): number {
  const o = resolveModelOptions(options);
  const counter = countingCompute(o.maxBlockSize);
  buildDsp(file, { ...buildBase(file, o), compute: counter }, o.registry);
  return counter.bytes;
}

function buildBase(file: NamFile, o: ResolvedModelOptions) {
  return { maxBlockSize: o.maxBlockSize, fastTanh: o.fastTanh, slim: o.slim, sampleRate: file.sampleRate };
}

interface PendingFill {
  readonly fill: DeferredFill;
  next: number;
}

export class ModelBuildJob {
  private readonly file: NamFile;
  private readonly options: ResolvedModelOptions | null = null;
  private readonly packBudget: number;
  private readonly prewarmBudget: number;
  private readonly constructBudget: number;
  /** The stepwise construction under way (the construct phase). */
  private building: Generator<void, NamDsp, void> | null = null;
  private phaseValue: BuildPhase = 'size';
  private bytes = 0;
  private compute: Compute | null = null;
  private readonly fills: PendingFill[] = [];
  private fillAt = 0;
  private mono: MonoModel | null = null;
  private modelValue: NamModel | null = null;
  private errorValue: Error | null = null;
  private stepCount = 0;
  private last: BuildStepReport | null = null;
  private cancelled = false;

  constructor(file: NamFile, options: ModelBuildJobOptions) {
    this.file = file;
    this.packBudget = Math.max(1, Math.floor(options.packFloatsPerStep ?? DEFAULT_PACK_FLOATS_PER_STEP));
    try {
      this.options = resolveModelOptions(options);
    } catch (e) {
      this.errorValue = asError(e);
    }
    this.prewarmBudget = Math.max(1, Math.floor(options.prewarmSamplesPerStep ?? 2 * (this.options?.maxBlockSize ?? 1)));
    this.constructBudget = Math.max(1, Math.floor(options.constructUnitsPerStep ?? (this.options?.maxBlockSize ?? 32) / 32));
    const o = this.options;
    if (o !== null && o.kernels === 'js') this.phaseValue = 'construct';
    else if (options.arenaBytes !== undefined) {
      this.bytes = options.arenaBytes;
      this.phaseValue = 'memory';
    }
  }

  /** The phase the next step will run (the last one reached when finished). */
  get phase(): BuildPhase {
    return this.phaseValue;
  }

  /** True once the model is ready, the build failed, or the job was cancelled. */
  get finished(): boolean {
    return this.modelValue !== null || this.errorValue !== null || this.cancelled;
  }

  /** The prewarmed model, once finished successfully. */
  get model(): NamModel | null {
    return this.modelValue;
  }

  /** Why the build failed (a NamError for a bad model), or null. */
  get error(): Error | null {
    return this.errorValue;
  }

  /** The parsed file being built. */
  get source(): NamFile {
    return this.file;
  }

  /** Steps run so far. */
  get steps(): number {
    return this.stepCount;
  }

  /** What the latest step did (null before the first). */
  get lastStep(): BuildStepReport | null {
    return this.last;
  }

  /** Stops the job: later steps do nothing, and its memory can be collected once dropped. */
  cancel(): void {
    this.cancelled = true;
    this.fills.length = 0;
    this.building = null;
    this.mono = null;
    this.compute = null;
  }

  /** Runs one bounded unit of the build. Returns true while more steps remain. Never throws. */
  step(): boolean {
    if (this.finished) return false;
    const o = this.options!;
    const phase = this.phaseValue;
    let packedFloats = 0;
    let prewarmSamples = 0;
    let constructUnits = 0;
    this.stepCount++;
    try {
      switch (phase) {
        case 'size':
          this.bytes = measureArenaBytes(this.file, o);
          this.phaseValue = 'memory';
          break;
        case 'memory':
          this.compute = createSimdCompute(o.maxBlockSize, this.bytes, o.kernels === 'relaxed-simd', (fill) => void this.fills.push({ fill, next: 0 }));
          this.phaseValue = 'construct';
          break;
        case 'construct': {
          const compute = this.compute ?? jsCompute(o.maxBlockSize);
          this.building ??= buildDspSteps(this.file, { ...buildBase(this.file, o), compute }, o.registry);
          let unit = this.building.next();
          constructUnits = 1;
          while (unit.done !== true && constructUnits < this.constructBudget) {
            unit = this.building.next();
            constructUnits++;
          }
          if (unit.done !== true) break;
          this.building = null;
          const dsp: NamDsp = unit.value;
          checkMono(dsp);
          this.mono = new MonoModel(dsp, this.file, o.maxBlockSize, o.prewarm, o.kernels, false);
          this.phaseValue = this.fills.length > 0 ? 'pack' : 'reset';
          break;
        }
        case 'pack':
          packedFloats = this.pack();
          if (this.fillAt === this.fills.length) {
            this.fills.length = 0;
            this.phaseValue = 'reset';
          }
          break;
        case 'reset':
          this.mono!.resetBegin();
          this.phaseValue = 'prewarm';
          break;
        case 'prewarm': {
          const mono = this.mono!;
          prewarmSamples = mono.resetStep(this.prewarmBudget);
          if (mono.resetDone) {
            this.modelValue = mono;
            this.compute = null;
          }
          break;
        }
      }
    } catch (e) {
      this.errorValue = asError(e);
      this.fills.length = 0;
      this.building = null;
      this.mono = null;
      this.compute = null;
    }
    this.last = { phase, packedFloats, prewarmSamples, constructUnits };
    return !this.finished;
  }

  /** Runs every step now (a one-shot build through the same path); returns the model or throws its error. */
  runToEnd(): NamModel {
    while (this.step());
    if (this.errorValue) throw this.errorValue;
    if (!this.modelValue) throw new Error('the model build was cancelled');
    return this.modelValue;
  }

  /** Packs whole units of the pending fills, up to the per-step budget (at least one unit). */
  private pack(): number {
    let budget = this.packBudget;
    let packed = 0;
    while (this.fillAt < this.fills.length) {
      const p = this.fills[this.fillAt]!;
      const { units, floatsPerUnit } = p.fill;
      const left = units - p.next;
      const fit = Math.min(left, Math.floor(budget / floatsPerUnit));
      const take = fit > 0 ? fit : packed === 0 ? 1 : 0; // one oversized unit alone
      if (take === 0) break;
      p.fill.run(p.next, p.next + take);
      p.next += take;
      packed += take * floatsPerUnit;
      budget -= take * floatsPerUnit;
      if (p.next === units) this.fillAt++;
      if (budget <= 0) break;
    }
    return packed;
  }
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));
