/**
 * Linear: a plain FIR filter (an impulse response), mirroring NeuralAmpModelerCore v0.5.5
 * `nam::Linear` (`NAM/dsp.cpp`: `Linear::Linear`, `Linear::process`; factory `linear::Factory`).
 *
 * Config: `receptive_field` (RF, taps), `bias` (bool, required as in the core).
 * Weights: h[0..RF-1], then the bias when `bias` is true. h[0] multiplies the newest sample.
 *
 * Pipeline, per call with n samples:
 *
 *   history[pos .. pos+n) = x[0 .. n)          // append (rewind first when it would overflow)
 *   for i in 0..n-1:                           // t = pos + i is "now"
 *     y[i] = bias + Σ_{k=0}^{RF-1} h[k] · history[t - k]
 *   pos += n
 *
 * The history holds RF-1 past samples before the block (zeros after build/reset), so the first
 * output samples see zeros, exactly as the core's zero-filled input buffer does. The core's dot
 * product is float32; this one sums in double and rounds once (differences ~1e-7 relative).
 *
 * Prewarm: the core's `Buffer` does not override `PrewarmSamples()`, so Linear has 0 prewarm
 * samples (the reference manifests agree: 0 for linear_64 and the trainer's identity models).
 *
 * Invariants: all buffers are allocated in the builder; `process` never allocates; in-place
 * processing (outputs[0] === inputs[0]) is safe because the block is copied into the history first.
 */
import { checkBudget, checkMaxBlockSize, type ArchitectureBuilder, type NamDsp } from './dsp.ts';
import { NamError } from './errors.ts';
import { expectWeightCount } from './weights.ts';
import type { ConfigReader } from './config-reader.ts';

/** Largest maxBlockSize any builder accepts (1 Mi samples). */

/** Extra room past RF-1 + maxBlockSize, so rewinds (an RF-1 copy) happen only every few blocks. */
function historySlack(rf: number, maxBlockSize: number): number {
  return Math.max(maxBlockSize, Math.min(rf, 1 << 14), 256);
}

export interface LinearConfig {
  receptiveField: number;
  bias: boolean;
}

export function readLinearConfig(config: ConfigReader): LinearConfig {
  const receptiveField = config.int('receptive_field');
  const bias = config.bool('bias');
  for (const key of ['in_channels', 'out_channels']) {
    if (config.int(key, 1) !== 1) throw new NamError('unsupported-feature', config.at(key), 'only 1 channel is supported');
  }
  return { receptiveField, bias };
}

export function linearWeightCount(c: LinearConfig): number {
  return c.receptiveField + (c.bias ? 1 : 0);
}

class LinearDsp implements NamDsp {
  readonly numInputChannels = 1;
  readonly numOutputChannels = 1;
  readonly prewarmSamples = 0;
  /** Taps reversed (w[j] = h[RF-1-j]) so the inner loop walks the history forwards, as the core does. */
  private readonly w: Float32Array;
  private readonly history: Float32Array;
  private pos: number;

  constructor(
    readonly maxBlockSize: number,
    private readonly rf: number,
    taps: Float32Array,
    private readonly bias: number,
  ) {
    this.w = new Float32Array(rf);
    for (let j = 0; j < rf; j++) this.w[j] = taps[rf - 1 - j]!;
    this.history = new Float32Array(rf - 1 + maxBlockSize + historySlack(rf, maxBlockSize));
    this.pos = rf - 1;
  }

  process(inputs: readonly Float32Array[], outputs: readonly Float32Array[], n: number): void {
    if (n > this.maxBlockSize) throw new NamError('invalid-option', 'process', `n = ${n} is larger than maxBlockSize ${this.maxBlockSize}`);
    if (n <= 0) return;
    const h = this.history;
    const w = this.w;
    const rf = this.rf;
    const reach = rf - 1;
    if (this.pos + n > h.length) {
      h.copyWithin(0, this.pos - reach, this.pos);
      this.pos = reach;
    }
    const pos = this.pos;
    const x = inputs[0]!;
    for (let i = 0; i < n; i++) h[pos + i] = x[i]!;
    const out = outputs[0]!;
    const bias = this.bias;
    for (let i = 0; i < n; i++) {
      // Window [pos + i - reach, pos + i], oldest first.
      const start = pos + i - reach;
      let acc = 0;
      for (let j = 0; j < rf; j++) acc += w[j]! * h[start + j]!;
      out[i] = bias + acc;
    }
    this.pos = pos + n;
  }

  reset(): void {
    this.history.fill(0);
    this.pos = this.rf - 1;
  }
}

/** Builds a Linear (FIR) model; see the module comment for the layout and pipeline. */
export const buildLinear: ArchitectureBuilder = ({ config, weights, options }) => {
  const c = readLinearConfig(config);
  expectWeightCount(linearWeightCount(c), weights.length);
  const maxBlockSize = checkMaxBlockSize(options);
  const rf = c.receptiveField;
  checkBudget(weights.length + rf + (rf - 1 + maxBlockSize + historySlack(rf, maxBlockSize)), config.path);
  return new LinearDsp(maxBlockSize, rf, weights.subarray(0, rf), c.bias ? weights[rf]! : 0);
};
