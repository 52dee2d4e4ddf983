/**
 * The SIMD `Compute`: one WebAssembly.Memory per model, sized at load and never grown, with the
 * SIMD kernels instantiated on it; buffers are 16-byte-aligned views into that memory handed out
 * by a bump allocator.
 *
 * Sizing is two-pass: the model is first built against `countingCompute`, which allocates plain
 * arrays and adds up the bytes the SIMD build will need; then the real memory is made that size.
 */
import { blockStride, type Compute } from '../compute.ts';
import { simdPlanarOps } from '../planar-ops.ts';
import { instantiateKernels, type SimdKernels } from './kernels.ts';

const PAGE = 65536;
/** Bytes below this are left to the kernel module (it has no data, but stays clear of address 0). */
const RESERVED = PAGE;
const align16 = (n: number): number => (n + 15) & ~15;

/** A compute that only measures: plain arrays, plus the byte count a SIMD build needs. */
export interface CountingCompute extends Compute {
  readonly bytes: number;
}

const unusable = new Proxy({} as SimdKernels, {
  get() {
    throw new Error('countingCompute only sizes a model; it cannot run one');
  },
});

export function countingCompute(maxBlock: number): CountingCompute {
  let bytes = RESERVED;
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
      return new Float32Array(n);
    },
  };
  return c;
}

export function createSimdCompute(maxBlock: number, bytes: number, relaxed: boolean): Compute {
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
  };
}
