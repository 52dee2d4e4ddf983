/**
 * The rig's graph side: everything that renders Elementary graphs (and so allocates). It runs where
 * allocation is fine — the main thread in the browser, the same thread as the engine in Node — and
 * touches no engine: every change comes out of `emit` as a plain, structured-clone-safe `RigOp`
 * (instruction batches, VFS entries, prunes) for the audio side to apply between blocks
 * (`applyRigOps`, rig-audio.ts). Ops must reach the engine in the order they were emitted.
 *
 * It owns the two graph renderers (pre and post) and one `const` ref per parameter per renderer (a
 * parameter read by both halves, like `input.calibrationLevel`, has a ref in each). `setParam` clamps
 * through the registry and calls the ref setters: a property update, no re-render. The model's level
 * metadata are refs too (a value and a given flag per level a block reads, `ParamValues.level`).
 * A re-render (new level metadata, `setLevels`, for blocks that read `ctx.model`) restores every ref to
 * its creation props, so the current values are re-applied right after it.
 *
 * Cab: both slots always hold an IR. At start each holds the identity IR (one tap of 1/irGain, which the
 * cab's gain cancels), so "no IR" passes the signal and loading an IR only changes a keyed convolver's
 * `path` property, never the graph's shape (a shape change would rebuild everything downstream, and
 * Elementary smoothers restart at 0). `loadIr` resamples to the engine's rate, cuts to IR_MAX_SAMPLES,
 * adds the IR under a fresh VFS key, points the inactive slot at it and moves `cab.mix` there (el.sm
 * crossfade, ≈ 100 ms to settle; do not load again sooner). The cab block applies the plugin's IR gain.
 *
 * Smoothers (`el.sm`) start at 0 when a graph is first rendered: the first ≈ 0.3 s after construction
 * are a settling pre-roll (tone knobs and gains glide to their values).
 *
 * Node GC: Elementary's runtime keeps every node it was ever sent until its `gc()` frees those no root
 * references, and the renderer must then forget them (`prune`) or a later render would reuse them.
 * The built-in blocks render no new nodes after the first render: a model with other level metadata
 * changes refs, an IR load a keyed convolver's `path`. A block that builds constants from `ctx.model`
 * would render new nodes at each `setLevels`; they are what gc frees. `collectGarbage` emits
 * a `gc` op per graph; the audio side runs the runtime's gc in order with the other ops and answers
 * with the freed ids, which go to `pruned`. Across threads that answer arrives later, and meanwhile a
 * render or ref update could name a node being freed, so until a graph's answer is in, its renders,
 * ref updates and VFS prunes are held (the values are kept) and replayed on the answer. Hosts call it
 * every few renders (`renders`): the web transport through the worklet, `RigController` at once.
 */
import { el, type NodeRepr_t } from '@elemaudio/core';
import type { NamMetadata } from '../nam/index.ts';
import { resample } from '../resample/index.ts';
import { buildPostModel, buildPreModel } from '../rig/chain.ts';
import { levelNumbers, type LevelSignal, type ModelLevelName, type ModelLevels, type QualifiedId, type RigContext } from '../rig/manifest.ts';
import type { ParamSource } from '../rig/param-source.ts';
import { isModelStage, rig as defaultRig, type RigRegistry } from '../rig/registry.ts';
import { IR_MAX_SAMPLES, irGain } from '../rig/blocks/cab.ts';
import type { ElementaryInstructionBatch } from './elementary-runtime.ts';
import { createGraphRenderer, type GraphRenderer } from './graph-renderer.ts';
import type { GraphTarget } from './rig-engine.ts';

/** One change for the audio side, plain data (survives structured clone). */
export type RigOp =
  | { readonly kind: 'batch'; readonly target: GraphTarget; readonly batch: ElementaryInstructionBatch }
  | { readonly kind: 'resource'; readonly target: GraphTarget; readonly key: string; readonly samples: Float32Array }
  | { readonly kind: 'prune'; readonly target: GraphTarget }
  /** Run the runtime's node gc; answer with the freed ids (`RigGraphs.pruned`). */
  | { readonly kind: 'gc'; readonly target: GraphTarget };

