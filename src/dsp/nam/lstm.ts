/**
 * LSTM: a stack of LSTM cells and a linear head, run one sample at a time. Mirrors
 * NeuralAmpModelerCore v0.5.5 `nam::lstm::LSTM` (`NAM/lstm.cpp`: `LSTMCell::LSTMCell`,
 * `LSTMCell::process_`, `LSTM::LSTM`, `LSTM::_process_sample`, `LSTM::PrewarmSamples`).
 *
 * Config: `input_size` (I, default 1; only 1 is accepted, the input is mono), `hidden_size` (H),
 * `num_layers` (0 is allowed: the core then passes the input straight through, ignoring the head).
 *
 * Weights, in file order, per layer l (I_l = I for l = 0, H after):
 *   W   [4H × (I_l + H)] row-major; rows are gates i, f, g, o; columns are x then h
 *       (PyTorch's W_ih and W_hh side by side)
 *   b   [4H]  (b_ih + b_hh, already summed)
 *   h0  [H], c0 [H]  — the exported initial state
 * then the head: W [H], bias (1).
 *
 * Pipeline, per sample x (all state float32):
 *
 *   xh₀[0] = x
 *   for each layer l:
 *     ifgo = W_l · [x_l, h_l] + b_l          // x_l = x for l = 0, else h_{l−1} (the new one)
 *     c_l  = σ(f)·c_l + σ(i)·tanh(g)          // all c first,
 *     h_l  = σ(o)·tanh(c_l)                   // then all h
 *   y = head_W · h_last + head_bias
 *
 * With `options.fastTanh`, σ is the core's `fast_sigmoid` and tanh its `fast_tanh` (for g and for
 * c), exactly as `LSTMCell::process_` switches on `Activation::using_fast_tanh`; otherwise the
 * exact sigmoid 1/(1+e^−x) and tanh.
 *
 * State layout: one Float32Array `xh` = [x (I) | h_0 (H) | h_1 (H) | … ], so layer l's [x_l, h_l]
 * vector is the contiguous slice starting at layer l−1's h (no copies between layers). Gates go to
 * a preallocated `ifgo` scratch; the matrix-vector product runs four rows per pass over xh.
 *
 * Reset semantics (our choice): `reset()` restores the exported h0/c0, i.e. the state right after
 * load. The core's `Reset()` does not touch h/c; it only prewarms from whatever state the cell is
 * in. So "build, prewarm" matches the core exactly; "process, reset, prewarm" matches a freshly
 * loaded core model rather than the core's reused one. (Trained exports already hold the
 * silence steady state: for the core's example lstm.nam 24000 zeros leave h/c unchanged, so its
 * prewarmed and un-prewarmed reference outputs are identical; random-weight models do move.)
 *
 * Prewarm: the core's `PrewarmSamples()` is `(int)(0.5 · expected_sample_rate)`, and 1 when that is
 * ≤ 0 (no sample rate in the file); truncated, not rounded. 24000 at 48 kHz.
 *
 * Invariants: everything is allocated in the builder; `process` never allocates; in-place
 * processing is safe (each sample is read before its output is written).
 */
import { checkBudget, checkMaxBlockSize, type ArchitectureBuilder, type NamDsp } from './dsp.ts';
import { NamError } from './errors.ts';
import { expectWeightCount, WeightReader } from './weights.ts';
import { fastSigmoid, fastTanh } from './activations.ts';
import type { ConfigReader } from './config-reader.ts';
import { SimdLstmDsp } from './simd/simd-lstm.ts';

/** Largest hidden size accepted: a 4096-wide layer already has 134 M weights, past the budget. */
const MAX_HIDDEN = 4096;
const MAX_LAYERS = 1024;

export interface LstmConfig {
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
}

export function readLstmConfig(config: ConfigReader): LstmConfig {
  const inputSize = config.int('input_size', 1);
  const hiddenSize = config.int('hidden_size', undefined, 1, MAX_HIDDEN);
  const numLayers = config.int('num_layers', undefined, 0, MAX_LAYERS);
  if (inputSize !== 1) {
    throw new NamError('unsupported-feature', config.at('input_size'), `only 1 (a mono input) is supported, got ${inputSize}`);
  }
  for (const key of ['in_channels', 'out_channels']) {
    if (config.int(key, 1) !== 1) throw new NamError('unsupported-feature', config.at(key), 'only 1 channel is supported');
  }
  return { inputSize, hiddenSize, numLayers };
}

function layerInputSize(c: LstmConfig, l: number): number {
  return l === 0 ? c.inputSize : c.hiddenSize;
}

export function lstmWeightCount(c: LstmConfig): number {
  const H = c.hiddenSize;
  let n = 0;
  for (let l = 0; l < c.numLayers; l++) n += 4 * H * (layerInputSize(c, l) + H) + 4 * H + 2 * H;
  return n + H + 1;
}

/** The core's `LSTM::PrewarmSamples()`: (int)(0.5 · rate), or 1 when that is ≤ 0. */
export function lstmPrewarmSamples(sampleRate: number): number {
  const r = Math.trunc(0.5 * sampleRate);
  return Number.isFinite(r) && r > 0 ? r : 1;
}

class LstmDsp implements NamDsp {
  readonly numInputChannels = 1;
  readonly numOutputChannels = 1;
  /** [x (I) | h_0 | … | h_{L−1}]. */
  private readonly xh: Float32Array;
  /** [c_0 | … | c_{L−1}]. */
  private readonly c: Float32Array;
  private readonly ifgo: Float32Array;

