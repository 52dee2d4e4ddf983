/**
 * Causal dilated Conv1d with its own input history (NeuralAmpModelerCore `Conv1D` + `RingBuffer`),
 * and the history-less Conv1x1.
 *
 * Each input channel's history is one contiguous run of `capacity` floats, so the dilated taps read
 * it in place with no staging copy:
 *
 *   [ … (K−1)·dilation past samples … | current block | free space … ]
 *                                       ^ writePos
 *
 * When the free space runs out, the last (K−1)·dilation samples are copied back to the start
 * ("rewind"); the slack is sized so this happens only every few blocks. A block of any size up to
 * `maxBlock` gives the same output as the same samples fed one at a time. The kernel is the plain
 * TypeScript one or the SIMD one, as the model's `Compute` says.
 */
import { ConvKernel, type ConvRunner, type ConvShape } from './conv-kernel.ts';
import { roundUp, type Compute } from './compute.ts';
import type { PlanarView } from './planar.ts';
import type { PlanarOps } from './planar-ops.ts';
import { SimdConvKernel } from './simd/simd-conv.ts';

export function createConvRunner(shape: ConvShape, weights: Float32Array, compute: Compute): ConvRunner {
  return compute.simd ? new SimdConvKernel(shape, weights, compute, compute.simd) : new ConvKernel(shape, weights);
}

export class Conv1d {
  readonly kernel: ConvRunner;
  readonly history: Float32Array;
  /** Floats per channel in `history`. */
  readonly capacity: number;
  /** Past samples a tap may reach: (K−1)·dilation. */
  readonly reach: number;
  private writePos: number;
  private readonly view: { data: Float32Array; offset: number; stride: number; channels: number };
  /**
   * Steady-state priming (for one-step exact prewarm): while set, `process` first fills every
   * channel's past with that channel's incoming sample, as if it had been constant forever.
   */
  steady = false;

  constructor(
    shape: ConvShape,
    weights: Float32Array,
    compute: Compute,
    private readonly ops: PlanarOps,
  ) {
    this.kernel = createConvRunner(shape, weights, compute);
    this.reach = (shape.kernelSize - 1) * shape.dilation;
    this.capacity = Conv1d.capacityFor(shape, compute.maxBlock);
    this.history = compute.floats(shape.inChannels * this.capacity);
    this.writePos = this.reach;
    this.view = { data: this.history, offset: this.reach, stride: this.capacity, channels: shape.inChannels };
  }

  /** Floats per channel the history needs for this shape (used for the memory budget too). */
  static capacityFor(shape: ConvShape, maxBlockSize: number): number {
    const reach = (shape.kernelSize - 1) * shape.dilation;
    const slack = Math.max(4 * maxBlockSize, Math.min(reach, 1 << 14), 256);
    // +8: SIMD kernels may read a whole group of 8 samples past the block.
    return roundUp(reach + maxBlockSize + slack + 8, 4);
  }

  reset(): void {
    this.history.fill(0);
    this.writePos = this.reach;
    if (this.kernel instanceof SimdConvKernel) this.kernel.reset();
  }

  /**
   * Appends `n` samples of every input channel from `src` to the history, then computes
   * dst (=|+=) conv(history) for those n samples.
   */
  process(src: PlanarView, dst: PlanarView, n: number, accumulate = false): void {
    const pos = this.claim(src, n);
    this.view.offset = pos;
    this.ops.copy(src, this.view, n);
    this.kernel.run(this.history, pos, this.capacity, dst.data, dst.offset, dst.stride, n, accumulate);
  }

  /**
   * Makes room for the next `n` samples (rewinding the history when needed, and priming it from
   * `src` while `steady`) and returns where they go: float index of each channel's block. The
   * caller writes `src` there (a fused SIMD layer does so itself; `process` otherwise).
   */
  claim(src: PlanarView, n: number): number {
    const cap = this.capacity;
    const h = this.history;
    const channels = this.kernel.shape.inChannels;
    // Rewind when the block (plus the SIMD read-ahead of up to 7 samples) would pass the end.
    if (this.writePos + n + 8 > cap) {
      for (let c = 0; c < channels; c++) {
        const base = c * cap;
        h.copyWithin(base, base + this.writePos - this.reach, base + this.writePos);
      }
      this.writePos = this.reach;
    }
    const pos = this.writePos;
    if (this.steady) {
      const sd = src.data;
      for (let c = 0; c < channels; c++) h.fill(sd[src.offset + c * src.stride]!, c * cap, c * cap + pos);
      // A new past: Winograd carries from the old one no longer apply.
      if (this.kernel instanceof SimdConvKernel) this.kernel.reset();
    }
    this.writePos = pos + n;
    return pos;
  }
}

/** A 1x1 convolution (no history): dst (=|+=) W·src + bias. */
export class Conv1x1 {
  readonly kernel: ConvRunner;

  constructor(shape: Omit<ConvShape, 'kernelSize' | 'dilation'>, weights: Float32Array, compute: Compute) {
    this.kernel = createConvRunner({ ...shape, kernelSize: 1, dilation: 1 }, weights, compute);
  }

  process(src: PlanarView, dst: PlanarView, n: number, accumulate = false): void {
    this.kernel.run(src.data, src.offset, src.stride, dst.data, dst.offset, dst.stride, n, accumulate);
  }
}
