/**
 * One WaveNet layer (NeuralAmpModelerCore `wavenet::detail::Layer::Process`), A1 and A2.
 *
 *   c  = conv_pre_film ? film(x) : x
 *   z  = conv(c)                                   channels → zw (zw = B, or 2B gated/blended)
 *   z  = conv_post_film(z)?
 *   m  = mixin(input_mixin_pre_film(cond)? ?? cond) condition → zw, no bias
 *   m  = input_mixin_post_film(m)?
 *   z += m;  z = activation_pre_film(z)?
 *   none:    a = act(z)
 *   gated:   a = act(z[:B]) · secondary(z[B:])
 *   blended: α = secondary(z[B:]); a = α·act(z[:B]) + (1−α)·z[:B]
 *   a  = activation_post_film(a)?
 *   l  = layer1x1(a)  (B → channels)  and, in blended mode only, layer1x1_post_film(l)   (core quirk)
 *   h  = head1x1(a) then head1x1_post_film(h)?, or a itself
 *   head_acc += h;  x_next = x + l  (or x when layer1x1 is inactive)
 *
 * All scratch is allocated here; process() allocates nothing. On the SIMD path a plain layer also
 * gets a fused form (`fused`, simd-layer.ts) that the layer array runs in one kernel call.
 */
import { Conv1d, Conv1x1 } from '../conv1d.ts';
import { Film } from '../film.ts';
import { Planar, type PlanarView } from '../planar.ts';
import type { Compute } from '../compute.ts';
import type { PlanarOps } from '../planar-ops.ts';
import type { WeightReader } from '../weights.ts';
import { convWeightCount, type ConvShape } from '../conv-kernel.ts';
import { filmWidth, zWidth, FILM_SLOTS, type FilmSlot, type LayerArraySpec, type LayerSpec } from './config.ts';
import type { Activation } from '../activations.ts';
import { simdLayerDescriptor } from './simd-layer.ts';

/** A layer's fused SIMD form: its `wavenet_layer` descriptor, and the conv whose history it appends to. */
export interface FusedSimdLayer {
  readonly desc: number;
  readonly conv: Conv1d;
}

function takeConv(w: WeightReader, shape: ConvShape): Float32Array {
  return w.take(convWeightCount(shape));
}

export class WaveNetLayer {
  private readonly conv: Conv1d;
  private readonly mixin: Conv1x1;
  private readonly layer1x1: Conv1x1 | null;
  private readonly head1x1: Conv1x1 | null;
  private readonly films: Partial<Record<FilmSlot, Film>> = {};
  private readonly z: Planar;
  private readonly scratch: Planar; // film(x) for the conv, mixin output, or film(cond)
  private readonly condScratch: Planar | null;
  private readonly layerOut: Planar | null; // layer1x1 output
  private readonly headOut: Planar | null; // head1x1 output
  private readonly zw: number;
  private readonly actRows: PlanarView; // top B rows of z
  private readonly filmedX: PlanarView;
  private readonly mixinScratch: PlanarView;
  private readonly zBottom: PlanarView; // bottom B rows of z (gated/blended)
  private readonly preScratch: PlanarView; // pre-activation top rows (blended)
  private readonly activation: Activation;
  private readonly secondary: Activation;
  /** The fused SIMD form, when this layer is plain enough for it (else null). */
  readonly fused: FusedSimdLayer | null = null;

  constructor(
    a: LayerArraySpec,
    private readonly spec: LayerSpec,
    weights: WeightReader,
    compute: Compute,
    private readonly ops: PlanarOps,
  ) {
    const B = a.bottleneck;
    this.zw = zWidth(a, spec);
    this.activation = spec.activation;
    this.secondary = spec.secondary;
    const convShape: ConvShape = { inChannels: a.channels, outChannels: this.zw, kernelSize: spec.kernelSize, dilation: spec.dilation, groups: a.groupsInput, bias: true };
    this.conv = new Conv1d(convShape, takeConv(weights, convShape), compute, ops);
    const mixinShape = { inChannels: a.conditionSize, outChannels: this.zw, groups: a.groupsInputMixin, bias: false };
    this.mixin = new Conv1x1(mixinShape, takeConv(weights, { ...mixinShape, kernelSize: 1, dilation: 1 }), compute);
    this.layer1x1 = null;
    this.head1x1 = null;
    if (a.layer1x1.active) {
      const s = { inChannels: B, outChannels: a.channels, groups: a.layer1x1.groups, bias: true };
      this.layer1x1 = new Conv1x1(s, takeConv(weights, { ...s, kernelSize: 1, dilation: 1 }), compute);
    }
    if (a.head1x1.active) {
      const s = { inChannels: B, outChannels: a.head1x1.outChannels, groups: a.head1x1.groups, bias: true };
      this.head1x1 = new Conv1x1(s, takeConv(weights, { ...s, kernelSize: 1, dilation: 1 }), compute);
    }
    for (const slot of FILM_SLOTS) {
      const f = a.films[slot];
      if (!f.active) continue;
      const dim = filmWidth(a, spec, slot);
      const count = convWeightCount({ inChannels: a.conditionSize, outChannels: (f.shift ? 2 : 1) * dim, kernelSize: 1, dilation: 1, groups: f.groups, bias: true });
      this.films[slot] = new Film(a.conditionSize, dim, f.shift, f.groups, weights.take(count), compute, ops);
    }
    this.z = new Planar(this.zw, compute);
    this.scratch = new Planar(Math.max(a.channels, this.zw), compute);
    this.condScratch = this.films.input_mixin_pre_film ? new Planar(a.conditionSize, compute) : null;
    this.layerOut = this.layer1x1 ? new Planar(a.channels, compute) : null;
    this.actRows = this.z.rows(0, B);
    this.filmedX = this.scratch.rows(0, a.channels);
    this.mixinScratch = this.scratch.rows(0, this.zw);
    this.zBottom = this.z.rows(B, B);
    this.preScratch = this.scratch.rows(0, B);
    this.headOut = this.head1x1 ? new Planar(a.head1x1.outChannels, compute) : null;
    if (!this.head1x1 && Object.keys(this.films).length === 0) {
      const desc = simdLayerDescriptor(compute, {
        conv: this.conv,
        mixin: this.mixin,
        layer1x1: this.layer1x1,
        z: this.z,
        channels: a.channels,
        bottleneck: B,
        gating: spec.gating,
        activation: spec.activation,
        secondary: spec.secondary,
      });
      if (desc !== null) this.fused = { desc, conv: this.conv };
    }
  }

