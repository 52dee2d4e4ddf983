/**
 * Messages between the main thread (src/ui/worklet-transport.ts) and the rig's AudioWorkletProcessor
 * (rig-processor.ts). Plain data only: they cross `MessagePort` by structured clone.
 *
 * The main thread owns the graph side (`RigGraphs`: renderers, refs, parameter values, IR resampling)
 * and sends the ops it emits (`ops` messages, in emission order); the processor only queues them on its
 * engine. Models are parsed and validated on the main thread (`parseNam`, `measureArenaBytes`) and
 * arrive parsed, their weights' buffer transferred; the processor builds them in bounded steps
 * between render quanta (`ModelBuildJob`) while the current model keeps playing.
 */
import type { KernelChoice, NamFile } from '../../nam/index.ts';
import type { RigOp } from '../rig-graphs.ts';
import type { GraphTarget } from '../rig-engine.ts';

/** The processor's registered name (`registerProcessor` / `new AudioWorkletNode`). */
export const RIG_PROCESSOR_NAME = 'nam-rig';

/** The render quantum the processor is built for (Web Audio's is 128). */
export const RIG_BLOCK_SIZE = 128;

/**
 * `processorOptions` of the AudioWorkletNode. Everything given here is applied in the processor's
 * constructor, before the first render quantum: a render with these options is deterministic from
 * sample 0 (the offline test relies on it). Later changes go through port messages.
 */
export interface RigProcessorOptions {
  /** First model, parsed (`parseNam`); built in the constructor, before the first quantum. */
  readonly model?: NamFile;
  /**
   * The graph side's first ops (identity IR, first render of both graphs for the first model's levels,
   * then any param/IR changes), applied before the first quantum.
   */
  readonly ops?: readonly RigOp[];
  /** NAM kernels (default 'auto': relaxed SIMD when the browser has it). */
  readonly kernels?: 'auto' | KernelChoice;
  /** Meter posts per second (default 30; 0 = none). */
  readonly meterHz?: number;
}

/** Main thread → processor. `id` is echoed back in the answer (`loaded` / `error`). */
export type ToProcessor =
  /**
   * A parsed model (post it with `file.weights.buffer` in the transfer list). `arenaBytes`: its SIMD
   * memory size from `measureArenaBytes` (saves the worklet the sizing step). A model still building
   * is dropped for it (answered with `superseded`). `immediate`: the context is not rendering
   * (suspended: `process` is not called, so steps would never run): build it at once in the handler,
   * where no audio plays that a long handler could interrupt.
   */
  | { readonly type: 'model'; readonly id: number; readonly file: NamFile; readonly arenaBytes?: number; readonly immediate?: boolean }
  /** Graph-side ops (batches, VFS entries, prunes), queued on the engine in order. */
  | { readonly type: 'ops'; readonly ops: readonly RigOp[] }
  | { readonly type: 'bypass'; readonly on: boolean };

/** Processor → main thread. */
export type FromProcessor =
  /** Sent once the constructor has built the engine (and the initial model/IR, if any). */
  | { readonly type: 'ready'; readonly kernels: string | null }
  /** A `model` was built and queued: it crossfades in from the next quantum. */
  | { readonly type: 'loaded'; readonly id: number; readonly what: 'model' }
  /** A `model` still building was dropped for a newer one. */
  | { readonly type: 'superseded'; readonly id: number }
  /** The answer to a `gc` op: the node ids that graph's runtime freed (for `RigGraphs.pruned`). */
  | { readonly type: 'pruned'; readonly target: GraphTarget; readonly ids: readonly number[] }
  /** Linear peaks since the previous reading (`in` after the input gain). */
  | { readonly type: 'meters'; readonly in: number; readonly out: number }
  | { readonly type: 'error'; readonly id: number | null; readonly source: 'model' | 'engine'; readonly message: string };