export interface RigGraphsOptions {
  /** The engine's rate. */
  sampleRate: number;
  /** Receives every op, in order, synchronously. */
  emit: (op: RigOp) => void;
  /** Initial parameter values (clamped), over the registry's defaults. */
  params?: Readonly<Record<string, number>>;
  /** Level metadata of the first model (default: none). */
  levels?: ModelLevels;
  registry?: RigRegistry;
}

interface ParamRef {
  readonly node: NodeRepr_t;
  readonly set: (props: Record<string, unknown>) => void;
}

type Slot = 'irA' | 'irB';

const IDENTITY_KEY = 'rig/ir/identity';

/** A model's level metadata (what the graphs depend on). */
export function levelsOf(metadata: NamMetadata | null | undefined): ModelLevels {
  if (!metadata) return {};
  return { loudness: metadata.loudness, inputLevelDbu: metadata.input_level_dbu, outputLevelDbu: metadata.output_level_dbu };
}

export const sameLevels = (a: ModelLevels, b: ModelLevels): boolean =>
  a.loudness === b.loudness && a.inputLevelDbu === b.inputLevelDbu && a.outputLevelDbu === b.outputLevelDbu;

/** Sidechain block ids, in channel order (channel 1 + i between pre and post). */
export function sidechainIds(registry: RigRegistry = defaultRig): string[] {
  const at = registry.chain.findIndex(isModelStage);
  return registry.chain.slice(at + 1).flatMap((e) => (!isModelStage(e) && e.sidechain ? [e.id] : []));
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

export class RigGraphs {
  readonly registry: RigRegistry;
  readonly sampleRate: number;
  private readonly emit: (op: RigOp) => void;
  private readonly values: Record<string, number>;
  private readonly renderers: Record<GraphTarget, GraphRenderer>;
  private readonly refs: Record<GraphTarget, Map<string, ParamRef>> = { pre: new Map(), post: new Map() };
  /** The model's levels as refs (`ParamValues.level`): a value and a given flag per level read. */
  private readonly levelRefs: Record<GraphTarget, Map<ModelLevelName, { value: ParamRef; given: ParamRef }>> = { pre: new Map(), post: new Map() };
  private readonly sidechainIds: string[];
  private readonly slots: Record<Slot, string> = { irA: IDENTITY_KEY, irB: IDENTITY_KEY };
  private irCount = 0;
  private levelsValue: ModelLevels;
  /** Graphs whose gc answer is awaited, and what is held for each until it comes. */
  private readonly held: Record<GraphTarget, { render: boolean; params: Set<string>; vfsPrune: boolean } | null> = { pre: null, post: null };
  private rendersValue = 0;

  /** Emits the identity IR and the first render of both graphs. */
  constructor(options: RigGraphsOptions) {
    this.registry = options.registry ?? defaultRig;
    this.sampleRate = options.sampleRate;
    this.emit = options.emit;
    this.sidechainIds = sidechainIds(this.registry);
    this.levelsValue = { ...(options.levels ?? {}) };
    this.values = { ...this.registry.defaultParams({ scope: 'all' }) };
    for (const [id, v] of Object.entries(options.params ?? {})) this.values[id] = this.registry.clampParam(id, v);
    const fade = { rootFadeInMs: 20, rootFadeOutMs: 20 };
    this.renderers = {
      pre: createGraphRenderer((batch) => this.emit({ kind: 'batch', target: 'pre', batch }), fade),
      post: createGraphRenderer((batch) => this.emit({ kind: 'batch', target: 'post', batch }), fade),
    };
    // The identity IR: one tap that the cab's IR gain cancels.
    this.emit({ kind: 'resource', target: 'post', key: IDENTITY_KEY, samples: Float32Array.of(1 / irGain(this.sampleRate)) });
    this.renderAll();
  }

  /** The current value of every parameter (all scopes). */
  get params(): Readonly<Record<string, number>> {
    return this.values;
  }

  /** The level metadata the graphs are rendered for. */
  get levels(): ModelLevels {
    return this.levelsValue;
  }

  /**
   * Sets a parameter (clamped through the registry); returns the value applied. No re-render, and no
   * op when the value is the current one (a preset restore sets every parameter).
   */
  setParam(id: string, value: number): number {
    const p = this.registry.lookup(id);
    const v = this.registry.clampParam(p.id, value);
    if (this.values[p.id] === v) return v;
    this.values[p.id] = v;
    for (const target of ['pre', 'post'] as const) {
      const ref = this.refs[target].get(p.id);
      if (ref === undefined) continue;
      const held = this.held[target];
      if (held) held.params.add(p.id);
      else setIfMounted(ref, v);
    }
    return v;
  }

  /** Renders so far (both graphs' first ones included): a host may collect garbage when it grew. */
  get renders(): number {
    return this.rendersValue;
  }

  /** True while a `collectGarbage` answer is awaited. */
  get collecting(): boolean {
    return this.held.pre !== null || this.held.post !== null;
  }

  /**
   * Emits a `gc` op for each graph (see the module comment); returns false, doing nothing, while an
   * earlier one is still unanswered.
   */
  collectGarbage(): boolean {
    if (this.collecting) return false;
    for (const target of ['pre', 'post'] as const) {
      this.held[target] = { render: false, params: new Set(), vfsPrune: false };
      this.emit({ kind: 'gc', target });
    }
    return true;
  }

  /**
   * The audio side's answer to a `gc` op: the renderer forgets the freed nodes, then what was held for
   * that graph is replayed (a render, else the ref updates; then the VFS prune).
   */
  pruned(target: GraphTarget, nodeIds: readonly number[]): void {
    const held = this.held[target];
    if (held === null) throw new Error(`no node gc of the ${target} graph is awaited`);
    this.held[target] = null;
    this.renderers[target].prune(nodeIds);
    if (held.render) this.render(target);
    else for (const id of held.params) setIfMounted(this.refs[target].get(id)!, this.values[id]!);
    if (held.vfsPrune) this.pruneVfs(target);
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
    this.emit({ kind: 'resource', target: 'post', key, samples: ir });
    this.slots[slot] = key;
    this.render('post'); // only the slot's keyed convolver's `path` changes
    this.setParam('cab.mix', toB ? 1 : 0);
    this.pruneVfs('post');
    return key;
  }

  /**
   * Takes the model's level metadata when they differ from the current ones (returns whether they
   * did): both graphs re-render for `ctx.model`, and the level refs take the new values. The built-in
   * blocks read the levels through those refs, so their graphs keep every node (no root crossfade, no
   * node gc needed), and their gain smoothers glide from the old level to the new one.
   */
  setLevels(levels: ModelLevels): boolean {
    if (sameLevels(levels, this.levelsValue)) return false;
    this.levelsValue = { ...levels };
    this.renderAll();
    return true;
  }

  private context(): RigContext {
    return { sampleRate: this.sampleRate, model: this.levelsValue };
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
      level: (name: ModelLevelName): LevelSignal => {
        let ref = this.levelRefs[target].get(name);
        if (ref === undefined) {
          const n = levelNumbers(this.levelsValue, name);
          const [value, setValue] = this.renderers[target].createRef('const', { value: n.value }, []);
          const [given, setGiven] = this.renderers[target].createRef('const', { value: n.given }, []);
          ref = { value: { node: value, set: setValue }, given: { node: given, set: setGiven } };
          this.levelRefs[target].set(name, ref);
        }
        return { value: ref.value.node, given: ref.given.node };
      },
    };
  }

  private renderAll(): void {
    this.render('pre');
    this.render('post');
  }

  /** Renders a graph now, or once its gc answer is in. */
  private render(target: GraphTarget): void {
    const held = this.held[target];
    if (held) {
      held.render = true;
      return;
    }
    this.rendersValue++;
    if (target === 'pre') this.renderPre();
    else this.renderPost();
  }

  /** Drops unreferenced VFS entries now, or once the gc answer is in (after a held render). */
  private pruneVfs(target: GraphTarget): void {
    const held = this.held[target];
    if (held) held.vfsPrune = true;
    else this.emit({ kind: 'prune', target });
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
    for (const [name, ref] of this.levelRefs[target]) {
      const n = levelNumbers(this.levelsValue, name);
      setIfMounted(ref.value, n.value);
      setIfMounted(ref.given, n.given);
    }
  }
}
