/**
 * The plugin's graph side, as the graph V8 isolate runs it (on the host's message thread): the same
 * `RigGraphs` the web app runs on its main thread, plus what the plugin host needs around it —
 *
 * - it interprets the UI's bridge messages (`UiToHost`, src/ui/bridge-protocol.ts) and answers with
 *   `HostToUi` messages (`takeUiMessages`);
 * - it turns every change into one `WireOps` group for the audio isolate (`takeOps`, op-wire.ts):
 *   graph batches, VFS entries and model loads, in order;
 * - it reports what the host must mirror (`takeHostChanges`: parameter values set by the UI or a
 *   restored state, bypass set by the UI), so host automation and the UI stay in step;
 * - it saves and restores the plugin state as a self-contained preset (plugin-state.ts).
 *
 * `prepare(sampleRate, maxBlockSize)` starts over for a fresh audio engine (first start, rate or block
 * size change): new graphs at that rate, then the current model (built at once), IR and parameter
 * values, as one group.
 *
 * A model load sends the parsed file (config + Float32 weights) and its measured SIMD memory size; the
 * audio side builds it in steps and answers (`handleAudioEvent`, audio-events.ts) when it is playing —
 * only then do the graphs take its level metadata, as the web app does. Node gc: every few re-renders
 * (`GC_EVERY_RENDERS`) `takeOps` asks the audio side to free the nodes no graph uses, and its answer
 * (`pruned`) goes back to `RigGraphs.pruned`.
 */
import { parseModelText } from '../../../preset/resources.ts';
import { fromBase64, bytesToF32 } from '../../../preset/codec.ts';
import { LIMITS } from '../../../preset/schema.ts';
import { PresetError } from '../../../preset/errors.ts';
import { irGain } from '../../rig/blocks/cab.ts';
import { paramIndex } from '../../rig/registry.ts';
import type { QualifiedId } from '../../rig/manifest.ts';
import type { HostToUi, UiToHost } from '../../../ui/bridge-protocol.ts';
import { describeModel } from '../../../ui/model-info.ts';
import type { NamFile } from '../../nam/index.ts';
import { measureArenaBytes } from '../../nam/model-build-job.ts';
import { parseAudioEvent, PrunedAssembler } from './audio-events.ts';
import type { ErrorSource, IrInfo, ModelInfo } from '../../../ui/transport.ts';
import { levelsOf, RigGraphs } from '../rig-graphs.ts';
import { encodeOps, type EngineWireOp, type WireOps } from './op-wire.ts';
import { presetJsonToState, stateToPresetJson, type StateIr } from './plugin-state.ts';

interface LoadedModel {
  readonly text: string;
  readonly file: NamFile;
  readonly name: string;
  readonly info: ModelInfo;
  readonly levels: ReturnType<typeof levelsOf>;
}

interface LoadedIr extends StateIr {
  readonly info: IrInfo;
}

/** What the host must apply to its own parameters (values in the parameters' units). */
export interface HostChanges {
  readonly params: ReadonlyArray<readonly [QualifiedId, number]>;
  readonly bypass?: boolean;
}

/** Re-renders between node gc requests (as the web app's worklet transport). */
export const GC_EVERY_RENDERS = 4;

const USER_PARAMS: readonly QualifiedId[] = paramIndex().map((p) => p.id);

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim() || 'unknown error';

export class NativeRigGraph {
  private sampleRate: number;
  private graphs: RigGraphs;
  private pending: EngineWireOp[] = [];
  private model: LoadedModel;
  private ir: LoadedIr | null = null;
  private presetName: string;
  private bypass = false;
  private outbox: HostToUi[] = [];
  private hostParams = new Map<QualifiedId, number>();
  private hostBypass: boolean | undefined;
  /** The audio engine's largest block (sizes the model's SIMD memory), once known (`prepare`). */
  private maxBlockSize: number | null = null;
  private modelSeq = 0;
  /** The model load whose answer is awaited, with the levels the graphs take when it plays. */
  private awaiting: { readonly seq: number; readonly levels: LoadedModel['levels'] } | null = null;
  private rendersAtGc = 0;
  private pruned = new PrunedAssembler();

  /** `defaultModelText`: the model played until another is loaded. */
  constructor(sampleRate: number, defaultModelText: string, defaultModelName: string) {
    this.sampleRate = sampleRate;
    this.model = this.describe(defaultModelText, defaultModelName);
    this.presetName = this.model.info.name;
    this.graphs = this.freshGraphs({});
  }

