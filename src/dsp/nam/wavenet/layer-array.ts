/**
 * A WaveNet layer array (NeuralAmpModelerCore `wavenet::detail::LayerArray`).
 *
 *   x        = rechannel(layer_inputs)             input_size → channels, 1x1, no bias
 *   head_acc = 0 (first array) or the previous array's head output
 *   for each layer: x = layer(x, cond, head_acc)   (each layer adds its head branch to head_acc)
 *   layer_outputs = x
 *   head_out = head_rechannel(head_acc)            causal conv, kernel/dilation from `head`, bias optional
 *
 * On the SIMD path, when every layer has a fused form (simd-layer.ts), each layer is one
 * `wavenet_layer` call on pointers computed once per block. Chained (the default, for channels a
 * multiple of 4), no layer copies its input into its conv history: the rechannel writes x straight
 * into layer 0's history, and each layer (`wavenet_layer_chain`) writes x + layer1x1(z) straight
 * into the next layer's history, the last one into x. Same bits as the copying form, which stays for
 * the steady-primed prewarm block (priming a history needs its input before the block runs).
 */
import { Conv1d, Conv1x1 } from '../conv1d.ts';
import { convWeightCount } from '../conv-kernel.ts';
import { Planar, type PlanarView } from '../planar.ts';
import type { Compute } from '../compute.ts';
import type { SimdKernels } from '../simd/kernels.ts';
import type { PlanarOps } from '../planar-ops.ts';
import type { WeightReader } from '../weights.ts';
import { headInputWidth, type LayerArraySpec } from './config.ts';
import { WaveNetLayer } from './layer.ts';

export class LayerArray {
  private readonly rechannel: Conv1x1;
  private readonly layers: WaveNetLayer[];
  private readonly headRechannel: Conv1d;
  /** Layer activations ping-pong here; after process() it holds the layer outputs. */
  readonly x: Planar;
  private readonly headAcc: Planar;
  readonly headOut: Planar;
  /** SIMD kernels and every layer's fused form, when all layers have one (else null). */
  private readonly kernels: SimdKernels | null;
  private readonly fusedDescs: Int32Array;
  private readonly fusedConvs: Conv1d[];
  /** Chained form: byte address of each fused layer's history, and its floats per channel (else empty). */
  private readonly historyAt: Int32Array;
  private readonly historyStride: Int32Array;
  /** Chained form: where the rechannel writes, layer 0's history at this block's position (else null). */
  private readonly firstHistory: { data: Float32Array; offset: number; stride: number; channels: number } | null;

  /**
   * Builds an array stepwise: yields after each layer (the rechannel comes with the first), and
   * returns the array, with its head rechannel and buffers, after the last. Weights are read in file
   * order: rechannel, layers, head rechannel. `chain`: false keeps the copying fused form (same
   * bits; for tests and A/B measurements).
   */
  static *build(spec: LayerArraySpec, weights: WeightReader, compute: Compute, ops: PlanarOps, chain = true): Generator<void, LayerArray, void> {
    const rs = { inChannels: spec.inputSize, outChannels: spec.channels, groups: 1, bias: false };
    const rechannel = new Conv1x1(rs, weights.take(convWeightCount({ ...rs, kernelSize: 1, dilation: 1 })), compute);
    const layers: WaveNetLayer[] = [];
    for (const l of spec.layers) {
      layers.push(new WaveNetLayer(spec, l, weights, compute, ops));
      yield;
    }
    return new LayerArray(spec, rechannel, layers, weights, compute, ops, chain);
  }

