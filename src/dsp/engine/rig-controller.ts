/**
 * The rig in one thread (Node CLI, tests): the graph side (`RigGraphs`, rig-graphs.ts) and the audio
 * side (`RigAudio`, rig-audio.ts) wired directly, the graph side's ops applied to the engine's queue as
 * they are emitted. The browser runs the same two halves split across threads: `RigGraphs` on the main
 * thread (src/ui/worklet-transport.ts), `RigAudio` in the AudioWorklet (worklet/rig-processor.ts).
 *
 * `setModel` builds the model (throwing, with the old model still playing, when that fails), prewarms
 * it, wraps it in a `ModelStage` and queues it; the engine crossfades. `beginModel` + `stepModel`
 * (once per block, after its audio) do the same in small bounded steps (see rig-audio.ts). When the new model's level
 * metadata differ, the graphs take them (`RigGraphs.setLevels`): the level refs change and the input and
 * output gains glide to the new levels (20 ms smoothers), with no new nodes.
 *
 * Once `gcEveryRenders` graph renders piled up (IR loads and level changes render; the built-in blocks
 * then reuse their nodes, but a block reading `ctx.model` would not), `collectGarbage` frees the nodes no
 * graph uses (the runtime's gc and the renderers' prune, at once).
 *
 * Smoothers (`el.sm`) start at 0 when a graph is first rendered: the first ≈ 0.3 s after construction
 * are a settling pre-roll (tone knobs and gains glide to their values).
 */
import { parseNam, type KernelChoice, type NamFile, type NamModel } from '../nam/index.ts';
import { rig as defaultRig, type RigRegistry } from '../rig/registry.ts';
import { loadElementaryModule, type ElementaryModule } from './elementary-runtime.ts';
import { applyRigOp, RigAudio, type ModelLoadOutcome } from './rig-audio.ts';
import type { RigEngine } from './rig-engine.ts';
import { levelsOf, RigGraphs, sidechainIds } from './rig-graphs.ts';

export interface RigControllerOptions {
  sampleRate: number;
  maxBlockSize: number;
  /** The first model (a parsed file or its JSON text); without one the model stage is silent. */
  model?: NamFile | string;
  /** Initial parameter values (clamped), over the registry's defaults. */
  params?: Readonly<Record<string, number>>;
  fastTanh?: boolean;
  /** Prewarm new models (default true; see NamModelOptions.prewarm). */
  prewarm?: boolean;
  kernels?: 'auto' | KernelChoice;
  /** Model crossfade, ms (default 20). */
  crossfadeMs?: number;
  registry?: RigRegistry;
  module?: ElementaryModule;
  /**
   * Run Elementary's node gc (`collectGarbage`) after an IR load or model change once this many graph
   * renders happened since the last one (default 4; 0 = only when called).
   */
  gcEveryRenders?: number;
}

export class RigController {
  readonly engine: RigEngine;
  readonly registry: RigRegistry;
  readonly audio: RigAudio;
  readonly graphs: RigGraphs;
  private readonly gcEvery: number;
  private rendersAtGc = 0;

  constructor(options: RigControllerOptions) {
    this.registry = options.registry ?? defaultRig;
    this.audio = new RigAudio({
      sampleRate: options.sampleRate,
      maxBlockSize: options.maxBlockSize,
      sidechains: sidechainIds(this.registry).length,
      module: options.module ?? loadElementaryModule(),
      ...(options.fastTanh !== undefined ? { fastTanh: options.fastTanh } : {}),
      ...(options.prewarm !== undefined ? { prewarm: options.prewarm } : {}),
      ...(options.kernels !== undefined ? { kernels: options.kernels } : {}),
      ...(options.crossfadeMs !== undefined ? { crossfadeMs: options.crossfadeMs } : {}),
    });
    this.engine = this.audio.engine;
    const model = options.model !== undefined ? this.audio.setModel(options.model) : null;
    const engine = this.engine;
    this.graphs = new RigGraphs({
      sampleRate: options.sampleRate,
      registry: this.registry,
      levels: levelsOf(model?.metadata),
      emit: (op) => applyRigOp(engine, op),
      ...(options.params !== undefined ? { params: options.params } : {}),
    });
    this.gcEvery = options.gcEveryRenders ?? 4;
    this.rendersAtGc = this.graphs.renders;
  }

  get sampleRate(): number {
    return this.engine.sampleRate;
  }

  /** The model playing (or fading in); null before the first. */
  get model(): NamModel | null {
    return this.audio.model;
  }

  /** The current value of every parameter (all scopes). */
  get params(): Readonly<Record<string, number>> {
    return this.graphs.params;
  }

  /** Sets a parameter (clamped through the registry); returns the value applied. No re-render. */
  setParam(id: string, value: number): number {
    return this.graphs.setParam(id, value);
  }

  /** See `RigGraphs.loadIr`. */
  loadIr(samples: Float32Array, sampleRate: number): string {
    const key = this.graphs.loadIr(samples, sampleRate);
    this.maybeCollect();
    return key;
  }

  /**
   * Frees the Elementary nodes neither graph uses any more, at once (call between blocks): the queued
   * ops are applied, the runtime's gc runs on both graphs, and the renderers forget the freed nodes.
   * Returns how many nodes were freed. (Across threads the same round trip is asynchronous: see
   * `RigGraphs.collectGarbage`.)
   */
  collectGarbage(): number {
    this.rendersAtGc = this.graphs.renders;
    if (!this.graphs.collectGarbage()) return 0;
    this.engine.flush();
    let freed = 0;
    for (const c of this.engine.takeCollected()) {
      this.graphs.pruned(c.target, c.ids);
      freed += c.ids.length;
    }
    return freed;
  }

  private maybeCollect(): void {
    if (this.gcEvery > 0 && this.graphs.renders - this.rendersAtGc >= this.gcEvery) this.collectGarbage();
  }

  /**
   * Builds (and prewarms) a new model and hands it to the engine, which crossfades to it. Throws when the
   * file does not parse or build; the playing model is then untouched.
   */
  setModel(model: NamFile | string): NamModel {
    const m = this.audio.setModel(model);
    this.graphs.setLevels(levelsOf(m.metadata));
    this.maybeCollect();
    return m;
  }

  /**
   * Starts a stepped model load (see `RigAudio.beginModel`); throws only when the text does not parse.
   * Returns the file of a load it replaced, if any.
   */
  beginModel(model: NamFile | string): NamFile | null {
    return this.audio.beginModel(typeof model === 'string' ? parseNam(model) : model);
  }

  /**
   * One bounded step of the load under way (call after a block's audio). When the model was queued,
   * the graphs are re-rendered for its level metadata. Returns how the load ended, or null.
   */
  stepModel(): ModelLoadOutcome | null {
    const outcome = this.audio.stepModel();
    if (outcome?.ok) {
      this.graphs.setLevels(levelsOf(outcome.model.metadata));
      this.maybeCollect();
    }
    return outcome;
  }
}
