/**
 * The polyphase windowed-sinc (Kaiser) kernel shared by the offline and streaming resamplers,
 * and the one routine that computes an output sample from it.
 *
 * Design, in terms of the lower of the two rates (fLow = min(fromRate, toRate)):
 * - passband up to 0.90 * fLow/2, stopband from 1.00 * fLow/2, cutoff (-6 dB) at 0.95 * fLow/2;
 * - Kaiser window designed for 100 dB, so the stopband is below -90 dB with margin and the
 *   passband ripple is ~1e-5 (far under 0.1 dB).
 *
 * The kernel g(u) lives on input-sample time u and is zero-phase, so output sample j is exactly
 * at input position p = j * num / den = i0 + phase / den. It is applied as
 *   y = sum_k x[i0 - left + k] * row(phase)[k],  k = 0 .. taps-1,  taps = left + 1 + right.
 * When den * taps fits the table budget there is one row per phase (exact); otherwise the table
 * holds `rows` evenly spaced phases plus one, and the coefficients are linearly interpolated
 * between the two nearest rows (error far below the stopband for any allowed ratio).
 * Every row is normalised to a DC gain of exactly 1. Equal rates give the identity (one tap).
 */
import { besselI0, kaiserBeta, kaiserLength, kaiserWindow } from './kaiser.ts';
import { rateStep, type RateStep } from './rates.ts';

export const PASSBAND_EDGE = 0.9; // fraction of the lower Nyquist
export const STOPBAND_EDGE = 1.0; // fraction of the lower Nyquist
export const DESIGN_ATTENUATION_DB = 100;
/** Most coefficients an exact (one row per phase) table may hold before interpolation is used. */
const TABLE_BUDGET = 1 << 18;
const MAX_INTERPOLATED_ROWS = 4096;
const MIN_INTERPOLATED_ROWS = 16;

export interface PolyphaseKernel extends RateStep {
  /** Taps before the centre sample i0. */
  readonly left: number;
  /** Taps after the centre sample i0 (the look-ahead a causal user must wait for). */
  readonly right: number;
  readonly taps: number;
  /** True when there is one row per phase (rows === den). */
  readonly exact: boolean;
  /** Number of table rows used for phases in [0, 1); interpolated tables store rows + 1. */
  readonly rows: number;
  readonly table: Float64Array;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Builds the kernel for a pair of valid rates (see rates.ts for validation). */
export function buildPolyphaseKernel(fromRate: number, toRate: number): PolyphaseKernel {
  const step = rateStep(fromRate, toRate);
  if (step.num === step.den) {
    return { ...step, left: 0, right: 0, taps: 1, exact: true, rows: 1, table: Float64Array.of(1) };
  }
  const fLow = Math.min(fromRate, toRate);
  const transition = ((STOPBAND_EDGE - PASSBAND_EDGE) / 2) * fLow; // Hz
  const lengthAtLowRate = kaiserLength(DESIGN_ATTENUATION_DB, transition / fLow);
  const half = Math.ceil((lengthAtLowRate / 2) * (fromRate / fLow)); // half-width in input samples
  const left = half - 1;
  const right = half;
  const taps = left + 1 + right;

  const exact = step.den * taps <= TABLE_BUDGET;
  const rows = exact
    ? step.den
    : Math.max(MIN_INTERPOLATED_ROWS, Math.min(MAX_INTERPOLATED_ROWS, Math.floor(TABLE_BUDGET / taps)));
  const storedRows = exact ? rows : rows + 1;

  const cutoff = (((PASSBAND_EDGE + STOPBAND_EDGE) / 2) * fLow) / 2; // Hz
  const bw = (2 * cutoff) / fromRate; // sinc bandwidth in input samples
  const beta = kaiserBeta(DESIGN_ATTENUATION_DB);
  const i0Beta = besselI0(beta);
  const table = new Float64Array(storedRows * taps);
  for (let r = 0; r < storedRows; r++) {
    const frac = r / rows;
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const u = frac + left - k; // position of the output relative to tap k, in input samples
      const g = bw * sinc(bw * u) * kaiserWindow(u / half, beta, i0Beta);
      table[r * taps + k] = g;
      sum += g;
    }
    for (let k = 0; k < taps; k++) table[r * taps + k]! /= sum;
  }
  return { ...step, left, right, taps, exact, rows, table };
}

function dot(table: Float64Array, row: number, taps: number, x: Float32Array, start: number): number {
  let acc = 0;
  const base = row * taps;
  for (let k = 0; k < taps; k++) acc += x[start + k]! * table[base + k]!;
  return acc;
}

/**
 * One output sample: `x[start .. start + taps)` are the inputs i0 - left .. i0 + right, and
 * `phase` in [0, den) is the fractional position times den.
 */
export function kernelOutput(kernel: PolyphaseKernel, x: Float32Array, start: number, phase: number): number {
  const { table, taps } = kernel;
  if (kernel.exact) return dot(table, phase, taps, x, start);
  const f = (phase * kernel.rows) / kernel.den;
  const r = Math.floor(f);
  const t = f - r;
  const a = dot(table, r, taps, x, start);
  if (t === 0) return a;
  return a + t * (dot(table, r + 1, taps, x, start) - a);
}
