/**
 * ConvNet: a stack of kernel-2 dilated convolutions with optional batchnorm, then a linear head.
 * Mirrors NeuralAmpModelerCore v0.5.5 `nam::convnet::ConvNet` (`NAM/convnet.cpp`: `BatchNorm`,
 * `ConvNetBlock::set_weights_` / `process_`, `_Head`, `ConvNet::ConvNet` / `process`), with the
 * convolution of `Conv1D::set_weights_` / `process_` (`NAM/dsp.cpp`, later `NAM/conv1d.cpp`).
 *
 * Config: `channels` (C), `dilations[]` (one block each), `batchnorm` (bool), `activation`,
 * `groups` (default 1; the core applies it to every block, including the first 1→C one, so
 * anything but 1 is refused — by the core with "in_channels (1) must be divisible by numGroups").
 *
 * Weights, in file order, per block b (in_b = 1 for the first block, C after):
 *   conv W: for group g, out channel o of the group, in channel j of the group, tap k∈{0,1}
 *           (PyTorch Conv1d order); tap k reads the sample dilation·(1−k) back
 *   conv bias (C)                                   — only when batchnorm is false
 *   batchnorm: running_mean (C), running_var (C), weight (C), bias (C), eps (1)
 * then the head: W (C), bias (1).
 *
 * Pipeline, per call with n samples (t = current sample):
 *
 *   x₀[t] = input[t]
 *   for each block b with dilation d:
 *     z[o,t] = Σ_j W0[o,j]·x_b[j, t−d] + W1[o,j]·x_b[j, t]  (+ bias[o] when no batchnorm)
 *     z[o,t] = z[o,t]·scale[o] + loc[o]                        when batchnorm, where (in float32)
 *              scale = weight / sqrt(eps + running_var), loc = bias − scale·running_mean
 *     x_{b+1}[o,t] = activation(z[o,t])
 *   y[t] = head_bias + Σ_c head_W[c]·x_last[c,t]
 *
 * Each block's input keeps its own history (one contiguous run per channel, the core's
 * `RingBuffer` scheme): [ d past samples | current block | slack ]; when the slack runs out the
 * last d samples are copied back to the start. Blocks are processed one layer at a time over the
 * whole block with each weight pair held while it sweeps the samples, and block b writes its
 * output straight into block b+1's history.
 *
 * Prewarm: the core sets `mPrewarmSamples = 1 + Σ dilations` (512 for dilations 1..256, as the
 * convnet_bn manifest says).
 *
 * Invariants: everything is allocated in the builder; `process` never allocates; in-place
 * processing is safe (the input block is copied into the first history before anything is written).
 */
import { checkBudget, checkMaxBlockSize, type ArchitectureBuilder, type NamDsp } from './dsp.ts';
import { NamError } from './errors.ts';
import { expectWeightCount, WeightReader } from './weights.ts';
import { parseActivation, type Activation } from './activations.ts';
import type { ConfigReader } from './config-reader.ts';

const MAX_LAYERS = 4096;

export interface ConvNetConfig {
  channels: number;
  dilations: number[];
  batchnorm: boolean;
  groups: number;
}

export function readConvNetConfig(config: ConfigReader): ConvNetConfig {
  const channels = config.int('channels');
  const dilations = config.intArray('dilations');
  if (dilations.length === 0) config.fail('dilations', 'needs at least one dilation');
  if (dilations.length > MAX_LAYERS) throw new NamError('too-large', config.at('dilations'), `${dilations.length} blocks is more than the limit ${MAX_LAYERS}`);
  const batchnorm = config.bool('batchnorm');
  const groups = config.int('groups', 1);
  if (channels % groups !== 0) config.fail('groups', `${groups} groups do not divide ${channels} channels`);
  if (groups !== 1) {
    config.fail('groups', `the first block has 1 input channel, which ${groups} groups cannot split (NeuralAmpModelerCore refuses this too)`);
  }
  for (const key of ['in_channels', 'out_channels']) {
    if (config.int(key, 1) !== 1) throw new NamError('unsupported-feature', config.at(key), 'only 1 channel is supported');
  }
  return { channels, dilations, batchnorm, groups };
}

function blockInChannels(c: ConvNetConfig, b: number): number {
  return b === 0 ? 1 : c.channels;
}

export function convNetWeightCount(c: ConvNetConfig): number {
  const C = c.channels;
  let n = 0;
  for (let b = 0; b < c.dilations.length; b++) {
    n += (C * blockInChannels(c, b) * 2) / c.groups;
    n += c.batchnorm ? 4 * C + 1 : C;
  }
  return n + C + 1;
}

/** Slack past d + maxBlockSize in each history, so a rewind (a d-sample copy) is amortised. */
function historyLength(dilation: number, maxBlockSize: number): number {
  return dilation + maxBlockSize + Math.max(maxBlockSize, Math.min(dilation, 1 << 14), 256);
}