  private constructor(
    readonly spec: LayerArraySpec,
    rechannel: Conv1x1,
    layers: WaveNetLayer[],
    weights: WeightReader,
    compute: Compute,
    private readonly ops: PlanarOps,
    chain: boolean,
  ) {
    this.rechannel = rechannel;
    this.layers = layers;
    const hs = {
      inChannels: headInputWidth(spec),
      outChannels: spec.headSize,
      kernelSize: spec.headKernelSize,
      dilation: spec.headDilation,
      groups: 1,
      bias: spec.headBias,
    };
    this.headRechannel = new Conv1d(hs, weights.take(convWeightCount(hs)), compute, ops);
    this.x = new Planar(spec.channels, compute);
    this.headAcc = new Planar(headInputWidth(spec), compute);
    this.headOut = new Planar(spec.headSize, compute);
    const fused = this.layers.every((l) => l.fused !== null);
    this.kernels = fused ? compute.simd : null;
    this.fusedDescs = Int32Array.from(fused ? this.layers : [], (l) => l.fused!.desc);
    this.fusedConvs = fused ? this.layers.map((l) => l.fused!.conv) : [];
    // The rechannel and layer1x1 write whole 4-row tiles: a history has exactly `channels` rows.
    const chained = chain && fused && layers.length > 0 && spec.channels % 4 === 0;
    const convs = chained ? this.fusedConvs : [];
    this.historyAt = Int32Array.from(convs, (c) => c.history.byteOffset);
    this.historyStride = Int32Array.from(convs, (c) => c.capacity);
    this.firstHistory = chained ? { data: convs[0]!.history, offset: 0, stride: convs[0]!.capacity, channels: spec.channels } : null;
  }

  /** True when the fused layers run chained (each writes its output into the next one's history). */
  get chained(): boolean {
    return this.firstHistory !== null;
  }

  /** Samples of history this array needs: Σ dilation·(k−1) + (head kernel − 1)·head dilation. */
  get receptiveField(): number {
    return this.layers.reduce((s, l) => s + l.receptiveField, 0) + this.headRechannel.reach;
  }

  reset(): void {
    for (const l of this.layers) l.reset();
    this.headRechannel.reset();
  }

  setSteady(on: boolean): void {
    for (const l of this.layers) l.setSteady(on);
    this.headRechannel.steady = on;
  }

  process(inputs: PlanarView, cond: PlanarView, prevHead: PlanarView | null, n: number): void {
    const x = this.x.all;
    const acc = this.headAcc.all;
    if (prevHead) {
      this.ops.copy(prevHead, acc, n);
    } else {
      for (let c = 0; c < acc.channels; c++) this.headAcc.data.fill(0, c * acc.stride, c * acc.stride + n);
    }
    // Indexed (no array iterator: V8 10.2, the plugin's, allocates one per loop on this per-block path).
    const k = this.kernels;
    if (k !== null && cond.stride === x.stride) {
      const condAt = cond.data.byteOffset + 4 * cond.offset;
      const accAt = acc.data.byteOffset + 4 * acc.offset;
      // While the histories are steady-primed (`setSteady`), the copying form runs.
      if (this.firstHistory !== null && !this.fusedConvs[0]!.steady) {
        this.processChained(k, inputs, condAt, accAt, n);
      } else {
        this.rechannel.process(inputs, x, n);
        const xAt = x.data.byteOffset + 4 * x.offset;
        const descs = this.fusedDescs;
        const convs = this.fusedConvs;
        for (let i = 0; i < descs.length; i++) k.wavenet_layer(descs[i]!, xAt, condAt, accAt, n, convs[i]!.claim(x, n));
      }
    } else {
      this.rechannel.process(inputs, x, n);
      const layers = this.layers;
      for (let i = 0; i < layers.length; i++) layers[i]!.process(x, cond, acc, x, n);
    }
    this.headRechannel.process(acc, this.headOut.all, n);
  }

  /**
   * The fused layers, chained: each history position is claimed before the layer that writes it
   * (a claim may rewind that history, which only its own layer reads), the rechannel writes layer
   * 0's input into its history, layer i's output goes into layer i+1's history, the last into x.
   */
  private processChained(k: SimdKernels, inputs: PlanarView, condAt: number, accAt: number, n: number): void {
    const x = this.x.all;
    const descs = this.fusedDescs;
    const convs = this.fusedConvs;
    const historyAt = this.historyAt;
    const historyStride = this.historyStride;
    const first = this.firstHistory!;
    // claim() reads its src only while steady (never here).
    let pos = convs[0]!.claim(x, n);
    first.offset = pos;
    this.rechannel.process(inputs, first, n);
    const last = descs.length - 1;
    for (let i = 0; i < last; i++) {
      const next = convs[i + 1]!.claim(x, n);
      k.wavenet_layer_chain(descs[i]!, condAt, accAt, n, pos, historyAt[i + 1]! + 4 * next, historyStride[i + 1]!);
      pos = next;
    }
    k.wavenet_layer_chain(descs[last]!, condAt, accAt, n, pos, x.data.byteOffset + 4 * x.offset, x.stride);
  }
}
