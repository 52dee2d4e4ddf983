/**
 * The WASM SIMD elementwise kernels against plain JS, for the baseline and (where supported)
 * relaxed builds. Each runs over count rounded up to 4 and must leave what follows untouched.
 */
import { describe, expect, it } from 'vitest';
import { Arena, VARIANTS, rng } from './harness.ts';

const f = Math.fround;
const COUNTS = [1, 3, 4, 5, 8, 127, 128, 301];

function randoms(seed: number, n: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() - 0.5) * 8);
}

for (const variant of VARIANTS) {
  describe(`elementwise (${variant.name})`, () => {
    const arena = new Arena(variant.relaxed, 4);

    /**
     * Runs `kernel` over arrays a (in/out) and b, c (inputs) of `count` rounded up to 4 plus a tail
     * of 4 guard floats; compares a to `ref` elementwise within `tol`, and the tail to its old values.
     */
    function check(
      name: string,
      kernel: (a: number, b: number, c: number, count: number) => void,
      ref: (a: number, b: number, c: number) => number,
      tol: (want: number) => number,
    ): void {
      for (const count of COUNTS) {
        arena.reset();
        const len = Math.ceil(count / 4) * 4;
        const a = randoms(count, len + 4);
        const b = randoms(count + 1000, len + 4);
        const c = randoms(count + 2000, len + 4);
        const pa = arena.put(a);
        const pb = arena.put(b);
        const pc = arena.put(c);
        kernel(pa, pb, pc, count);
        const got = arena.read(pa, len + 4);
        for (let i = 0; i < len; i++) {
          const want = ref(a[i]!, b[i]!, c[i]!);
          if (!(Math.abs(got[i]! - want) <= tol(want))) expect.fail(`${name} count=${count} i=${i}: got ${got[i]}, want ${want}`);
        }
        for (let i = len; i < len + 4; i++) expect(got[i], `${name}: tail untouched`).toBe(a[i]);
        expect(Array.from(arena.read(pb, len + 4))).toEqual(Array.from(b));
      }
    }

    const exact = (): number => 0;
    const rel = (want: number): number => 2.5e-7 * Math.max(1, Math.abs(want));

    it('add: dst += src', () => {
      check('add', (a, b, _c, n) => arena.k.add(a, b, n), (a, b) => f(a + b), exact);
    });
    it('copy: dst = src', () => {
      check('copy', (a, b, _c, n) => arena.k.copy(a, b, n), (_a, b) => b, exact);
    });
    it('scale: dst = k·src', () => {
      check('scale', (a, b, _c, n) => arena.k.scale(a, b, n, 0.75), (_a, b) => f(0.75 * b), exact);
      check('scale in place', (a, _b, _c, n) => arena.k.scale(a, a, n, -1.5), (a) => f(-1.5 * a), exact);
    });
    it('gate_mul: top *= bottom', () => {
      check('gate_mul', (a, b, _c, n) => arena.k.gate_mul(a, b, n), (a, b) => f(a * b), exact);
    });
    it('blend: top = alpha·top + (1 − alpha)·pre, with a per-sample alpha', () => {
      // Three float32 roundings on terms up to ~4 in size: allow 1e-6 relative.
      check('blend', (a, b, c, n) => arena.k.blend(a, b, c, n), (a, b, c) => c * a + (1 - c) * b, (want) => 1e-6 * Math.max(1, Math.abs(want)));
    });
    it('film: dst = x·scale (+ shift)', () => {
      // dst is a; x, scale are b, c; shift is a's old values copied elsewhere.
      check('film with shift', (a, b, c, n) => arena.k.film(a, b, c, a, n, 1), (a, b, c) => b * c + a, rel);
      check('film without shift', (a, b, c, n) => arena.k.film(a, b, c, 0, n, 0), (_a, b, c) => f(b * c), exact);
    });

    it('copy_rows: rows × count (rounded up to 4) between strides, nothing else written', () => {
      for (const count of COUNTS) {
        for (const rows of [1, 3, 16]) {
          arena.reset();
          const len = Math.ceil(count / 4) * 4;
          const srcStride = len + 8;
          const dstStride = 2 * len + 12;
          const src = randoms(count + rows, rows * srcStride);
          const dst = randoms(count + rows + 500, rows * dstStride + 4);
          const ps = arena.put(src);
          const pd = arena.put(dst);
          arena.k.copy_rows(pd, dstStride, ps, srcStride, rows, count);
          const got = arena.read(pd, dst.length);
          const want = Float32Array.from(dst);
          for (let r = 0; r < rows; r++) want.set(src.subarray(r * srcStride, r * srcStride + len), r * dstStride);
          let bad = -1;
          for (let i = 0; i < want.length && bad < 0; i++) if (!Object.is(got[i], want[i])) bad = i;
          expect(bad, `copy_rows count=${count} rows=${rows}: first wrong float`).toBe(-1);
          expect(Array.from(arena.read(ps, src.length))).toEqual(Array.from(src));
        }
      }
    });

    it('flush_denormals: |v| < 1e-30 becomes 0, everything else is kept', () => {
      arena.reset();
      const values = [1e-31, -1e-35, 1e-40, -1e-45, 0, -0, 1e-30, -1e-30, 2e-30, 1e-29, 1, -3.5, Infinity, -Infinity, NaN, 1e30];
      const data = Float32Array.from([...values, 7, 7, 7, 7]);
      const at = arena.put(data);
      arena.k.flush_denormals(at, values.length - 1); // rounded up to 16
      const got = arena.read(at, data.length);
      values.forEach((v, i) => {
        const fv = f(v);
        if (Number.isNaN(fv)) expect(got[i]).toBeNaN();
        else if (Math.abs(fv) < f(1e-30)) expect(got[i]).toBe(0);
        else expect(got[i]).toBe(fv);
      });
      expect(Array.from(got.subarray(values.length))).toEqual([7, 7, 7, 7]);
    });
  });
}
