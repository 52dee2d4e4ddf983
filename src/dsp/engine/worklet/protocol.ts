/**
 * Messages between the main thread (src/ui/worklet-transport.ts) and the rig's AudioWorkletProcessor
 * (rig-processor.ts). Plain data only: they cross `MessagePort` by structured clone.
 *
 * The main thread owns the graph side (`RigGraphs`: renderers, refs, parameter values, IR resampling)
 * and sends the ops it emits (`ops` messages, in emission order); the processor only queues them on its
 * engine and builds NAM models from their text.
 */
import type { KernelChoice } from '../../nam/index.ts';
import type { RigOp } from '../rig-graphs.ts';

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
  /** First model's `.nam` text. */
  readonly modelText?: string;
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
  | { readonly type: 'model'; readonly id: number; readonly text: string }
  /** Graph-side ops (batches, VFS entries, prunes), queued on the engine in order. */
  | { readonly type: 'ops'; readonly ops: readonly RigOp[] }
  | { readonly type: 'bypass'; readonly on: boolean };

/** Processor → main thread. */
export type FromProcessor =
  /** Sent once the constructor has built the engine (and the initial model/IR, if any). */
  | { readonly type: 'ready'; readonly kernels: string | null }
  /** A `model` command was applied. */
  | { readonly type: 'loaded'; readonly id: number; readonly what: 'model' }
  /** Linear peaks since the previous reading (`in` after the input gain). */
  | { readonly type: 'meters'; readonly in: number; readonly out: number }
  | { readonly type: 'error'; readonly id: number | null; readonly source: 'model' | 'engine'; readonly message: string };
