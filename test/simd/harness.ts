/**
 * Shared set-up for the SIMD kernel tests: which variants to run, a bump allocator over one
 * WebAssembly.Memory per variant, and a seeded generator.
 *
 * Relaxed SIMD: Node 22 has it; Node 20 only behind --experimental-wasm-relaxed-simd, which we turn
 * on in this (forked) test process so the relaxed build is exercised too. It is still only run when
 * relaxedSimdSupported() says the runtime accepts it.
 */
import { setFlagsFromString } from 'node:v8';
import { instantiateKernels, relaxedSimdSupported, type SimdKernels } from '../../src/dsp/nam/simd/kernels.ts';

if (!relaxedSimdSupported()) {
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    // not a V8 that knows the flag: run the baseline only
  }
}

/** The variants this runtime can run: baseline always, relaxed when supported. */
export const VARIANTS: readonly { name: string; relaxed: boolean }[] = [
  { name: 'baseline', relaxed: false },
  ...(relaxedSimdSupported() ? [{ name: 'relaxed', relaxed: true }] : []),
];

export class Arena {
  readonly memory: WebAssembly.Memory;
  readonly k: SimdKernels;
  private top = 0;

  constructor(relaxed: boolean, pages = 64) {
    this.memory = new WebAssembly.Memory({ initial: pages });
    this.k = instantiateKernels(this.memory, relaxed);
  }

  get f32(): Float32Array {
    return new Float32Array(this.memory.buffer);
  }

  /** Frees everything. */
  reset(): void {
    this.top = 0;
  }

  /** Byte offset of `floats` fresh floats, 64-byte aligned, plus `misalign` bytes (multiple of 4). */
  alloc(floats: number, misalign = 0): number {
    const at = Math.ceil(this.top / 64) * 64 + misalign;
    this.top = at + floats * 4;
    if (this.top > this.memory.buffer.byteLength) throw new Error('arena full');
    return at;
  }

  /** Copies `data` to a fresh allocation and returns its byte offset. */
  put(data: ArrayLike<number>, slack = 0): number {
    const at = this.alloc(data.length + slack);
    this.f32.set(data, at / 4);
    return at;
  }

  read(at: number, floats: number): Float32Array {
    return this.f32.slice(at / 4, at / 4 + floats);
  }
}

/** Deterministic uniform generator on [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

export function randInt(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}