  /** Starts over for a fresh audio engine at `sampleRate`: everything becomes one heavy op group. */
  prepare(sampleRate: number, maxBlockSize?: number): void {
    this.sampleRate = sampleRate;
    if (maxBlockSize !== undefined) this.maxBlockSize = maxBlockSize;
    const params = { ...this.graphs.params };
    this.pending = [];
    this.graphs = this.freshGraphs(params);
  }

  /**
   * One answer of the audio side (audio-events.ts JSON): a model now playing gives the graphs its
   * levels; a model that failed becomes an `error` for the UI; freed node ids go to the graphs.
   */
  handleAudioEvent(json: string): void {
    const e = parseAudioEvent(json);
    if (e.type === 'pruned') {
      const ids = this.pruned.add(e);
      if (ids !== null && this.graphs.collecting) this.graphs.pruned(e.target, ids);
      return;
    }
    if (this.awaiting === null || this.awaiting.seq !== e.seq) return; // superseded or from a build at once
    const levels = this.awaiting.levels;
    this.awaiting = null;
    if (e.type === 'loaded') this.graphs.setLevels(levels);
    else this.error('model', `the model did not build: ${e.message}`);
  }

  /** The ops emitted since the last call, as one wire group, or null when there are none. */
  takeOps(): WireOps | null {
    // Node gc once enough re-renders left nodes behind on the audio side.
    if (this.graphs.renders - this.rendersAtGc >= GC_EVERY_RENDERS && this.graphs.collectGarbage()) this.rendersAtGc = this.graphs.renders;
    if (this.pending.length === 0) return null;
    const group = encodeOps(this.pending);
    this.pending = [];
    return group;
  }

  /** HostToUi messages (JSON texts) since the last call. */
  takeUiMessages(): string[] {
    const out = this.outbox.map((m) => JSON.stringify(m));
    this.outbox = [];
    return out;
  }

  /** JSON of `HostChanges` since the last call. */
  takeHostChanges(): string {
    const changes: HostChanges = { params: [...this.hostParams], ...(this.hostBypass !== undefined ? { bypass: this.hostBypass } : {}) };
    this.hostParams.clear();
    this.hostBypass = undefined;
    return JSON.stringify(changes);
  }

  /** Current value of a parameter (any scope). */
  param(id: string): number {
    const v = this.graphs.params[id];
    if (v === undefined) throw new Error(`unknown parameter ${id}`);
    return v;
  }

  /** The host changed a parameter (automation, its generic editor): apply it and tell the UI. */
  setParamFromHost(id: string, value: number): void {
    const v = this.graphs.setParam(id, value);
    this.outbox.push({ type: 'param', id: id as QualifiedId, value: v });
  }

  setBypassFromHost(on: boolean): void {
    if (on === this.bypass) return;
    this.bypass = on;
    this.outbox.push({ type: 'bypass', on });
  }

  /** One UiToHost message (JSON text). Failures become `error` messages for the UI, never throws. */
  handleUiMessage(json: string): void {
    let m: UiToHost;
    try {
      m = JSON.parse(json) as UiToHost;
    } catch (e) {
      this.error('engine', `the UI sent a message that is not JSON: ${message(e)}`);
      return;
    }
    switch (m.type) {
      case 'hello':
        for (const id of USER_PARAMS) this.outbox.push({ type: 'param', id, value: this.param(id) });
        this.outbox.push({ type: 'modelInfo', info: this.model.info });
        if (this.ir !== null) this.outbox.push({ type: 'irInfo', info: this.ir.info });
        this.outbox.push({ type: 'bypass', on: this.bypass });
        return;
      case 'param':
        this.guard('param', () => {
          const v = this.graphs.setParam(m.id, m.value);
          this.hostParams.set(this.graphs.registry.lookup(m.id).id, v);
        });
        return;
      case 'bypass':
        this.bypass = m.on;
        this.hostBypass = m.on;
        return;
      case 'model':
        this.guard('model', () => this.loadModel(m.text, m.name));
        return;
      case 'ir':
        this.guard('ir', () => this.loadIr(decodeIrSamples(m.samples), m.sampleRate, m.name));
        return;
      default:
        this.error('engine', `the UI sent an unknown message type ${JSON.stringify((m as { type?: unknown }).type)}`);
    }
  }

  /** Loads a model (validated here; built on the audio side). Throws `PresetError` when it is not playable. */
  loadModel(text: string, name: string): void {
    const model = this.describe(text, name);
    this.model = model;
    this.presetName = model.info.name;
    this.startModel(model);
    this.outbox.push({ type: 'modelInfo', info: model.info });
  }

