/**
 * The Winograd F(2,3) path of a SIMD K = 3 conv: packed G matrices and scratch in the model's
 * memory, and the rule for when a call may take it (see `conv_wino` in assembly/kernels.ts).
 *
 * A conv of K = 3 with dilation d computes each output pair (y[t], y[t+d]) with 4 matrix products
 * instead of 6. Both samples of a pair must be in the block, and the kernel runs 8 pairs per step
 * (two vectors of 4), so a block qualifies when d ≥ 4, d % 4 = 0 and n is a multiple of
 * 2·lcm(d, 8), or d = 1, 2 (pairs de-interleaved by shuffles) and n is a multiple of 16; other
 * blocks use the direct kernel. Grouped convs stay on the direct kernel, and so
 * do narrow ones: the transforms cost per input channel and per output row, the saving per product,
 * so below WINOGRAD_MIN_CHANNELS in or out the direct kernel was as fast or faster (measured in the
 * standard WaveNet at block 128: 16→16 layers ~1.15× faster, 8→8 layers ~5% slower;
 * bench/winograd-layers.ts, and the whole model in bench/winograd-ab.ts).
 *
 * Dilations d ≥ 8 with d % 8 = 0 also get the "phase" path (`conv_wino_phase`): pairs are taken by
 * absolute time (a per-conv sample clock), so a pair may straddle blocks (its first's m1 − m2 kept
 * in a carry of d floats per output row) and any block size gains, including d ≥ n. Such a conv
 * then runs every block through `conv_wino_phase`, which picks the block-local path, the phase
 * path or the direct kernel per block and per run of samples; `reset` restarts its clock.
 *
 * Blocks whose size is a multiple of 4·lcm(d, 8) (at block 128: d = 4, 8, 16, 32), or of 32 for
 * d = 1, 2 (quads de-interleaved by shuffles), take Winograd F(4,3) instead (`conv_wino4`: quads
 * (t, t+d, t+2d, t+3d) inside the block, 6 products per quad, 25% fewer than F(2,3)); a phase conv
 * picks it in `conv_wino_phase` at block starts where the block-local F(2,3) path would run, so the
 * pairing across blocks is unchanged. d = 1, 2 blocks of 16 (not 32) keep F(2,3).
 */
import { fillBuffer, type Compute } from '../compute.ts';
import type { ConvShape } from '../conv-kernel.ts';
import type { SimdKernels } from './kernels.ts';
import { convTiles, packWinograd4TilesInto, packWinogradTilesInto, winograd4TileFloats, winogradTileFloats } from './pack.ts';

/** Pairs per kernel segment aimed at (the block is cut into segments; bounds the scratch). */
export const WINOGRAD_SEGMENT_PAIRS = 128;

/** Quads per F(4,3) kernel segment aimed at (128 samples: the u scratch of 16 channels stays ~13 KB). */
export const WINOGRAD4_SEGMENT_QUADS = 32;

/** Fewest input and output channels for which the Winograd path is used. */
export const WINOGRAD_MIN_CHANNELS = 12;

/**
 * Pairs per unit of a segment: lcm(d, 8) for a dilation that is a multiple of 4; 8 (one kernel step)
 * for d = 1, 2, whose pairs the kernel de-interleaves with shuffles.
 */
function pairUnit(dilation: number): number {
  if (dilation < 4) return 8;
  return dilation % 8 === 0 ? dilation : 2 * dilation;
}

/** True when `conv_wino` can run `shape` for some block size up to maxBlock. */
export function winogradPossible(shape: ConvShape, maxBlock: number): boolean {
  const d = shape.dilation;
  const dilationOk = d === 1 || d === 2 || (d >= 4 && d % 4 === 0);
  return shape.kernelSize === 3 && shape.groups === 1 && dilationOk && 2 * pairUnit(d) <= maxBlock;
}

/**
 * True when `conv_wino4` (F(4,3)) can run `shape` for some block size up to maxBlock: as
 * `winogradPossible`, blocks of 4·lcm(d, 8), or of 32 for d = 1, 2.
 */
