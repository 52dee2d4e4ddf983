/**
 * `createNamModel`: the engine's public, mono, real-time model object.
 *
 *   createNamModel(file, { maxBlockSize, fastTanh?, slim?, prewarm? })
 *     → { process(input, output), reset(), sampleRate, receptiveField, prewarmSamples, metadata }
 *
 * - `process` takes blocks of any length (it splits them at maxBlockSize internally), works in
 *   place (input === output is fine) and allocates nothing;
 * - `reset()` clears every history and, unless `prewarm: false`, feeds the model's exact prewarm
 *   (receptive-field) zeros, as NeuralAmpModelerCore does. Models are created already prewarmed.
 */
import { MAX_BLOCK_SIZE, type ArchitectureRegistry, type NamDsp } from './dsp.ts';
import { NamError } from './errors.ts';
import { parseNam, type NamFile, type NamMetadata } from './file.ts';
import { buildDsp, createDefaultRegistry } from './registry.ts';
import { jsCompute } from './compute.ts';
import { relaxedSimdSupported, simdSupported } from './simd/kernels.ts';
import { countingCompute, createSimdCompute } from './simd/simd-compute.ts';

/** Which kernels run the model: plain TypeScript, WebAssembly SIMD, or SIMD with relaxed fused multiply-add. */
export type KernelChoice = 'js' | 'simd' | 'relaxed-simd';

export interface NamModelOptions {
  /** Largest block the host will pass at once (1..65536). */
  maxBlockSize: number;
  /** Use NeuralAmpModelerCore's fast tanh (as the official plugin does). Default false. */
  fastTanh?: boolean;
  /** 0..1 size for slimmable models (default 1 = full size). */
  slim?: number;
  /** Feed the exact prewarm on creation and reset (default true). */
  prewarm?: boolean;
  /**
   * Kernels: 'auto' (default) picks relaxed SIMD, else SIMD, else plain TypeScript, by what the
   * runtime supports; a named choice that the runtime lacks falls back the same way.
   */
  kernels?: 'auto' | KernelChoice;
  registry?: ArchitectureRegistry;
}

export interface NamModel {
  readonly sampleRate: number;
  /** Samples of input that determine one output sample (the prewarm length). */
  readonly receptiveField: number;
  readonly prewarmSamples: number;
  readonly maxBlockSize: number;
  readonly metadata: NamMetadata;
  readonly architecture: string;
  readonly version: string;
  /** The kernels this model runs on. */
  readonly kernels: KernelChoice;
  /** output[i] = model(input)[i] for every i; any length; may be in place. */
  process(input: Float32Array, output: Float32Array): void;
  reset(): void;
}


let sharedRegistry: ArchitectureRegistry | undefined;

/**
 * The mono model around a built DSP. Exported for build jobs (model-build-job.ts), which construct
 * it unprimed (`primed = false`) and run its reset in bounded pieces: `resetBegin()`, then
 * `resetStep(maxSamples)` until `resetDone`. `reset()` is the same thing in one go.
 */
export class MonoModel implements NamModel {
  readonly receptiveField: number;
  readonly prewarmSamples: number;
  private readonly inBuf: Float32Array;
  private readonly outBuf: Float32Array;
  private readonly ins: Float32Array[];
  private readonly outs: Float32Array[];
  /** Prewarm zeros still to feed in the reset under way; -1: the steady-state shortcut not tried yet. */
  private prewarmLeft = 0;

  constructor(
    private readonly dsp: NamDsp,
    private readonly file: NamFile,
    readonly maxBlockSize: number,
    private readonly prewarm: boolean,
    readonly kernels: KernelChoice,
    primed = true,
  ) {
    this.prewarmSamples = dsp.prewarmSamples;
    this.receptiveField = dsp.prewarmSamples;
    this.inBuf = new Float32Array(maxBlockSize);
    this.outBuf = new Float32Array(maxBlockSize);
    this.ins = [this.inBuf];
    this.outs = [this.outBuf];
    if (primed) this.reset();
  }

  get sampleRate(): number {
    return this.file.sampleRate;
  }
  get metadata(): NamMetadata {
    return this.file.metadata;
  }
  get architecture(): string {
    return this.file.architecture;
  }
  get version(): string {
    return this.file.version;
  }

  process(input: Float32Array, output: Float32Array): void {
    const total = Math.min(input.length, output.length);
    const inBuf = this.inBuf;
    const outBuf = this.outBuf;
    for (let start = 0; start < total; start += this.maxBlockSize) {
      const n = Math.min(this.maxBlockSize, total - start);
      for (let t = 0; t < n; t++) {
        // WebAssembly cannot flush denormals to zero: drop vanishing input before it reaches the kernels.
        const v = input[start + t]!;
        inBuf[t] = v > -1e-30 && v < 1e-30 ? 0 : v;
      }
      this.dsp.process(this.ins, this.outs, n);
      for (let t = 0; t < n; t++) output[start + t] = outBuf[t]!;
    }
  }