  constructor(
    readonly maxBlockSize: number,
    readonly prewarmSamples: number,
    private readonly inputSize: number,
    private readonly hidden: number,
    private readonly numLayers: number,
    /** Per layer: W (4H × (I_l+H), row-major) and b (4H), views into the weights. */
    private readonly w: Float32Array[],
    private readonly b: Float32Array[],
    /** Exported initial state, laid out like xh's h part and like c. */
    private readonly h0: Float32Array,
    private readonly c0: Float32Array,
    private readonly headW: Float32Array,
    private readonly headB: number,
    private readonly fast: boolean,
  ) {
    this.xh = new Float32Array(inputSize + numLayers * hidden);
    this.c = new Float32Array(numLayers * hidden);
    this.ifgo = new Float32Array(4 * hidden);
    this.reset();
  }

  reset(): void {
    this.xh.fill(0);
    this.xh.set(this.h0, this.inputSize);
    this.c.set(this.c0);
  }

  process(inputs: readonly Float32Array[], outputs: readonly Float32Array[], n: number): void {
    if (n > this.maxBlockSize) throw new NamError('invalid-option', 'process', `n = ${n} is larger than maxBlockSize ${this.maxBlockSize}`);
    const x = inputs[0]!;
    const y = outputs[0]!;
    const L = this.numLayers;
    if (L === 0) {
      // The core's `_process_sample` returns the input when there are no layers.
      for (let i = 0; i < n; i++) y[i] = x[i]!;
      return;
    }
    const H = this.hidden;
    const I = this.inputSize;
    const xh = this.xh;
    const cs = this.c;
    const ifgo = this.ifgo;
    const hw = this.headW;
    const hb = this.headB;
    const lastH = I + (L - 1) * H;
    const fast = this.fast;
    for (let s = 0; s < n; s++) {
      xh[0] = x[s]!;
      for (let l = 0; l < L; l++) {
        const W = this.w[l]!;
        const B = this.b[l]!;
        const start = l === 0 ? 0 : I + (l - 1) * H; // layer l's [x_l, h_l]
        const cols = (l === 0 ? I : H) + H;
        const hOff = start + cols - H;
        const cOff = l * H;
        // ifgo = W · xh + b, four rows at a time (4H is a multiple of 4): each xh value is loaded
        // once for four independent accumulators.
        for (let r = 0; r < 4 * H; r += 4) {
          const r0 = r * cols;
          const r1 = r0 + cols;
          const r2 = r1 + cols;
          const r3 = r2 + cols;
          let a0 = 0;
          let a1 = 0;
          let a2 = 0;
          let a3 = 0;
          for (let j = 0; j < cols; j++) {
            const v = xh[start + j]!;
            a0 += W[r0 + j]! * v;
            a1 += W[r1 + j]! * v;
            a2 += W[r2 + j]! * v;
            a3 += W[r3 + j]! * v;
          }
          ifgo[r] = a0 + B[r]!;
          ifgo[r + 1] = a1 + B[r + 1]!;
          ifgo[r + 2] = a2 + B[r + 2]!;
          ifgo[r + 3] = a3 + B[r + 3]!;
        }
        if (fast) {
          for (let k = 0; k < H; k++) {
            cs[cOff + k] = fastSigmoid(ifgo[H + k]!) * cs[cOff + k]! + fastSigmoid(ifgo[k]!) * fastTanh(ifgo[2 * H + k]!);
          }
          for (let k = 0; k < H; k++) xh[hOff + k] = fastSigmoid(ifgo[3 * H + k]!) * fastTanh(cs[cOff + k]!);
        } else {
          for (let k = 0; k < H; k++) {
            const f = 1 / (1 + Math.exp(-ifgo[H + k]!));
            const ig = 1 / (1 + Math.exp(-ifgo[k]!));
            cs[cOff + k] = f * cs[cOff + k]! + ig * Math.tanh(ifgo[2 * H + k]!);
          }
          for (let k = 0; k < H; k++) {
            const o = 1 / (1 + Math.exp(-ifgo[3 * H + k]!));
            xh[hOff + k] = o * Math.tanh(cs[cOff + k]!);
          }
        }
      }
      let acc = 0;
      for (let k = 0; k < H; k++) acc += hw[k]! * xh[lastH + k]!;
      y[s] = acc + hb;
    }
  }
}

/** Builds an LSTM; see the module comment for the layout, pipeline and reset semantics. */
export const buildLstm: ArchitectureBuilder = ({ config, weights, options }) => {
  const c = readLstmConfig(config);
  expectWeightCount(lstmWeightCount(c), weights.length);
  const maxBlockSize = checkMaxBlockSize(options);
  const H = c.hiddenSize;
  const L = c.numLayers;
  // xh (I + L·H), c (L·H), h0 and c0 copies (2·L·H), ifgo (4H); W, b and the head stay views of `weights`.
  checkBudget(weights.length + c.inputSize + 4 * L * H + 4 * H, config.path);

  const simd = options.compute?.simd;
  if (simd && options.compute && c.inputSize === 1) {
    return new SimdLstmDsp(weights, H, L, options.fastTanh, maxBlockSize, lstmPrewarmSamples(options.sampleRate), options.compute, simd);
  }

  const reader = new WeightReader(weights);
  const w: Float32Array[] = [];
  const b: Float32Array[] = [];
  const h0 = new Float32Array(L * H);
  const c0 = new Float32Array(L * H);
  for (let l = 0; l < L; l++) {
    w.push(reader.take(4 * H * (layerInputSize(c, l) + H)));
    b.push(reader.take(4 * H));
    h0.set(reader.take(H), l * H);
    c0.set(reader.take(H), l * H);
  }
  const headW = reader.take(H);
  const headB = reader.next();
  reader.finish();

  return new LstmDsp(maxBlockSize, lstmPrewarmSamples(options.sampleRate), c.inputSize, H, L, w, b, h0, c0, headW, headB, options.fastTanh);
};