export function winograd4Possible(shape: ConvShape, maxBlock: number): boolean {
  const d = shape.dilation;
  const dilationOk = d === 1 || d === 2 || (d >= 4 && d % 4 === 0);
  return shape.kernelSize === 3 && shape.groups === 1 && dilationOk && 4 * pairUnit(d) <= maxBlock;
}

/** Quads per F(4,3) segment: the most multiples of lcm(d, 8) (8 for d = 1, 2) within min(WINOGRAD4_SEGMENT_QUADS, maxBlock/4), at least one. */
export function winograd4SegmentQuads(dilation: number, maxBlock: number): number {
  const unit = pairUnit(dilation);
  return unit * Math.max(1, Math.floor(Math.min(WINOGRAD4_SEGMENT_QUADS, maxBlock / 4) / unit));
}

/** True when `conv_wino_phase` can run `shape`: K = 3, ungrouped, d ≥ 8 and d % 8 = 0 (any block of ≥ 8 samples gains). */
export function winogradPhasePossible(shape: ConvShape, maxBlock: number): boolean {
  const d = shape.dilation;
  return shape.kernelSize === 3 && shape.groups === 1 && d >= 8 && d % 8 === 0 && maxBlock >= 8;
}

/** True when a conv takes a Winograd path for the blocks it accepts: possible, and wide enough to gain. */
export function winogradApplies(shape: ConvShape, maxBlock: number): boolean {
  const wide = shape.inChannels >= WINOGRAD_MIN_CHANNELS && shape.outChannels >= WINOGRAD_MIN_CHANNELS;
  return wide && (winogradPossible(shape, maxBlock) || winogradPhasePossible(shape, maxBlock));
}

/** Samples per pass of the phase path: a multiple of 8, at most WINOGRAD_SEGMENT_PAIRS, maxBlock and d. */
export function winogradPhaseChunk(dilation: number, maxBlock: number): number {
  return Math.max(8, Math.min(WINOGRAD_SEGMENT_PAIRS, dilation, maxBlock) & ~7);
}

