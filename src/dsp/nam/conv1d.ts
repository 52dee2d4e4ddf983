/**
 * Causal dilated Conv1d with its own input history (NeuralAmpModelerCore `Conv1D` + `RingBuffer`).
 *
 * Each input channel's history is one contiguous run of `capacity` floats, so the dilated taps read
 * it in place with no staging copy:
 *
 *   [ … (K−1)·dilation past samples … | current block | free space … ]
 *                                       ^ writePos
 *
 * When the free space runs out, the last (K−1)·dilation samples are copied back to the start
 * ("rewind"); the slack is sized so this happens only every few blocks. A block of any size up to
 * `maxBlockSize` gives the same output as the same samples fed one at a time.
 */
import { ConvKernel, type ConvShape } from './conv-kernel.ts';
import type { PlanarView } from './planar.ts';

export class Conv1d {
  readonly kernel: ConvKernel;
  readonly history: Float32Array;
  /** Floats per channel in `history`. */
  readonly capacity: number;
  /** Past samples a tap may reach: (K−1)·dilation. */
  readonly reach: number;
  private writePos: number;
  /**
   * Steady-state priming (for one-step exact prewarm): while set, `process` first fills every
   * channel's past with that channel's incoming sample, as if it had been constant forever.
   */
  steady = false;

  constructor(shape: ConvShape, weights: Float32Array, maxBlockSize: number) {
    this.kernel = new ConvKernel(shape, weights);
    this.reach = (shape.kernelSize - 1) * shape.dilation;
    this.capacity = Conv1d.capacityFor(shape, maxBlockSize);
    this.history = new Float32Array(shape.inChannels * this.capacity);
    this.writePos = this.reach;
  }

  /** Floats per channel the history needs for this shape (used for the memory budget too). */
  static capacityFor(shape: ConvShape, maxBlockSize: number): number {
    const reach = (shape.kernelSize - 1) * shape.dilation;
    const slack = Math.max(4 * maxBlockSize, Math.min(reach, 1 << 14), 256);
    return reach + maxBlockSize + slack;
  }

  reset(): void {
    this.history.fill(0);
    this.writePos = this.reach;
  }

  /**
   * Appends `n` samples of every input channel from `src` to the history, then computes
   * dst (=|+=) conv(history) for those n samples.
   */
  process(src: PlanarView, dst: PlanarView, n: number, accumulate = false): void {
    const cap = this.capacity;
    const h = this.history;
    const channels = this.kernel.shape.inChannels;
    if (this.writePos + n > cap) {
      // Rewind: keep the last `reach` samples of each channel at the start.
      for (let c = 0; c < channels; c++) {
        const base = c * cap;
        h.copyWithin(base, base + this.writePos - this.reach, base + this.writePos);
      }
      this.writePos = this.reach;
    }
    const pos = this.writePos;
    const sd = src.data;
    if (this.steady) {
      for (let c = 0; c < channels; c++) h.fill(sd[src.offset + c * src.stride]!, c * cap, c * cap + pos);
    }
    for (let c = 0; c < channels; c++) {
      const s = src.offset + c * src.stride;
      const d = c * cap + pos;
      for (let t = 0; t < n; t++) h[d + t] = sd[s + t]!;
    }
    this.kernel.run(h, pos, cap, dst.data, dst.offset, dst.stride, n, accumulate);
    this.writePos = pos + n;
  }
}

/** A 1x1 convolution (no history): dst (=|+=) W·src + bias. */
export class Conv1x1 {
  readonly kernel: ConvKernel;

  constructor(shape: Omit<ConvShape, 'kernelSize' | 'dilation'>, weights: Float32Array) {
    this.kernel = new ConvKernel({ ...shape, kernelSize: 1, dilation: 1 }, weights);
  }

  process(src: PlanarView, dst: PlanarView, n: number, accumulate = false): void {
    this.kernel.run(src.data, src.offset, src.stride, dst.data, dst.offset, dst.stride, n, accumulate);
  }
}
