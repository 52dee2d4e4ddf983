/**
 * The rig's audio side: a `RigEngine` plus the NAM model. It renders no graphs: it applies the
 * `RigOp`s the graph side (`RigGraphs`, rig-graphs.ts) emitted — batches via `enqueueBatch`, VFS
 * entries via `enqueueResource`, prunes via `enqueuePrune`, all applied by the engine at the start of
 * its next `process` — and builds NAM models from their text (the model's memory lives with the
 * engine, so in the browser this happens in the worklet, between render quanta).
 *
 * After `setModel`, hand the model's level metadata (`levelsOf(model.metadata)`) to the graph side's
 * `setLevels` and apply the ops it emits.
 */
import { createNamModel, parseNam, type KernelChoice, type NamFile, type NamModel } from '../nam/index.ts';
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
  }
}

export class RigAudio {
  readonly engine: RigEngine;
  private modelValue: NamModel | null = null;
  private readonly fastTanh: boolean;
  private readonly prewarm: boolean;
  private readonly kernels: 'auto' | KernelChoice;

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

  /**
   * Parses, builds and prewarms a model and hands it to the engine, which crossfades to it. Throws when
   * the file does not parse or build; the playing model is then untouched.
   */
  setModel(source: NamFile | string): NamModel {
    const file = typeof source === 'string' ? parseNam(source) : source;
    const model = createNamModel(file, { maxBlockSize: this.engine.maxBlockSize, fastTanh: this.fastTanh, prewarm: this.prewarm, kernels: this.kernels });
    const stage = new ModelStage(model, this.engine.sampleRate, this.engine.maxBlockSize);
    this.modelValue = model;
    this.engine.enqueueModel(stage);
    return model;
  }
}
