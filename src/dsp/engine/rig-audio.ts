/**
 * The rig's audio side: a `RigEngine` plus the NAM model. It renders no graphs: it applies the
 * `RigOp`s the graph side (`RigGraphs`, rig-graphs.ts) emitted — batches via `enqueueBatch`, VFS
 * entries via `enqueueResource`, VFS prunes via `enqueuePrune`, node gc via `enqueueGc`, all applied by the engine at the start of
 * its next `process` — and builds NAM models (the model's memory lives with the engine, so in the
 * browser this happens in the worklet).
 *
 * Two ways to load a model:
 *  - `setModel(file)`: built at once (a few ms; fine before audio starts or off the audio thread);
 *  - `beginModel(file)` then `stepModel()` once after every block's audio: a `ModelBuildJob` builds it
 *    in small bounded steps while the current model keeps playing; the step after it is ready wraps
 *    it in a `ModelStage` and queues it (the engine crossfades). A model that does not build comes
 *    back as an error and nothing changes. Both give the same model, bit for bit.
 *
 * After a model is loaded, hand its level metadata (`levelsOf(model.metadata)`) to the graph side's
 * `setLevels` and apply the ops it emits.
 */
import { parseNam, type KernelChoice, type NamFile, type NamModel } from '../nam/index.ts';
import { ModelBuildJob, type BuildPhase } from '../nam/model-build-job.ts';
import { warmUpModelCode } from '../nam/warm-up-models.ts';
import type { ElementaryModule } from './elementary-runtime.ts';
import { ModelStage } from './model-stage.ts';
import { RigEngine } from './rig-engine.ts';
import type { RigOp } from './rig-graphs.ts';

export interface RigAudioOptions {
  sampleRate: number;
  maxBlockSize: number;
  /** Sidechain channels between pre and post (`sidechainIds(registry).length`; the rig has 1). */
  sidechains: number;
  module: ElementaryModule;
  fastTanh?: boolean;
  /** Prewarm new models (default true; see NamModelOptions.prewarm). */
  prewarm?: boolean;
  kernels?: 'auto' | KernelChoice;
  /** Model crossfade, ms (default 20). */
  crossfadeMs?: number;
}

/** How a stepped model load ended (`RigAudio.stepModel`). */
export type ModelLoadOutcome =
  | { readonly ok: true; readonly file: NamFile; readonly model: NamModel }
  | { readonly ok: false; readonly file: NamFile; readonly error: Error };

/** Queues graph-side ops on an engine, in order. */
export function applyRigOps(engine: RigEngine, ops: Iterable<RigOp>): void {
  for (const op of ops) applyRigOp(engine, op);
}

export function applyRigOp(engine: RigEngine, op: RigOp): void {
  switch (op.kind) {
    case 'batch':
      engine.enqueueBatch(op.target, op.batch);
      break;
    case 'resource':
      engine.enqueueResource(op.target, op.key, op.samples);
      break;
    case 'prune':
      engine.enqueuePrune(op.target);
      break;
    case 'gc':
      engine.enqueueGc(op.target);
      break;
  }
}

export class RigAudio {
  readonly engine: RigEngine;
  private modelValue: NamModel | null = null;
  private readonly fastTanh: boolean;
  private readonly prewarm: boolean;
  private readonly kernels: 'auto' | KernelChoice;
  private job: ModelBuildJob | null = null;

  constructor(options: RigAudioOptions) {
    this.engine = new RigEngine({
      sampleRate: options.sampleRate,
      maxBlockSize: options.maxBlockSize,
      sidechains: options.sidechains,
      crossfadeMs: options.crossfadeMs,
      module: options.module,
    });
    this.fastTanh = options.fastTanh ?? false;
    this.prewarm = options.prewarm ?? true;
    this.kernels = options.kernels ?? 'auto';
  }

  /** The model playing (or fading in); null before the first. */
  get model(): NamModel | null {
    return this.modelValue;
  }

  apply(ops: Iterable<RigOp>): void {
    applyRigOps(this.engine, ops);
  }

  /** True while a stepped load (`beginModel`) is under way. */
  get building(): boolean {
    return this.job !== null;
  }

  /**
   * Parses, builds and prewarms a model at once and hands it to the engine, which crossfades to it.
   * Throws when the file does not parse or build; the playing model is then untouched.
   */
  setModel(source: NamFile | string): NamModel {
    const file = typeof source === 'string' ? parseNam(source) : source;
    const model = this.newJob(file).runToEnd();
    this.install(model);
    return model;
  }

  /**
   * Builds (stepped, as `beginModel` does) and runs a tiny model of each architecture that prewarms by
   * running samples (`warmUpModels`), then drops them: the first real load of such a model then runs
   * compiled code between quanta. Call it once at start, before audio runs (a few ms). Touches neither
   * the engine nor the playing model.
   */
  warmUp(): void {
    warmUpModelCode({ maxBlockSize: this.engine.maxBlockSize, fastTanh: this.fastTanh, prewarm: this.prewarm, kernels: this.kernels });
  }

  /**
   * Starts a stepped load of an already-parsed model (advance it with `stepModel`); the current model
   * keeps playing meanwhile. A load still under way is dropped (its file is returned). `arenaBytes`:
   * the SIMD memory size if already measured (`measureArenaBytes`, e.g. on the UI thread).
   */
  beginModel(file: NamFile, arenaBytes?: number): NamFile | null {
    const dropped = this.job;
    dropped?.cancel();
    this.job = this.newJob(file, arenaBytes);
    return dropped?.source ?? null;
  }

  /**
   * One bounded step of the load under way (call it after a block's audio is done). Returns how the
   * load ended when it ended with this step — the model queued for its crossfade, or the error — and
   * null otherwise. Never throws.
   */
  /**
   * What the next `stepModel()` does: a build phase, 'install' (wrap and queue the ready model, or
   * report its error), or null when no load is under way.
   */
  get nextBuildStep(): BuildPhase | 'install' | null {
    const job = this.job;
    if (job === null) return null;
    return job.finished ? 'install' : job.phase;
  }

  stepModel(): ModelLoadOutcome | null {
    const job = this.job;
    if (job === null) return null;
    if (!job.finished) {
      job.step();
      // A ready model is wrapped and queued by the next step; a failure is reported now.
      if (job.error === null) return null;
    }
    this.job = null;
    if (job.error !== null || job.model === null) return { ok: false, file: job.source, error: job.error ?? new Error('the model build was cancelled') };
    try {
      this.install(job.model);
    } catch (e) {
      return { ok: false, file: job.source, error: e instanceof Error ? e : new Error(String(e)) };
    }
    return { ok: true, file: job.source, model: job.model };
  }

  private newJob(file: NamFile, arenaBytes?: number): ModelBuildJob {
    return new ModelBuildJob(file, {
      maxBlockSize: this.engine.maxBlockSize,
      fastTanh: this.fastTanh,
      prewarm: this.prewarm,
      kernels: this.kernels,
      ...(arenaBytes !== undefined ? { arenaBytes } : {}),
    });
  }

  /** Wraps a built model in a stage at the engine's rate and queues it (crossfade). */
  private install(model: NamModel): void {
    const stage = new ModelStage(model, this.engine.sampleRate, this.engine.maxBlockSize);
    this.engine.enqueueModel(stage);
    this.modelValue = model;
  }
}
