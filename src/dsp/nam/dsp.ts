/**
 * The contract every architecture implements, and the registry that maps an architecture name
 * to its builder (NeuralAmpModelerCore's `get_dsp` + factory registry).
 *
 * Invariants for every `NamDsp`:
 * - all state and scratch is allocated by `build`; `process` never allocates;
 * - `process` accepts any `n` from 0 to `maxBlockSize`;
 * - buffers are planar: one Float32Array per channel, at least `n` long;
 * - output buffers may be the same arrays as the inputs only when `inPlaceSafe` is true.
 */
import type { ConfigReader } from './config-reader.ts';
import type { Compute } from './compute.ts';
import { NamError } from './errors.ts';

export interface NamDsp {
  readonly numInputChannels: number;
  readonly numOutputChannels: number;
  readonly maxBlockSize: number;
  /** Zeros the core feeds through the model at reset for exact prewarm ("prewarm samples"). */
  readonly prewarmSamples: number;
  process(inputs: readonly Float32Array[], outputs: readonly Float32Array[], n: number): void;
  /** Back to the state right after load (histories zeroed; LSTM back to its exported h0/c0). */
  reset(): void;
  /**
   * Optional: puts the model, in one step, in exactly the state `prewarmSamples` zeros would leave
   * it in (feed-forward models reach a constant steady state). Returns false when not possible.
   */
  prewarmSteadyState?(): boolean;
}

export interface BuildOptions {
  maxBlockSize: number;
  fastTanh: boolean;
  /** 0..1 slim value for slimmable models. */
  slim: number;
  /** Model sample rate (for architectures whose prewarm is a duration, e.g. LSTM's 0.5 s). */
  sampleRate: number;
  /** Where buffers live and which kernels run (plain TypeScript when absent). */
  compute?: Compute;
}

export interface BuildInput {
  config: ConfigReader;
  weights: Float32Array;
  options: BuildOptions;
  /** Builds a nested full .nam object (condition_dsp, slimmable submodels). */
  buildNested: (nam: unknown, path: string, options: BuildOptions) => NamDsp;
}

export type ArchitectureBuilder = (input: BuildInput) => NamDsp;

export class ArchitectureRegistry {
  private readonly builders = new Map<string, ArchitectureBuilder>();

  register(name: string, builder: ArchitectureBuilder): this {
    this.builders.set(name, builder);
    return this;
  }

  names(): string[] {
    return [...this.builders.keys()];
  }

  get(name: string, path: string): ArchitectureBuilder {
    const b = this.builders.get(name);
    if (!b) throw new NamError('unsupported-architecture', path, `unknown architecture "${name}" (known: ${this.names().join(', ')})`);
    return b;
  }
}

/** Upper bound on the floats one model may allocate (weights + state + scratch): 64 Mi floats = 256 MiB. */
export const MAX_MODEL_FLOATS = 64 * 1024 * 1024;

export function checkBudget(floats: number, path: string): void {
  if (!Number.isFinite(floats) || floats > MAX_MODEL_FLOATS) {
    throw new NamError('too-large', path, `this config needs about ${Math.round((floats * 4) / 2 ** 20)} MiB of buffers, more than the ${(MAX_MODEL_FLOATS * 4) / 2 ** 20} MiB limit`);
  }
}

/** Largest block any model accepts. */
export const MAX_BLOCK_SIZE = 65536;

/** The build option every architecture checks first. */
export function checkMaxBlockSize(options: BuildOptions): number {
  const m = options.maxBlockSize;
  if (!Number.isInteger(m) || m < 1 || m > MAX_BLOCK_SIZE) {
    throw new NamError('invalid-option', 'options.maxBlockSize', `expected an integer from 1 to ${MAX_BLOCK_SIZE}, got ${m}`);
  }
  return m;
}
