/**
 * The SIMD `Compute`: one WebAssembly.Memory per model, sized at load and never grown, with the
 * SIMD kernels instantiated on it; buffers are 16-byte-aligned views into that memory handed out
 * by a bump allocator.
 *
 * Sizing is two-pass: the model is first built against `countingCompute`, which adds up the bytes
 * the SIMD build will need (without packing anything); then the real memory is made that size.
 */
import { blockStride, type Compute } from '../compute.ts';
import { simdPlanarOps } from '../planar-ops.ts';
import { instantiateKernels, type SimdKernels } from './kernels.ts';

const PAGE = 65536;
/** Bytes below this are left to the kernel module (it has no data, but stays clear of address 0). */
const RESERVED = PAGE;
const align16 = (n: number): number => (n + 15) & ~15;

/** A compute that only measures the byte count a SIMD build needs (its buffers are scratch). */
export interface CountingCompute extends Compute {
  readonly bytes: number;
}

const unusable = new Proxy({} as SimdKernels, {
  get() {
    throw new Error('countingCompute only sizes a model; it cannot run one');
  },
});

/** `winograd`: see `Compute.winograd` (give the sizing pass the same value as the real build). */
export function countingCompute(maxBlock: number, winograd = true): CountingCompute {
  let bytes = RESERVED;
  // Buffers only need the right lengths: all are views of one scratch array (grown on demand), and
  // weight packing is dropped (`defer`), so sizing costs little more than building the layer objects.
  let scratch = new Float32Array(0);
  const c: CountingCompute = {
    maxBlock,
    stride: blockStride(maxBlock),
    simd: unusable,
    ops: simdPlanarOps(unusable),
    get bytes() {
      return bytes;
    },
    floats(n) {
      bytes = align16(bytes) + 4 * n;
      if (n > scratch.length) scratch = new Float32Array(n);
      return scratch.subarray(0, n);
    },
    defer: () => undefined,
    winograd,
  };
  return c;
}

/**
 * The SIMD compute on fresh memory of `bytes` (from `countingCompute`). `defer`: see `Compute.defer`
 * (absent: weights are packed while layers are built). `winograd`: see `Compute.winograd`.
 */
export function createSimdCompute(maxBlock: number, bytes: number, relaxed: boolean, defer?: Compute['defer'], winograd = true): Compute {
  const pages = Math.ceil((bytes + 64) / PAGE);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const kernels = instantiateKernels(memory, relaxed);
  let top = RESERVED;
  return {
    maxBlock,
    stride: blockStride(maxBlock),
    simd: kernels,
    ops: simdPlanarOps(kernels),
    floats(n) {
      const offset = align16(top);
      top = offset + 4 * n;
      if (top > memory.buffer.byteLength) throw new Error(`SIMD arena overflow: ${top} > ${memory.buffer.byteLength} bytes (sizing pass disagreed)`);
      return new Float32Array(memory.buffer, offset, n);
    },
    ...(defer ? { defer } : {}),
    winograd,
  };
}
