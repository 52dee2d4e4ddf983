/**
 * The WASM SIMD activations against double-precision oracles (Math.tanh, 1/(1+e^−x), and the
 * core's fast tanh formula written out here), for the baseline and (where supported) relaxed builds.
 */
import { describe, expect, it } from 'vitest';
import type { SimdKernels } from '../../src/dsp/nam/simd/kernels.ts';
import { fastSigmoid, fastTanh, preciseTanh } from '../../src/dsp/nam/activations.ts';
import { Arena, VARIANTS, rng } from './harness.ts';

const f = Math.fround;

// The core's fast_tanh (NAM/activations.h), in double with its float constants: an oracle
// independent of src/dsp/nam/activations.ts.
function fastTanhRef(x: number): number {
  const a = f(2.45550750702956);
  const b = f(0.893229853513558);
  const c = f(0.821226666969744);
  const d = f(2.44506634652299);
  const e = f(0.814642734961073);
  const ax = Math.abs(x);
  const x2 = x * x;
  return (x * (a + a * ax + (b + c * ax) * x2)) / (d + (d + x2) * Math.abs(x + e * x * ax));
}

const sigmoidRef = (x: number): number => 1 / (1 + Math.exp(-x));

/** Test inputs: a dense grid over [−20, 20], random values, and edge values. */
function inputs(): Float32Array {
  const v: number[] = [];
  for (let x = -20; x <= 20; x += 1 / 64) v.push(x);
  const r = rng(3);
  for (let i = 0; i < 4000; i++) v.push((r() - 0.5) * 2 * 10 ** (r() * 4 - 2));
  v.push(0, -0, 1e-8, -1e-8, 1e-3, -1e-3, 7.9053, -7.9053, 7.91, -7.91, 15.81, -15.81, 3, -3, 1, -1, 2.999999, -2.999999, 50, -50);
  return Float32Array.from(v);
}

const X = inputs();

interface Check {
  name: string;
  run: (k: SimdKernels, ptr: number, count: number) => void;
  /** Double-precision oracle. */
  ref: (x: number) => number;
  /** Allowed |got − ref| at x. */
  tol: (x: number, ref: number) => number;
}

const CHECKS: Check[] = [
  { name: 'tanh_exact', run: (k, p, n) => k.tanh_exact(p, n), ref: Math.tanh, tol: () => 5e-7 },
  { name: 'tanh_fast', run: (k, p, n) => k.tanh_fast(p, n), ref: fastTanhRef, tol: () => 1e-6 },
  { name: 'sigmoid_exact', run: (k, p, n) => k.sigmoid_exact(p, n), ref: sigmoidRef, tol: () => 3e-7 },
  { name: 'sigmoid_fast', run: (k, p, n) => k.sigmoid_fast(p, n), ref: (x) => 0.5 * (fastTanhRef(x * 0.5) + 1), tol: () => 1e-6 },
  { name: 'relu', run: (k, p, n) => k.relu(p, n), ref: (x) => (x > 0 ? x : 0), tol: () => 0 },
  { name: 'leaky_relu', run: (k, p, n) => k.leaky_relu(p, n, 0.01), ref: (x) => (x > 0 ? x : f(f(0.01) * x)), tol: () => 0 },
  { name: 'hardtanh', run: (k, p, n) => k.hardtanh(p, n), ref: (x) => (x < -1 ? -1 : x > 1 ? 1 : x), tol: () => 0 },
  {
    name: 'leaky_hardtanh',
    run: (k, p, n) => k.leaky_hardtanh(p, n, -0.5, 2, 0.01, 0.2),
    ref: (x) => (x < -0.5 ? (x + 0.5) * f(0.01) - 0.5 : x > 2 ? (x - 2) * f(0.2) + 2 : x),
    tol: (x) => 2e-7 * Math.max(1, Math.abs(x)),
  },
  { name: 'softsign', run: (k, p, n) => k.softsign(p, n), ref: (x) => x / (1 + Math.abs(x)), tol: () => 2e-7 },
  { name: 'silu_exact', run: (k, p, n) => k.silu_exact(p, n), ref: (x) => x * sigmoidRef(x), tol: (x) => 4e-7 * Math.max(1, Math.abs(x)) },
  {
    name: 'hardswish',
    run: (k, p, n) => k.hardswish(p, n),
    ref: (x) => (x <= -3 ? 0 : x >= 3 ? x : (x * (x + 3)) / 6),
    tol: (x) => 3e-7 * Math.max(1, Math.abs(x)),
  },
];

