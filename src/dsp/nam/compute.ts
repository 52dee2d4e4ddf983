/**
 * Where a model's buffers live and which kernels run on them.
 *
 * A `Compute` hands out zeroed, 16-byte-aligned float buffers and says whether SIMD kernels are
 * bound to the memory those buffers live in:
 * - `jsCompute(maxBlock)`: plain Float32Arrays, plain TypeScript kernels (the readable reference);
 * - a SIMD compute (see `simd/simd-compute.ts`): every buffer is a view into one per-model
 *   WebAssembly.Memory, sized at load and never grown, so kernels take byte pointers into it.
 *
 * Planar block buffers use `stride` floats per channel: maxBlock rounded up to 8, so SIMD kernels
 * may run whole groups of 8 samples past n without touching the next channel.
 */
import type { SimdKernels } from './simd/kernels.ts';
import { jsPlanarOps, type PlanarOps } from './planar-ops.ts';

export interface Compute {
  readonly maxBlock: number;
  /** Floats per channel in planar block buffers (a multiple of 8, ≥ maxBlock). */
  readonly stride: number;
  /** SIMD kernels bound to this compute's memory, or null for the plain TypeScript path. */
  readonly simd: SimdKernels | null;
  /** Element-wise block operations on this compute's buffers. */
  readonly ops: PlanarOps;
  /** A zeroed buffer of n floats (16-byte aligned). */
  floats(n: number): Float32Array;
  /**
   * Optional: where layers hand the filling of a buffer they just allocated (packing weights into
   * the SIMD layout). Absent: the layer runs `fill.run(0, fill.units)` at once. A build job
   * (model-build-job.ts) collects them and runs them later in bounded slices; a sizing compute
   * drops them (sizes do not depend on contents).
   */
  readonly defer?: (fill: DeferredFill) => void;
  /** SIMD only: false keeps every conv on the direct kernel (no Winograd F(2,3) path; for A/B measurements). */
  readonly winograd?: boolean;
}

/** Work that fills a buffer, splittable into `units` (e.g. tiles) of at most `floatsPerUnit` floats each. */
export interface DeferredFill {
  readonly units: number;
  readonly floatsPerUnit: number;
  /** Fills units [from, to). Each unit is filled exactly once; order is free. */
  run(from: number, to: number): void;
}

/** Runs `fill` now, or hands it to the compute's `defer`. */
export function fillBuffer(compute: Compute, fill: DeferredFill): void {
  if (compute.defer) compute.defer(fill);
  else fill.run(0, fill.units);
}

export const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;

export function blockStride(maxBlock: number): number {
  return roundUp(maxBlock, 8);
}

/** The plain TypeScript compute: JS heap buffers, no SIMD. */
export function jsCompute(maxBlock: number): Compute {
  return { maxBlock, stride: blockStride(maxBlock), simd: null, ops: jsPlanarOps, floats: (n) => new Float32Array(n) };
}

/** Byte address of element `index` of a view into WebAssembly memory. */
export function ptr(view: Float32Array, index: number): number {
  return view.byteOffset + 4 * index;
}
