/**
 * The rig's control side: runs where graph building and allocation are allowed (main thread, Node),
 * and drives a `RigEngine` only through its queue (batches, VFS entries, model stages).
 *
 * It owns the two graph renderers (pre and post) and one `const` ref per parameter per renderer (a
 * parameter read by both halves, like `input.calibrationLevel`, has a ref in each). `setParam` clamps
 * through the registry and calls the ref setters: a property update, no re-render. A re-render (a new
 * model with different level metadata) restores every ref to its creation props, so the current values
 * are re-applied right after it.
 *
 * Cab: both slots always hold an IR. At start each holds the identity IR (one tap of 1/irGain, which the
 * cab's gain cancels), so "no IR" passes the signal and loading an IR only changes a keyed convolver's
 * `path` property, never the graph's shape (a shape change would rebuild everything downstream, and
 * Elementary smoothers restart at 0). `loadIr` resamples to the engine's rate, cuts to IR_MAX_SAMPLES,
 * adds the IR under a fresh VFS key, points the inactive slot at it and moves `cab.mix` there (el.sm
 * crossfade, ≈ 100 ms to settle; do not load again sooner). The cab block applies the plugin's IR gain.
 *
 * `setModel` parses and builds the model (throwing, with the old model still playing, when that fails),
 * prewarms it (createNamModel does), wraps it in a `ModelStage` (resampling when its rate differs from
 * the engine's) and queues it; the engine crossfades. When the new model's level metadata differ, both
 * graphs are re-rendered for them with 20 ms root crossfades; the new output-gain smoother still starts
 * at 0 dB and glides to the new level (≈ 100 ms).
 *
 * Smoothers (`el.sm`) start at 0 when a graph is first rendered: the first ≈ 0.3 s after construction
 * are a settling pre-roll (tone knobs and gains glide to their values).
 */
import { el, type NodeRepr_t } from '@elemaudio/core';
import { createNamModel, parseNam, type KernelChoice, type NamFile, type NamModel } from '../nam/index.ts';
import { resample } from '../resample/index.ts';
import { buildPostModel, buildPreModel } from '../rig/chain.ts';
import type { ModelLevels, QualifiedId, RigContext } from '../rig/manifest.ts';
import type { ParamSource } from '../rig/param-source.ts';
import { isModelStage, rig as defaultRig, type RigRegistry } from '../rig/registry.ts';
import { IR_MAX_SAMPLES, irGain } from '../rig/blocks/cab.ts';
import { loadElementaryModule, type ElementaryModule } from './elementary-runtime.ts';
import { createGraphRenderer, type GraphRenderer } from './graph-renderer.ts';
import { ModelStage } from './model-stage.ts';
import { RigEngine, type GraphTarget } from './rig-engine.ts';

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
}

interface ParamRef {
  readonly node: NodeRepr_t;
  readonly set: (props: Record<string, unknown>) => void;
}

type Slot = 'irA' | 'irB';

const IDENTITY_KEY = 'rig/ir/identity';

function levelsOf(model: NamModel | null): ModelLevels {
  if (model === null) return {};
  const md = model.metadata;
  return { loudness: md.loudness, inputLevelDbu: md.input_level_dbu, outputLevelDbu: md.output_level_dbu };
}

/**
 * Sets a ref's value. A block may ask for a parameter it then leaves out of its graph (the input block
 * reads the calibration knobs but drops them when the model gives no input level); such a ref is not
 * mounted and needs no update: whenever a later render mounts it, `reapply` sets it.
 */
function setIfMounted(ref: ParamRef, value: number): void {
  try {
    ref.set({ value });
  } catch (e) {
    if (!/not been mounted/.test((e as Error).message)) throw e;
  }
}

const sameLevels = (a: ModelLevels, b: ModelLevels): boolean =>
  a.loudness === b.loudness && a.inputLevelDbu === b.inputLevelDbu && a.outputLevelDbu === b.outputLevelDbu;

export class RigController {
  readonly engine: RigEngine;
  readonly registry: RigRegistry;
  private readonly values: Record<string, number>;
  private readonly renderers: Record<GraphTarget, GraphRenderer>;
  private readonly refs: Record<GraphTarget, Map<string, ParamRef>> = { pre: new Map(), post: new Map() };
  /** Sidechain block ids, in channel order (channel 1 + i between pre and post). */
  private readonly sidechainIds: string[];
  private readonly slots: Record<Slot, string> = { irA: IDENTITY_KEY, irB: IDENTITY_KEY };
  private irCount = 0;
  private levels: ModelLevels = {};
  private modelValue: NamModel | null = null;
  private readonly fastTanh: boolean;
  private readonly prewarm: boolean;
  private readonly kernels: 'auto' | KernelChoice;

