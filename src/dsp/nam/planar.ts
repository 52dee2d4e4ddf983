/**
 * A planar multi-channel block buffer: channel c's samples live at `data[c·stride + t]`.
 * Allocated once at load with `stride = maxBlockSize`; every layer passes these around.
 */
export class Planar {
  readonly data: Float32Array;
  /** A view of every channel (made once, so the audio path never allocates one). */
  readonly all: PlanarView;

  constructor(
    readonly channels: number,
    readonly stride: number,
  ) {
    this.data = new Float32Array(channels * stride);
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

/** dst[c][t] = src[c][t] for the first n samples of every channel. */
export function copyPlanar(src: PlanarView, dst: PlanarView, n: number): void {
  const a = src.data;
  const b = dst.data;
  for (let c = 0; c < src.channels; c++) {
    const s = src.offset + c * src.stride;
    const d = dst.offset + c * dst.stride;
    for (let t = 0; t < n; t++) b[d + t] = a[s + t]!;
  }
}

/** dst[c][t] += src[c][t]. */
export function addPlanar(src: PlanarView, dst: PlanarView, n: number): void {
  for (let c = 0; c < src.channels; c++) {
    const s = src.offset + c * src.stride;
    const d = dst.offset + c * dst.stride;
    const a = src.data;
    const b = dst.data;
    for (let t = 0; t < n; t++) b[d + t] += a[s + t]!;
  }
}