  reset(): void {
    this.resetBegin();
    while (!this.resetDone) this.resetStep(Infinity);
  }

  /** Clears every history (the first part of `reset`). */
  resetBegin(): void {
    this.dsp.reset();
    this.prewarmLeft = this.prewarm && this.prewarmSamples > 0 ? -1 : 0;
  }

  /** True when the reset begun by `resetBegin` is complete (the model is prewarmed). */
  get resetDone(): boolean {
    return this.prewarmLeft === 0;
  }

  /**
   * Continues the reset begun by `resetBegin`: the one-step steady-state prewarm when the DSP has it,
   * else at most `maxSamples` (rounded up to a whole block) of prewarm zeros, in the same blocks
   * `reset` feeds. Returns the zeros fed.
   */
  resetStep(maxSamples: number): number {
    if (this.prewarmLeft === -1) {
      if (this.dsp.prewarmSteadyState?.()) {
        this.prewarmLeft = 0;
        return 0;
      }
      this.inBuf.fill(0);
      this.prewarmLeft = this.prewarmSamples;
    }
    let fed = 0;
    while (this.prewarmLeft > 0 && fed < maxSamples) {
      const n = Math.min(this.prewarmLeft, this.maxBlockSize);
      this.dsp.process(this.ins, this.outs, n);
      this.prewarmLeft -= n;
      fed += n;
    }
    return fed;
  }
}

/** `NamModelOptions` checked, with defaults and the kernels resolved for this runtime. */
export interface ResolvedModelOptions {
  readonly maxBlockSize: number;
  readonly fastTanh: boolean;
  readonly slim: number;
  readonly prewarm: boolean;
  readonly kernels: KernelChoice;
  readonly registry: ArchitectureRegistry;
}

export function resolveModelOptions(options: NamModelOptions): ResolvedModelOptions {
  const { maxBlockSize } = options;
  if (!Number.isInteger(maxBlockSize) || maxBlockSize < 1 || maxBlockSize > MAX_BLOCK_SIZE) {
    throw new NamError('invalid-option', 'maxBlockSize', `must be an integer from 1 to ${MAX_BLOCK_SIZE}, got ${maxBlockSize}`);
  }
  const slim = options.slim ?? 1;
  if (!(slim >= 0 && slim <= 1)) throw new NamError('invalid-option', 'slim', `must be between 0 and 1, got ${slim}`);
  return {
    maxBlockSize,
    fastTanh: options.fastTanh ?? false,
    slim,
    prewarm: options.prewarm ?? true,
    kernels: resolveKernels(options.kernels ?? 'auto'),
    registry: options.registry ?? (sharedRegistry ??= createDefaultRegistry()),
  };
}

/** Refuses a DSP that is not mono in, mono out. */
export function checkMono(dsp: NamDsp): void {
  if (dsp.numInputChannels !== 1 || dsp.numOutputChannels !== 1) {
    throw new NamError('unsupported-feature', 'config', `nam-rig plays mono models; this one has ${dsp.numInputChannels} inputs and ${dsp.numOutputChannels} outputs`);
  }
}

export function createNamModel(fileOrText: NamFile | string, options: NamModelOptions): NamModel {
  const file = typeof fileOrText === 'string' ? parseNam(fileOrText) : fileOrText;
  const o = resolveModelOptions(options);
  const { maxBlockSize, kernels, registry } = o;
  const base = { maxBlockSize, fastTanh: o.fastTanh, slim: o.slim, sampleRate: file.sampleRate };
  let dsp: NamDsp;
  if (kernels === 'js') {
    dsp = buildDsp(file, { ...base, compute: jsCompute(maxBlockSize) }, registry);
  } else {
    // Two passes: measure the memory the SIMD build needs, then build into memory of that size.
    const counter = countingCompute(maxBlockSize);
    buildDsp(file, { ...base, compute: counter }, registry);
    dsp = buildDsp(file, { ...base, compute: createSimdCompute(maxBlockSize, counter.bytes, kernels === 'relaxed-simd') }, registry);
  }
  checkMono(dsp);
  return new MonoModel(dsp, file, maxBlockSize, o.prewarm, kernels);
}

/**
 * Features seen supported, so a model load (on a real-time thread, between blocks) does not validate
 * a probe module each time: a feature does not go away; one not seen yet is checked again (a V8 flag
 * may turn it on at run time).
 */
const seen = { simd: false, relaxed: false };

function resolveKernels(wanted: 'auto' | KernelChoice): KernelChoice {
  if (wanted === 'js') return 'js';
  if (wanted !== 'simd' && (seen.relaxed ||= relaxedSimdSupported())) return 'relaxed-simd';
  return (seen.simd ||= simdSupported()) ? 'simd' : 'js';
}