/** Floats of a phase state: 8 f64 header slots, one flag per 8 samples of d (16-byte aligned), the carry. */
export function winogradPhaseStateFloats(dilation: number, tiles: number): number {
  return 16 + (((dilation >> 1) + 15) & ~15) / 4 + tiles * 4 * dilation;
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
  /** Block sizes the block-local path (`conv_wino`) takes must be multiples of this: 2·lcm(d, 8); 0 when it has none. */
  readonly step: number;
  readonly segPairs: number;
  /** Block sizes the F(4,3) path (`conv_wino4`) takes must be multiples of this: 4·lcm(d, 8) (32 for d = 1, 2); 0 when it has none. */
  readonly quadStep: number;
  readonly segQuads: number;
  /** Byte address of the packed F(4,3) matrices (0: none). */
  readonly quadWeightsAt: number;
  /** Samples per pass of the phase path (0: none). */
  readonly chunk: number;
  /** Byte addresses of the packed G matrices, of the scratch and of the phase state (0: no phase path). */
  readonly weightsAt: number;
  readonly scratchAt: number;
  readonly stateAt: number;
  /** The phase state's header (clock first) and flags (for `reset`). */
  private readonly stateHead: Float64Array | null;
  private readonly stateFlags: Float32Array | null;

  /** `weights`: the conv's weights in PyTorch order, then the bias when `shape.bias`. Check `winogradPossible` or `winogradPhasePossible` first. */
  constructor(shape: ConvShape, weights: Float32Array, compute: Compute, private readonly k: SimdKernels) {
    const block = winogradPossible(shape, compute.maxBlock);
    const phase = winogradPhasePossible(shape, compute.maxBlock);
    if (!block && !phase) {
      throw new Error(`WinogradConv: a K=${shape.kernelSize}, dilation ${shape.dilation}, ${shape.groups}-group conv at block ${compute.maxBlock} cannot use Winograd`);
    }
    const { inChannels: inCh, outChannels: outCh, bias } = shape;
    const d = shape.dilation;
    this.tiles = convTiles(outCh);
    this.inCh = inCh;
    this.dilation = d;
    this.step = block ? 2 * pairUnit(d) : 0;
    this.segPairs = block ? winogradSegmentPairs(d, compute.maxBlock) : 0;
    this.chunk = phase ? winogradPhaseChunk(d, compute.maxBlock) : 0;
    const tileFloats = winogradTileFloats(inCh);
    const packed = compute.floats(this.tiles * tileFloats);
    const biasOffset = bias ? outCh * inCh * 3 : -1;
    fillBuffer(compute, {
      units: this.tiles,
      floatsPerUnit: tileFloats,
      run: (from, to) => packWinogradTilesInto(packed, weights, 0, biasOffset, outCh, inCh, from, to),
    });
    this.weightsAt = packed.byteOffset;
    const quads = winograd4Possible(shape, compute.maxBlock);
    this.quadStep = quads ? 4 * pairUnit(d) : 0;
    this.segQuads = quads ? winograd4SegmentQuads(d, compute.maxBlock) : 0;
    if (quads) {
      const quadFloats = winograd4TileFloats(inCh);
      const packed4 = compute.floats(this.tiles * quadFloats);
      fillBuffer(compute, {
        units: this.tiles,
        floatsPerUnit: quadFloats,
        run: (from, to) => packWinograd4TilesInto(packed4, weights, 0, biasOffset, outCh, inCh, from, to),
      });
      this.quadWeightsAt = packed4.byteOffset;
    } else {
      this.quadWeightsAt = 0;
    }
    const pairScratch = inCh * (4 * Math.max(this.segPairs, this.chunk) + 16) + 96;
    const quadScratch = quads ? inCh * (6 * this.segQuads + 16) + 128 : 0;
    this.scratchAt = compute.floats(Math.max(pairScratch, quadScratch)).byteOffset;
    if (phase) {
      const state = compute.floats(winogradPhaseStateFloats(d, this.tiles));
      this.stateAt = state.byteOffset;
      this.stateHead = new Float64Array(state.buffer, state.byteOffset, 8);
      this.stateHead.set([0, this.step, this.segPairs, this.chunk, this.quadStep, this.segQuads, this.quadWeightsAt, 0]);
      this.stateFlags = state.subarray(16, 16 + d / 8);
    } else {
      this.stateAt = 0;
      this.stateHead = null;
      this.stateFlags = null;
    }
  }

  /** True when a block of n samples can take a block-local path (`run`). */
  accepts(n: number): boolean {
    return this.step !== 0 && n % this.step === 0;
  }

  /** True when a block of n samples takes the F(4,3) block-local path. */
  acceptsQuads(n: number): boolean {
    return this.quadStep !== 0 && n % this.quadStep === 0;
  }

  /**
   * dst (=|+=) conv(src) for n samples by a block-local path (`accepts(n)` must hold): F(4,3) when
   * `acceptsQuads(n)`, else F(2,3); pointers are byte addresses.
   */
  run(src: number, srcStride: number, dst: number, dstStride: number, n: number, accumulate: number): void {
    if (this.quadStep !== 0 && n % this.quadStep === 0) {
      this.k.conv_wino4(src, srcStride, dst, dstStride, this.quadWeightsAt, this.tiles, this.inCh, this.dilation, n, accumulate, this.scratchAt, this.segQuads);
      return;
    }
    this.k.conv_wino(src, srcStride, dst, dstStride, this.weightsAt, this.tiles, this.inCh, this.dilation, n, accumulate, this.scratchAt, this.segPairs);
  }

  /**
   * dst (=|+=) conv(src) for the next n samples (any n) by the phase path (`stateAt` ≠ 0);
   * `directAt`: the conv's `conv` weights for the samples it does not pair.
   */
  runPhase(src: number, srcStride: number, dst: number, dstStride: number, n: number, accumulate: number, directAt: number): void {
    this.k.conv_wino_phase(src, srcStride, dst, dstStride, this.weightsAt, directAt, this.tiles, this.inCh, this.dilation, n, accumulate, this.scratchAt, this.stateAt);
  }

  /** Restarts the phase clock and drops every carry (with the conv's history). */
  reset(): void {
    if (this.stateHead === null) return;
    this.stateHead[0] = 0;
    this.stateFlags?.fill(0);
  }
}
