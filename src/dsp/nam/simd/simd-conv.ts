/**
 * The SIMD counterpart of `ConvKernel`: same shape, same `run` signature, but the weights are
 * packed for the WebAssembly kernel (tiles of 4 output channels, each weight replicated 4×) and
 * the work is one `conv` call per group on byte pointers into the model's memory. K = 3 convs
 * whose dilation allows it also get a Winograd F(2,3) path (`simd-winograd.ts`), taken for every
 * block size it accepts unless the compute turns it off (`Compute.winograd === false`); one with a
 * phase path (pairs across blocks) runs every block through it and has a clock that `reset` restarts.
 */
import { fillBuffer, ptr, type Compute } from '../compute.ts';
import type { ConvRunner } from '../conv-kernel.ts';
import type { ConvShape } from '../conv-kernel.ts';
import { convTileFloats, packConvTilesInto } from './pack.ts';
import type { SimdKernels } from './kernels.ts';
import { WinogradConv, winogradApplies } from './simd-winograd.ts';

export class SimdConvKernel implements ConvRunner {
  private readonly packed: Float32Array[];
  readonly tiles: number;
  readonly inPer: number;
  private readonly outPer: number;
  // The shape's numbers as own fields: shapes come from differently built objects, so reading them
  // through `shape` on every call is a megamorphic property load on the audio path.
  readonly K: number;
  readonly dilation: number;
  readonly groups: number;
  /** Byte address of each group's packed weights. */
  readonly packedAt: Int32Array;
  /** The Winograd path, when this shape has one. */
  readonly winograd: WinogradConv | null;

  constructor(
    readonly shape: ConvShape,
    weights: Float32Array,
    compute: Compute,
    private readonly k: SimdKernels,
  ) {
    const { inChannels, outChannels, kernelSize: K, groups, bias } = shape;
    this.K = K;
    this.dilation = shape.dilation;
    this.groups = groups;
    this.inPer = inChannels / groups;
    this.outPer = outChannels / groups;
    this.tiles = Math.ceil(this.outPer / 4);
    const perGroupW = this.outPer * this.inPer * K;
    const need = groups * perGroupW + (bias ? outChannels : 0);
    if (weights.length < need) throw new Error(`SimdConvKernel: need ${need} weights, got ${weights.length}`);
    const tileFloats = convTileFloats(this.inPer, K);
    this.packed = [];
    for (let g = 0; g < groups; g++) {
      // One group's weights in PyTorch order, and its slice of the bias.
      const dst = compute.floats(this.tiles * tileFloats);
      const wOffset = g * perGroupW;
      const biasOffset = bias ? groups * perGroupW + g * this.outPer : -1;
      const { outPer, inPer } = this;
      fillBuffer(compute, {
        units: this.tiles,
        floatsPerUnit: tileFloats,
        run: (from, to) => packConvTilesInto(dst, weights, wOffset, biasOffset, outPer, inPer, K, from, to),
      });
      this.packed.push(dst);
    }
    this.packedAt = Int32Array.from(this.packed, (p) => p.byteOffset);
    this.winograd = compute.winograd !== false && winogradApplies(shape, compute.maxBlock) ? new WinogradConv(shape, weights, compute, k) : null;
  }

  /** Restarts the Winograd phase clock (the owner resets its history with it). */
  reset(): void {
    this.winograd?.reset();
  }

  run(src: Float32Array, srcOffset: number, srcStride: number, dst: Float32Array, dstOffset: number, dstStride: number, n: number, accumulate: boolean): void {
    const K = this.K;
    const dilation = this.dilation;
    const groups = this.groups;
    if (groups === 1) {
      const wino = this.winograd;
      if (wino !== null && wino.stateAt !== 0) {
        wino.runPhase(ptr(src, srcOffset), srcStride, ptr(dst, dstOffset), dstStride, n, accumulate ? 1 : 0, this.packedAt[0]!);
        return;
      }
      if (wino !== null && wino.accepts(n)) {
        wino.run(ptr(src, srcOffset), srcStride, ptr(dst, dstOffset), dstStride, n, accumulate ? 1 : 0);
        return;
      }
      this.k.conv(ptr(src, srcOffset), srcStride, ptr(dst, dstOffset), dstStride, this.packedAt[0]!, this.tiles, this.inPer, K, dilation, n, accumulate ? 1 : 0);
      return;
    }
    // Grouped: a group's 4-channel tiles may spill past its own channels, so each group writes
    // into its rows in order; later groups overwrite any spill of earlier ones.
    for (let g = 0; g < groups; g++) {
      const s = ptr(src, srcOffset + g * this.inPer * srcStride);
      const d = ptr(dst, dstOffset + g * this.outPer * dstStride);
      this.k.conv(s, srcStride, d, dstStride, this.packedAt[g]!, this.tiles, this.inPer, K, dilation, n, accumulate ? 1 : 0);
    }
  }
}