for (const variant of VARIANTS) {
  describe(`activations (${variant.name})`, () => {
    const arena = new Arena(variant.relaxed, 4);

    for (const check of CHECKS) {
      it(`${check.name} matches its double-precision oracle on ${X.length} inputs`, () => {
        arena.reset();
        const at = arena.put(X, 4);
        check.run(arena.k, at, X.length);
        const got = arena.read(at, X.length);
        let worst = 0;
        for (let i = 0; i < X.length; i++) {
          const x = X[i]!;
          const want = check.ref(x);
          const err = Math.abs(got[i]! - want);
          worst = Math.max(worst, err / Math.max(check.tol(x, want), 1e-300));
          if (!(err <= check.tol(x, want))) expect.fail(`${check.name}(${x}) = ${got[i]}, want ${want} (err ${err})`);
        }
        expect(worst).toBeLessThanOrEqual(1);
      });
    }

    it("agrees with the engine's scalar forms (activations.ts fastTanh, fastSigmoid, preciseTanh)", () => {
      const pairs: [string, (x: number) => number, number][] = [
        ['tanh_fast', fastTanh, 1e-6],
        ['sigmoid_fast', fastSigmoid, 1e-6],
        ['tanh_exact', preciseTanh, 3e-7],
      ];
      for (const [name, scalar, tol] of pairs) {
        arena.reset();
        const at = arena.put(X);
        CHECKS.find((c) => c.name === name)!.run(arena.k, at, X.length);
        const got = arena.read(at, X.length);
        for (let i = 0; i < X.length; i++) {
          if (!(Math.abs(got[i]! - scalar(X[i]!)) <= tol)) expect.fail(`${name}(${X[i]}) = ${got[i]}, activations.ts says ${scalar(X[i]!)}`);
        }
      }
    });

    it('transforms count rounded up to 4 and nothing past it (even and odd numbers of vectors)', () => {
      for (const check of CHECKS) {
        arena.reset();
        const data = Float32Array.from({ length: 12 }, (_, i) => i - 5.5);
        const at = arena.put(data);
        check.run(arena.k, at, 5); // → 8 floats
        const got = arena.read(at, 12);
        for (let i = 0; i < 8; i++) expect(Math.abs(got[i]! - check.ref(data[i]!))).toBeLessThanOrEqual(check.tol(data[i]!, 0) + 1e-12);
        for (let i = 8; i < 12; i++) expect(got[i]).toBe(data[i]);
        // An odd number of vectors (9 → 12 floats): the two-vector loop plus its one-vector tail.
        arena.reset();
        const wide = Float32Array.from({ length: 16 }, (_, i) => (i - 7.5) / 2);
        const atWide = arena.put(wide);
        check.run(arena.k, atWide, 9);
        const gotWide = arena.read(atWide, 16);
        for (let i = 0; i < 12; i++) expect(Math.abs(gotWide[i]! - check.ref(wide[i]!))).toBeLessThanOrEqual(check.tol(wide[i]!, 0) + 1e-12);
        for (let i = 12; i < 16; i++) expect(gotWide[i]).toBe(wide[i]);
        arena.reset();
        const at0 = arena.put(data);
        check.run(arena.k, at0, 0);
        expect(Array.from(arena.read(at0, 12))).toEqual(Array.from(data));
      }
    });

    it('NaN and infinities', () => {
      arena.reset();
      const special = Float32Array.from([NaN, Infinity, -Infinity, 0]);
      const run = (check: string): Float32Array => {
        const at = arena.put(special);
        CHECKS.find((c) => c.name === check)!.run(arena.k, at, 4);
        return arena.read(at, 4);
      };
      const near = (got: Float32Array, want: number[]): void => {
        want.forEach((w, i) => (Number.isNaN(w) ? expect(got[i]).toBeNaN() : expect(Math.abs(got[i]! - w)).toBeLessThanOrEqual(5e-7)));
      };
      near(run('tanh_exact'), [NaN, 1, -1, 0]);
      near(run('sigmoid_exact'), [NaN, 1, 0, 0.5]);

      expect(Array.from(run('relu'))).toEqual([0, Infinity, 0, 0]);
      expect(Array.from(run('hardtanh'))).toEqual([NaN, 1, -1, 0]);
      expect(Number.isNaN(run('tanh_fast')[0])).toBe(true);
    });
  });
}
