/**
 * The Winograd F(2,3) path of a SIMD K = 3 conv: packed G matrices and scratch in the model's
 * memory, and the rule for when a call may take it (see `conv_wino` in assembly/kernels.ts).
 *
 * A conv of K = 3 with dilation d computes each output pair (y[t], y[t+d]) with 4 matrix products
 * instead of 6. Both samples of a pair must be in the block, and the kernel runs 8 pairs per step
 * (two vectors of 4), so a block qualifies when d ≥ 4, d % 4 = 0 and n is a multiple of
 * 2·lcm(d, 8); other blocks use the direct kernel. Grouped convs stay on the direct kernel, and so
 * do narrow ones: the transforms cost per input channel and per output row, the saving per product,
 * so below WINOGRAD_MIN_CHANNELS in or out the direct kernel was as fast or faster (measured in the
 * standard WaveNet at block 128: 16→16 layers ~1.15× faster, 8→8 layers ~5% slower;
 * bench/winograd-layers.ts, and the whole model in bench/winograd-ab.ts).
 */
import { fillBuffer, type Compute } from '../compute.ts';
import type { ConvShape } from '../conv-kernel.ts';
import type { SimdKernels } from './kernels.ts';
import { convTiles, packWinogradTilesInto, winogradTileFloats } from './pack.ts';

/** Pairs per kernel segment aimed at (the block is cut into segments; bounds the scratch). */
export const WINOGRAD_SEGMENT_PAIRS = 128;

/** Fewest input and output channels for which the Winograd path is used. */
export const WINOGRAD_MIN_CHANNELS = 12;

/** lcm(d, 8) for a dilation that is a multiple of 4: a segment's pair count is a multiple of it. */
function pairUnit(dilation: number): number {
  return dilation % 8 === 0 ? dilation : 2 * dilation;
}

/** True when `conv_wino` can run `shape` for some block size up to maxBlock. */
export function winogradPossible(shape: ConvShape, maxBlock: number): boolean {
  const d = shape.dilation;
  return shape.kernelSize === 3 && shape.groups === 1 && d >= 4 && d % 4 === 0 && 2 * pairUnit(d) <= maxBlock;
}

/** True when a conv takes the Winograd path for the blocks it accepts: possible, and wide enough to gain. */
export function winogradApplies(shape: ConvShape, maxBlock: number): boolean {
  const wide = shape.inChannels >= WINOGRAD_MIN_CHANNELS && shape.outChannels >= WINOGRAD_MIN_CHANNELS;
  return wide && winogradPossible(shape, maxBlock);
}

/** Pairs per segment: the most multiples of lcm(d, 8) within min(WINOGRAD_SEGMENT_PAIRS, maxBlock/2), at least one. */
export function winogradSegmentPairs(dilation: number, maxBlock: number): number {
  const unit = pairUnit(dilation);
  return unit * Math.max(1, Math.floor(Math.min(WINOGRAD_SEGMENT_PAIRS, maxBlock / 2) / unit));
}

export class WinogradConv {
  readonly tiles: number;
  readonly inCh: number;
  readonly dilation: number;
  /** Block sizes must be multiples of this: 2·lcm(d, 8). */
  readonly step: number;
  readonly segPairs: number;
  /** Byte addresses of the packed G matrices and of the scratch. */
  readonly weightsAt: number;
  readonly scratchAt: number;

  /** `weights`: the conv's weights in PyTorch order, then the bias when `shape.bias`. Check `winogradPossible` first. */
  constructor(shape: ConvShape, weights: Float32Array, compute: Compute, private readonly k: SimdKernels) {
    if (!winogradPossible(shape, compute.maxBlock)) {
      throw new Error(`WinogradConv: a K=${shape.kernelSize}, dilation ${shape.dilation}, ${shape.groups}-group conv at block ${compute.maxBlock} cannot use Winograd`);
    }
    const { inChannels: inCh, outChannels: outCh, bias } = shape;
    this.tiles = convTiles(outCh);
    this.inCh = inCh;
    this.dilation = shape.dilation;
    this.step = 2 * pairUnit(shape.dilation);
    this.segPairs = winogradSegmentPairs(shape.dilation, compute.maxBlock);
    const tileFloats = winogradTileFloats(inCh);
    const packed = compute.floats(this.tiles * tileFloats);
    const biasOffset = bias ? outCh * inCh * 3 : -1;
    fillBuffer(compute, {
      units: this.tiles,
      floatsPerUnit: tileFloats,
      run: (from, to) => packWinogradTilesInto(packed, weights, 0, biasOffset, outCh, inCh, from, to),
    });
    this.weightsAt = packed.byteOffset;
    this.scratchAt = compute.floats(inCh * (4 * this.segPairs + 16) + 32).byteOffset;
  }

  /** True when a block of n samples can take the Winograd path. */
  accepts(n: number): boolean {
    return n % this.step === 0;
  }

  /** dst (=|+=) conv(src) for n samples (`accepts(n)` must hold); pointers are byte addresses. */
  run(src: number, srcStride: number, dst: number, dstStride: number, n: number, accumulate: number): void {
    this.k.conv_wino(src, srcStride, dst, dstStride, this.weightsAt, this.tiles, this.inCh, this.dilation, n, accumulate, this.scratchAt, this.segPairs);
  }
}
