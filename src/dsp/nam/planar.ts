/**
 * A planar multi-channel block buffer: channel c's samples live at `data[c·stride + t]`.
 * Allocated once at load from the model's `Compute` (channel count padded to a multiple of 4 and
 * stride a multiple of 8, so SIMD kernels may write whole tiles); every layer passes these around.
 */
import { roundUp, type Compute } from './compute.ts';

export class Planar {
  readonly data: Float32Array;
  readonly stride: number;
  /** A view of every channel (made once, so the audio path never allocates one). */
  readonly all: PlanarView;

  constructor(
    readonly channels: number,
    compute: Compute,
  ) {
    this.stride = compute.stride;
    // +4 rows: a grouped SIMD conv's last 4-channel tile may run past the real channels.
    this.data = compute.floats((roundUp(channels, 4) + 4) * this.stride);
    this.all = this.rows(0, channels);
  }

  /** Channels [from, from+count) of this buffer, as a view sharing its memory (allocates: call at load). */
  rows(from: number, count: number): PlanarView {
    return { data: this.data, offset: from * this.stride, stride: this.stride, channels: count };
  }
}

/** A window onto planar data: channel c at `data[offset + c·stride + t]`. */
export interface PlanarView {
  readonly data: Float32Array;
  readonly offset: number;
  readonly stride: number;
  readonly channels: number;
}