/** One kernel-2 block: weights repacked per output channel, plus its input history. */
interface Block {
  dilation: number;
  inChannels: number;
  inPerGroup: number;
  outPerGroup: number;
  /** w0[o·inPerGroup + jj]: tap 0 (the sample d back); w1: tap 1 (the current sample). */
  w0: Float32Array;
  w1: Float32Array;
  /** Conv bias (no batchnorm) or batchnorm loc; zero-length when neither. */
  shift: Float32Array;
  /** Batchnorm scale; zero-length without batchnorm. */
  scale: Float32Array;
  activation: Activation;
  /** Input history, channel-major, `length` floats per channel. */
  history: Float32Array;
  length: number;
  pos: number;
}

class ConvNetDsp implements NamDsp {
  readonly numInputChannels = 1;
  readonly numOutputChannels = 1;

  constructor(
    readonly maxBlockSize: number,
    readonly prewarmSamples: number,
    private readonly channels: number,
    private readonly blocks: Block[],
    /** Last block's output, channel-major with stride maxBlockSize. */
    private readonly last: Float32Array,
    private readonly headW: Float32Array,
    private readonly headB: number,
  ) {}

  process(inputs: readonly Float32Array[], outputs: readonly Float32Array[], n: number): void {
    if (n > this.maxBlockSize) throw new NamError('invalid-option', 'process', `n = ${n} is larger than maxBlockSize ${this.maxBlockSize}`);
    if (n <= 0) return;
    const blocks = this.blocks;
    const first = blocks[0]!;
    makeRoom(first, n);
    const x = inputs[0]!;
    const h0 = first.history;
    for (let i = 0, p = first.pos; i < n; i++) h0[p + i] = x[i]!;

    const nb = blocks.length;
    for (let b = 0; b < nb; b++) {
      const blk = blocks[b]!;
      let dst: Float32Array;
      let dstPos: number;
      let dstStride: number;
      if (b + 1 < nb) {
        const next = blocks[b + 1]!;
        makeRoom(next, n);
        dst = next.history;
        dstPos = next.pos;
        dstStride = next.length;
      } else {
        dst = this.last;
        dstPos = 0;
        dstStride = this.maxBlockSize;
      }
      runBlock(blk, dst, dstPos, dstStride, n, this.channels);
      blk.pos += n;
    }

    // Head: y = b + Σ_c W[c]·x[c], weights held while they sweep the block.
    const out = outputs[0]!;
    const last = this.last;
    const hw = this.headW;
    const stride = this.maxBlockSize;
    for (let i = 0; i < n; i++) out[i] = 0;
    for (let c = 0; c < this.channels; c++) {
      const wc = hw[c]!;
      const base = c * stride;
      for (let i = 0; i < n; i++) out[i] = out[i]! + wc * last[base + i]!;
    }
    const hb = this.headB;
    for (let i = 0; i < n; i++) out[i] = hb + out[i]!;
  }

  reset(): void {
    for (const blk of this.blocks) {
      blk.history.fill(0);
      blk.pos = blk.dilation;
    }
    this.last.fill(0);
  }
}

/** Rewinds a history (keeping its last d samples) when n more would not fit. */
function makeRoom(blk: Block, n: number): void {
  if (blk.pos + n <= blk.length) return;
  const d = blk.dilation;
  const L = blk.length;
  const h = blk.history;
  for (let c = 0; c < blk.inChannels; c++) {
    const base = c * L;
    h.copyWithin(base, base + blk.pos - d, base + blk.pos);
  }
  blk.pos = d;
}

/** dst[o·stride + dstPos + i] = act(bn(conv(history)))[o, i] for i < n. */
function runBlock(blk: Block, dst: Float32Array, dstPos: number, stride: number, n: number, outChannels: number): void {
  const src = blk.history;
  const L = blk.length;
  const pos = blk.pos;
  const d = blk.dilation;
  const ipg = blk.inPerGroup;
  const opg = blk.outPerGroup;
  const w0 = blk.w0;
  const w1 = blk.w1;
  const shift = blk.shift;
  const scale = blk.scale;
  const hasShift = shift.length > 0;
  const hasScale = scale.length > 0;
  const act = blk.activation;
  for (let o = 0; o < outChannels; o++) {
    const base = o * stride + dstPos;
    const end = base + n;
    // The core adds the conv bias after the taps; starting from 0 and adding it last keeps its rounding.
    for (let t = base; t < end; t++) dst[t] = 0;
    const g = (o / opg) | 0;
    let jj = 0;
    // Two input channels per sweep: half the loads and stores of dst.
    for (; jj + 1 < ipg; jj += 2) {
      const a0 = w0[o * ipg + jj]!;
      const a1 = w1[o * ipg + jj]!;
      const b0 = w0[o * ipg + jj + 1]!;
      const b1 = w1[o * ipg + jj + 1]!;
      const curA = (g * ipg + jj) * L + pos;
      const pastA = curA - d;
      const curB = curA + L;
      const pastB = curB - d;
      for (let i = 0, t = base; i < n; i++, t++) {
        dst[t] = dst[t]! + (a0 * src[pastA + i]! + a1 * src[curA + i]! + (b0 * src[pastB + i]! + b1 * src[curB + i]!));
      }
    }
    for (; jj < ipg; jj++) {
      const a0 = w0[o * ipg + jj]!;
      const a1 = w1[o * ipg + jj]!;
      const cur = (g * ipg + jj) * L + pos;
      const past = cur - d;
      for (let i = 0, t = base; i < n; i++, t++) dst[t] = dst[t]! + (a0 * src[past + i]! + a1 * src[cur + i]!);
    }
    if (hasScale) {
      const s = scale[o]!;
      const l = shift[o]!;
      for (let t = base; t < end; t++) dst[t] = dst[t]! * s + l;
    } else if (hasShift) {
      const l = shift[o]!;
      for (let t = base; t < end; t++) dst[t] = dst[t]! + l;
    }
    if (!act.isIdentity) act.apply(dst, base, n, o);
  }
}