  /**
   * Sends a model to build in steps; its levels follow when the audio side says it plays, or at once
   * with `levelsNow` (a restored state: the host may render it before any answer could come back).
   */
  private startModel(model: LoadedModel, levelsNow = false): void {
    const seq = ++this.modelSeq;
    const arenaBytes = this.maxBlockSize === null ? undefined : measureArenaBytes(model.file, { maxBlockSize: this.maxBlockSize });
    this.pending.push({ kind: 'model', file: model.file, seq, ...(arenaBytes !== undefined ? { arenaBytes } : {}) });
    if (levelsNow) {
      this.awaiting = null;
      this.graphs.setLevels(model.levels);
    } else this.awaiting = { seq, levels: model.levels };
  }

  /** Loads a mono IR at `sampleRate` (RigGraphs resamples it and crossfades the cab to it). */
  loadIr(samples: Float32Array, sampleRate: number, name: string): void {
    if (!(Number.isInteger(sampleRate) && sampleRate >= 8000 && sampleRate <= 768_000)) throw new RangeError(`the IR's sample rate ${sampleRate} is not an integer from 8000 to 768000 Hz`);
    if (samples.length === 0) throw new RangeError('the IR has no samples');
    if (samples.length > LIMITS.irSamples) throw new RangeError(`the IR has ${samples.length} samples, more than the ${LIMITS.irSamples} limit`);
    for (let i = 0; i < samples.length; i++) if (!Number.isFinite(samples[i]!)) throw new RangeError(`IR sample ${i} is not a finite number`);
    this.graphs.loadIr(samples, sampleRate);
    this.ir = { samples, sampleRate, name, info: { name, sampleRate, length: samples.length, channels: 1 } };
    this.outbox.push({ type: 'irInfo', info: this.ir.info });
  }

  /** The plugin state: a preset with the model and IR embedded (JSON text). */
  getState(): string {
    const params: Record<string, number> = {};
    for (const id of USER_PARAMS) params[id] = this.param(id);
    return stateToPresetJson({ name: this.presetName, modelText: this.model.text, modelName: this.model.name, ir: this.ir, params });
  }

  /**
   * Restores a state (preset JSON text): parameters, model, IR. Throws `PresetError` when the preset is
   * invalid or not self-contained; nothing changes then.
   */
  setState(json: string): void {
    const state = presetJsonToState(json);
    const model = this.describe(state.modelText, state.modelName);
    for (const id of USER_PARAMS) {
      const v = this.graphs.setParam(id, state.params[id] ?? this.param(id));
      this.hostParams.set(id, v);
      this.outbox.push({ type: 'param', id, value: v });
    }
    this.model = model;
    this.startModel(model, true);
    this.outbox.push({ type: 'modelInfo', info: model.info });
    if (state.ir !== null) {
      this.loadIr(state.ir.samples, state.ir.sampleRate, state.ir.name);
    } else if (this.ir !== null) {
      // No IR: the identity tap (what the cab holds at start), crossfaded like any IR.
      this.graphs.loadIr(Float32Array.of(1 / irGain(this.sampleRate)), this.sampleRate);
      this.ir = null;
    }
    this.presetName = state.name;
  }

  private freshGraphs(params: Readonly<Record<string, number>>): RigGraphs {
    const graphs = new RigGraphs({ sampleRate: this.sampleRate, params, levels: this.model.levels, emit: (op) => this.pending.push(op) });
    // Model first, built at once: the engine is new and plays silence until it has one.
    this.pending.unshift({ kind: 'model', file: this.model.file, seq: ++this.modelSeq, immediate: true });
    this.awaiting = null;
    this.pruned = new PrunedAssembler();
    this.rendersAtGc = 0;
    if (this.ir !== null) graphs.loadIr(this.ir.samples, this.ir.sampleRate);
    return graphs;
  }

  private describe(text: string, name: string): LoadedModel {
    const file = parseModelText(text);
    return { text, file, name, info: describeModel(file, name), levels: levelsOf(file.metadata) };
  }

  private guard(source: ErrorSource, f: () => void): void {
    try {
      f();
    } catch (e) {
      this.error(source, message(e));
    }
  }

  private error(source: ErrorSource, text: string): void {
    this.outbox.push({ type: 'error', error: { source, message: text } });
  }
}

/** The bridge's IR samples: base64 of little-endian float32. */
export function decodeIrSamples(b64: string): Float32Array {
  try {
    const bytes = fromBase64(b64, 'ir.samples');
    if (bytes.length % 4 !== 0) throw new RangeError(`the IR's sample data is ${bytes.length} bytes, not a whole number of float32 samples`);
    return bytesToF32(bytes);
  } catch (e) {
    if (e instanceof PresetError) throw new RangeError(`the IR's sample data is not valid base64 (${e.message})`);
    throw e;
  }
}
