/**
 * Measurement helpers for the resampler and synth tests: analytic tones, a least-squares fit of
 * a sine of known frequency, RMS, and dB conversion.
 */

export function tone(n: number, freq: number, rate: number, amp: number, phase: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate + phase);
  return x;
}

export function db(ratio: number): number {
  return 20 * Math.log10(ratio);
}

export function rms(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / (to - from));
}

export interface ToneFit {
  /** Amplitude of the best-fitting sine at the given frequency. */
  amp: number;
  /** RMS of what is left after subtracting it (images, aliases, noise). */
  residualRms: number;
}

/** Least-squares fit of a*sin + b*cos at `freq` over y[from .. to). */
export function fitTone(y: ArrayLike<number>, freq: number, rate: number, from: number, to: number): ToneFit {
  let ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
  for (let i = from; i < to; i++) {
    const w = (2 * Math.PI * freq * i) / rate;
    const s = Math.sin(w), c = Math.cos(w), v = y[i]!;
    ss += s * s; cc += c * c; sc += s * c; ys += v * s; yc += v * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  let r = 0;
  for (let i = from; i < to; i++) {
    const w = (2 * Math.PI * freq * i) / rate;
    const e = y[i]! - a * Math.sin(w) - b * Math.cos(w);
    r += e * e;
  }
  return { amp: Math.hypot(a, b), residualRms: Math.sqrt(r / (to - from)) };
}

/** A small seeded LCG for test data (independent of the code under test). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