/** Builds a ConvNet; see the module comment for the layout and pipeline. */
export const buildConvNet: ArchitectureBuilder = ({ config, weights, options }) => {
  const c = readConvNetConfig(config);
  const C = c.channels;
  const activationPath = config.at('activation');
  const activationSpec = config.raw('activation');
  // Parse once up front so a bad activation is reported before the weight count.
  parseActivation(activationSpec, activationPath, { fastTanh: options.fastTanh, channels: C });
  expectWeightCount(convNetWeightCount(c), weights.length);
  const maxBlockSize = checkMaxBlockSize(options);

  let floats = weights.length + C * maxBlockSize;
  for (let b = 0; b < c.dilations.length; b++) {
    const inC = blockInChannels(c, b);
    floats += (2 * C * inC) / c.groups + 2 * C + inC * historyLength(c.dilations[b]!, maxBlockSize);
  }
  checkBudget(floats, config.path);

  const reader = new WeightReader(weights);
  const blocks: Block[] = [];
  for (let b = 0; b < c.dilations.length; b++) {
    const d = c.dilations[b]!;
    const inC = blockInChannels(c, b);
    const ipg = inC / c.groups;
    const opg = C / c.groups;
    const w0 = new Float32Array(C * ipg);
    const w1 = new Float32Array(C * ipg);
    const convW = reader.take(C * ipg * 2);
    let k = 0;
    for (let g = 0; g < c.groups; g++) {
      for (let oo = 0; oo < opg; oo++) {
        const o = g * opg + oo;
        for (let jj = 0; jj < ipg; jj++) {
          w0[o * ipg + jj] = convW[k++]!;
          w1[o * ipg + jj] = convW[k++]!;
        }
      }
    }
    let shift: Float32Array;
    let scale: Float32Array;
    if (!c.batchnorm) {
      shift = Float32Array.from(reader.take(C));
      scale = new Float32Array(0);
    } else {
      const bnStart = reader.offset;
      const mean = reader.take(C);
      const variance = reader.take(C);
      const weight = reader.take(C);
      const bias = reader.take(C);
      const eps = reader.next();
      scale = new Float32Array(C);
      shift = new Float32Array(C);
      for (let o = 0; o < C; o++) {
        // float32 as in the core: scale = weight / sqrt(eps + var); loc = bias - scale * mean.
        const s = Math.fround(weight[o]! / Math.sqrt(Math.fround(eps + variance[o]!)));
        if (!Number.isFinite(s)) {
          throw new NamError('invalid-weights', `weights[${bnStart + C + o}]`, `block ${b} batchnorm: running_var + eps = ${eps + variance[o]!} gives a non-finite scale`);
        }
        scale[o] = s;
        shift[o] = Math.fround(bias[o]! - Math.fround(s * mean[o]!));
      }
    }
    const length = historyLength(d, maxBlockSize);
    blocks.push({
      dilation: d,
      inChannels: inC,
      inPerGroup: ipg,
      outPerGroup: opg,
      w0,
      w1,
      shift,
      scale,
      // One instance per block (activations may carry per-channel parameters).
      activation: parseActivation(activationSpec, activationPath, { fastTanh: options.fastTanh, channels: C }),
      history: new Float32Array(inC * length),
      length,
      pos: d,
    });
  }
  const headW = Float32Array.from(reader.take(C));
  const headB = reader.next();
  reader.finish();

  const prewarm = 1 + c.dilations.reduce((a, d) => a + d, 0);
  return new ConvNetDsp(maxBlockSize, prewarm, C, blocks, new Float32Array(C * maxBlockSize), headW, headB);
};