  get receptiveField(): number {
    return this.conv.reach;
  }

  reset(): void {
    this.conv.reset();
  }

  setSteady(on: boolean): void {
    this.conv.steady = on;
  }

  /**
   * x: this layer's input (channels); cond: the condition; headAcc: the array's head accumulator;
   * next: where x_next is written (may be x itself).
   */
  process(x: PlanarView, cond: PlanarView, headAcc: PlanarView, next: PlanarView, n: number): void {
    const f = this.films;
    const z = this.z.all;

    // 1. dilated conv (+ FiLMs around it)
    if (f.conv_pre_film) {
      const filmed = this.filmedX;
      f.conv_pre_film.process(x, cond, filmed, n);
      this.conv.process(filmed, z, n);
    } else {
      this.conv.process(x, z, n);
    }
    if (f.conv_post_film) f.conv_post_film.process(z, cond, z, n);

    // 2. input mixin, added to z
    let mixinIn = cond;
    if (f.input_mixin_pre_film && this.condScratch) {
      mixinIn = this.condScratch.all;
      f.input_mixin_pre_film.process(cond, cond, mixinIn, n);
    }
    if (f.input_mixin_post_film) {
      const m = this.mixinScratch;
      this.mixin.process(mixinIn, m, n);
      f.input_mixin_post_film.process(m, cond, m, n);
      this.ops.add(m, z, n);
    } else {
      this.mixin.process(mixinIn, z, n, true);
    }
    if (f.activation_pre_film) f.activation_pre_film.process(z, cond, z, n);

    // 3. activation / gating / blending into the top B rows of z
    this.activate(n);
    const act = this.actRows;
    if (f.activation_post_film) f.activation_post_film.process(act, cond, act, n);

    // 4. layer1x1 (residual branch); added straight into x when nothing modulates it in between
    const l1Film = this.spec.gating === 'blended' ? f.layer1x1_post_film : undefined;
    const residualInPlace = !l1Film && next.data === x.data && next.offset === x.offset;
    if (this.layer1x1 && this.layerOut && !residualInPlace) {
      const l = this.layerOut.all;
      this.layer1x1.process(act, l, n);
      if (l1Film) l1Film.process(l, cond, l, n);
    }

    // 5. head branch
    if (this.head1x1 && this.headOut) {
      const h = this.headOut.all;
      this.head1x1.process(act, h, n);
      if (f.head1x1_post_film) f.head1x1_post_film.process(h, cond, h, n);
      this.ops.add(h, headAcc, n);
    } else {
      this.ops.add(act, headAcc, n);
    }

    // 6. residual: next = x + layer1x1(a)  (or x)
    if (residualInPlace) {
      if (this.layer1x1) this.layer1x1.process(act, next, n, true);
      return;
    }
    if (next.data !== x.data || next.offset !== x.offset) this.ops.copy(x, next, n);
    if (this.layerOut) this.ops.add(this.layerOut.all, next, n);
  }

  private activate(n: number): void {
    const top = this.actRows;
    if (this.spec.gating === 'none') {
      this.ops.activate(this.activation, top, n);
      return;
    }
    // Secondary on the bottom half first (it is not needed afterwards).
    this.ops.activate(this.secondary, this.zBottom, n);
    if (this.spec.gating === 'gated') {
      this.ops.activate(this.activation, top, n);
      this.ops.gateMul(top, this.zBottom, n);
    } else {
      // blended: α·act(top) + (1−α)·top needs the pre-activation top: keep a copy in scratch.
      this.ops.copy(top, this.preScratch, n);
      this.ops.activate(this.activation, top, n);
      this.ops.blend(top, this.preScratch, this.zBottom, n);
    }
  }
}
