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

/**
 * A builder that pauses (yields) between bounded units of its work — a WaveNet after each layer —
 * so a real-time host can spread one construction over several steps (`ModelBuildJob`). Run to
 * its end (`runBuildSteps`) it is the one-shot build, allocation for allocation.
 */
export type ArchitectureSteps = (input: BuildInput) => Generator<void, NamDsp, void>;

/** Runs a stepwise build to its end. */
export function runBuildSteps<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

/** A one-shot builder seen as a stepwise one: all its work in one unit. */
function oneUnit(builder: ArchitectureBuilder): ArchitectureSteps {
  return function* (input: BuildInput): Generator<void, NamDsp, void> {
    return builder(input);
  };
}

export class ArchitectureRegistry {
  private readonly builders = new Map<string, ArchitectureSteps>();

  /** A one-shot builder: constructed in one unit. */
  register(name: string, builder: ArchitectureBuilder): this {
    this.builders.set(name, oneUnit(builder));
    return this;
  }

  /** A stepwise builder (yields between bounded units of work). */
  registerSteps(name: string, steps: ArchitectureSteps): this {
    this.builders.set(name, steps);
    return this;
  }

  names(): string[] {
    return [...this.builders.keys()];
  }

  /** The builder for `name`, run in one go. */
  get(name: string, path: string): ArchitectureBuilder {
    const steps = this.getSteps(name, path);
    return (input) => runBuildSteps(steps(input));
  }

  /** The builder for `name`, stepwise. */
  getSteps(name: string, path: string): ArchitectureSteps {
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