  constructor(options: RigControllerOptions) {
    this.registry = options.registry ?? defaultRig;
    const at = this.registry.chain.findIndex(isModelStage);
    this.sidechainIds = this.registry.chain.slice(at + 1).flatMap((e) => (!isModelStage(e) && e.sidechain ? [e.id] : []));
    this.engine = new RigEngine({
      sampleRate: options.sampleRate,
      maxBlockSize: options.maxBlockSize,
      sidechains: this.sidechainIds.length,
      crossfadeMs: options.crossfadeMs,
      module: options.module ?? loadElementaryModule(),
    });
    this.fastTanh = options.fastTanh ?? false;
    this.prewarm = options.prewarm ?? true;
    this.kernels = options.kernels ?? 'auto';
    this.values = { ...this.registry.defaultParams({ scope: 'all' }) };
    for (const [id, v] of Object.entries(options.params ?? {})) this.values[id] = this.registry.clampParam(id, v);
    const fade = { rootFadeInMs: 20, rootFadeOutMs: 20 };
    this.renderers = {
      pre: createGraphRenderer((b) => this.engine.enqueueBatch('pre', b), fade),
      post: createGraphRenderer((b) => this.engine.enqueueBatch('post', b), fade),
    };
    // The identity IR: one tap that the cab's IR gain cancels.
    this.engine.enqueueResource('post', IDENTITY_KEY, Float32Array.of(1 / irGain(options.sampleRate)));
    if (options.model !== undefined) this.installModel(options.model, false);
    this.renderAll();
  }

  get sampleRate(): number {
    return this.engine.sampleRate;
  }

  /** The model playing (or fading in); null before the first. */
  get model(): NamModel | null {
    return this.modelValue;
  }

  /** The current value of every parameter (all scopes). */
  get params(): Readonly<Record<string, number>> {
    return this.values;
  }

  /** Sets a parameter (clamped through the registry); returns the value applied. No re-render. */
  setParam(id: string, value: number): number {
    const p = this.registry.lookup(id);
    const v = this.registry.clampParam(p.id, value);
    this.values[p.id] = v;
    for (const target of ['pre', 'post'] as const) {
      const ref = this.refs[target].get(p.id);
      if (ref !== undefined) setIfMounted(ref, v);
    }
    return v;
  }

  /**
   * Loads an impulse response (mono, at `sampleRate`) into the inactive cab slot and crossfades to it.
   * Returns the VFS key it was stored under.
   */
  loadIr(samples: Float32Array, sampleRate: number): string {
    if (samples.length === 0) throw new RangeError('the impulse response is empty');
    const atRate = sampleRate === this.sampleRate ? samples : resample(samples, sampleRate, this.sampleRate);
    const ir = atRate.slice(0, Math.min(atRate.length, IR_MAX_SAMPLES));
    const key = `rig/ir/${++this.irCount}`;
    const toB = this.values['cab.mix']! < 0.5;
    const slot: Slot = toB ? 'irB' : 'irA';
    this.engine.enqueueResource('post', key, ir);
    this.slots[slot] = key;
    this.renderPost(); // only the slot's keyed convolver's `path` changes
    this.setParam('cab.mix', toB ? 1 : 0);
    this.engine.enqueuePrune('post');
    return key;
  }

  /**
   * Builds (and prewarms) a new model and hands it to the engine, which crossfades to it. Throws when the
   * file does not parse or build; the playing model is then untouched.
   */
  setModel(model: NamFile | string): NamModel {
    return this.installModel(model, true);
  }

  private installModel(source: NamFile | string, render: boolean): NamModel {
    const file = typeof source === 'string' ? parseNam(source) : source;
    const model = createNamModel(file, { maxBlockSize: this.engine.maxBlockSize, fastTanh: this.fastTanh, prewarm: this.prewarm, kernels: this.kernels });
    const stage = new ModelStage(model, this.engine.sampleRate, this.engine.maxBlockSize);
    const levels = levelsOf(model);
    const rerender = render && !sameLevels(levels, this.levels);
    this.levels = levels;
    this.modelValue = model;
    if (rerender) this.renderAll();
    this.engine.enqueueModel(stage);
    return model;
  }

  private context(): RigContext {
    return { sampleRate: this.sampleRate, model: this.levels };
  }

  private source(target: GraphTarget): ParamSource {
    return {
      raw: (id: QualifiedId): NodeRepr_t => {
        let ref = this.refs[target].get(id);
        if (ref === undefined) {
          const value = this.values[id];
          if (value === undefined) throw new Error(`no value for parameter ${id}`);
          const [node, set] = this.renderers[target].createRef('const', { value }, []);
          ref = { node, set };
          this.refs[target].set(id, ref);
        }
        return ref.node;
      },
      resource: (id: QualifiedId): string | undefined => (id === 'cab.irA' || id === 'cab.irB' ? this.slots[id === 'cab.irA' ? 'irA' : 'irB'] : undefined),
    };
  }

  private renderAll(): void {
    this.renderPre();
    this.renderPost();
  }

  private renderPre(): void {
    const { modelInput, sidechains } = buildPreModel(el.in({ channel: 0 }), this.source('pre'), this.context(), this.registry);
    this.renderers.pre.render(modelInput, ...this.sidechainIds.map((id) => sidechains.get(id)!));
    this.reapply('pre');
  }

  private renderPost(): void {
    const sidechains = new Map(this.sidechainIds.map((id, i) => [id, el.in({ channel: 1 + i })]));
    this.renderers.post.render(buildPostModel(el.in({ channel: 0 }), sidechains, this.source('post'), this.context(), this.registry));
    this.reapply('post');
  }

  /** After a render, refs are back at their creation props: set every one to its current value. */
  private reapply(target: GraphTarget): void {
    for (const [id, ref] of this.refs[target]) setIfMounted(ref, this.values[id]!);
  }
}
