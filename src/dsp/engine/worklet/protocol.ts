/**
 * Messages between the main thread (src/ui/worklet-transport.ts) and the rig's AudioWorkletProcessor
 * (rig-processor.ts). Plain data only: they cross `MessagePort` by structured clone.
 */
import type { KernelChoice } from '../../nam/index.ts';

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
  /** Initial parameter values (clamped by the registry), over its defaults. */
  readonly params?: Readonly<Record<string, number>>;
  /** First model's `.nam` text. */
  readonly modelText?: string;
  /** First impulse response (mono) and its rate. */
  readonly ir?: { readonly samples: Float32Array; readonly sampleRate: number };
  /** NAM kernels (default 'auto': relaxed SIMD when the browser has it). */
  readonly kernels?: 'auto' | KernelChoice;
  /** Meter posts per second (default 30; 0 = none). */
  readonly meterHz?: number;
}

/** Main thread → processor. `id` is echoed back in the answer (`loaded` / `error`). */
export type ToProcessor =
  | { readonly type: 'model'; readonly id: number; readonly text: string }
  | { readonly type: 'ir'; readonly id: number; readonly samples: Float32Array; readonly sampleRate: number }
  | { readonly type: 'param'; readonly id: number; readonly param: string; readonly value: number }
  | { readonly type: 'bypass'; readonly on: boolean };

/** Processor → main thread. */
export type FromProcessor =
  /** Sent once the constructor has built the engine (and the initial model/IR, if any). */
  | { readonly type: 'ready'; readonly kernels: string | null }
  /** A `model` or `ir` command was applied. */
  | { readonly type: 'loaded'; readonly id: number; readonly what: 'model' | 'ir' }
  /** A `param` command was applied; `value` is the clamped value. */
  | { readonly type: 'param'; readonly id: number; readonly param: string; readonly value: number }
  /** Linear peaks since the previous reading (`in` after the input gain). */
  | { readonly type: 'meters'; readonly in: number; readonly out: number }
  | { readonly type: 'error'; readonly id: number | null; readonly source: 'model' | 'ir' | 'param' | 'engine'; readonly message: string };
