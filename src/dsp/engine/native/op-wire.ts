/**
 * The plugin's engine ops on the wire between its two V8 isolates (native-host): the graph isolate
 * (`NativeRigGraph`, graph-entry.ts) turns the `RigOp`s its `RigGraphs` emits, plus model loads, into
 * one `WireOps` per host action; the C++ side moves it through a lock-free FIFO; the audio isolate
 * (`NativeRigAudio`, audio-entry.ts) decodes it and applies it between blocks, in order.
 *
 * `text` is JSON (batches are plain arrays; a model is its parsed `NamFile` without the weights); VFS
 * samples and model weights travel beside it as Float32Arrays (`resources`, referenced by index), so
 * IRs and weights cross without a text round trip and the audio side never parses a `.nam`.
 * `heavy` is true when applying the group costs more than a property update or the start of a model
 * build (a VFS entry): the host applies those while the audio thread is kept out of the engine, never
 * in a block. A model op is light: the audio side builds it in bounded steps between blocks.
 */
import type { NamFile } from '../../nam/index.ts';
import type { ElementaryInstructionBatch } from '../elementary-runtime.ts';
import type { GraphTarget } from '../rig-engine.ts';
import type { RigOp } from '../rig-graphs.ts';

/**
 * A model to build on the audio side: parsed and validated on the graph side. `seq` names the load in
 * the audio side's answer (audio-events.ts); `arenaBytes` is its SIMD memory size (`measureArenaBytes`
 * at the audio engine's block size) when known; `immediate` builds it at once (a fresh engine, before
 * real time) instead of in steps.
 */
export interface ModelOp {
  readonly kind: 'model';
  readonly file: NamFile;
  readonly seq: number;
  readonly arenaBytes?: number;
  readonly immediate?: boolean;
}

type EncodedModelOp = Omit<ModelOp, 'file'> & { readonly file: Omit<NamFile, 'weights'>; readonly weights: number };

export type EngineWireOp = RigOp | ModelOp;

type EncodedOp =
  | { readonly kind: 'batch'; readonly target: GraphTarget; readonly batch: ElementaryInstructionBatch }
  | { readonly kind: 'resource'; readonly target: GraphTarget; readonly key: string; readonly index: number }
  | { readonly kind: 'prune'; readonly target: GraphTarget }
  | { readonly kind: 'gc'; readonly target: GraphTarget }
  | EncodedModelOp;

export interface WireOps {
  readonly text: string;
  readonly resources: Float32Array[];
  readonly heavy: boolean;
}

export function encodeOps(ops: readonly EngineWireOp[]): WireOps {
  const resources: Float32Array[] = [];
  let heavy = false;
  const encoded: EncodedOp[] = ops.map((op) => {
    if (op.kind === 'resource') {
      heavy = true;
      resources.push(op.samples);
      return { kind: 'resource', target: op.target, key: op.key, index: resources.length - 1 };
    }
    if (op.kind === 'model') {
      const { weights, ...file } = op.file;
      resources.push(weights);
      return { ...op, file, weights: resources.length - 1 };
    }
    return op;
  });
  return { text: JSON.stringify(encoded), resources, heavy };
}

const isTarget = (t: unknown): t is GraphTarget => t === 'pre' || t === 'post';

/** The inverse of `encodeOps`; throws naming the first malformed op. */
export function decodeOps(text: string, resources: readonly Float32Array[]): EngineWireOp[] {
  const raw: unknown = JSON.parse(text);
  if (!Array.isArray(raw)) throw new Error('engine ops: expected a JSON array');
  return raw.map((op: unknown, i): EngineWireOp => {
    const o = op as Record<string, unknown> | null;
    const kind = o?.['kind'];
    if (o === null || typeof o !== 'object') throw new Error(`engine op ${i}: not an object`);
    if (kind === 'model') {
      const file = o['file'] as Omit<NamFile, 'weights'> | null;
      const weights = resources[o['weights'] as number];
      const seq = o['seq'];
      if (file === null || typeof file !== 'object' || weights === undefined || typeof seq !== 'number') throw new Error(`engine op ${i}: model without file, weights or seq`);
      const arenaBytes = o['arenaBytes'];
      return {
        kind,
        seq,
        file: { ...file, weights: weights instanceof Float32Array ? weights : Float32Array.from(weights) },
        ...(typeof arenaBytes === 'number' ? { arenaBytes } : {}),
        ...(o['immediate'] === true ? { immediate: true } : {}),
      };
    }
    const target = o['target'];
    if (!isTarget(target)) throw new Error(`engine op ${i}: bad target ${String(target)}`);
    if (kind === 'batch') {
      if (!Array.isArray(o['batch'])) throw new Error(`engine op ${i}: batch is not an array`);
      return { kind, target, batch: o['batch'] as ElementaryInstructionBatch };
    }
    if (kind === 'prune' || kind === 'gc') return { kind, target };
    if (kind === 'resource') {
      const samples = resources[o['index'] as number];
      if (typeof o['key'] !== 'string' || samples === undefined) throw new Error(`engine op ${i}: resource without key or samples`);
      // A Float32Array of this realm (embind checks the constructor; another isolate's or context's fails).
      return { kind, target, key: o['key'], samples: samples instanceof Float32Array ? samples : Float32Array.from(samples) };
    }
    throw new Error(`engine op ${i}: unknown kind ${String(kind)}`);
  });
}
