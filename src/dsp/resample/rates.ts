/**
 * Sample-rate validation and the exact (or near-exact) rational step between two rates.
 *
 * Output sample j sits at input position j * step, with step = fromRate / toRate = num / den.
 * Integer rates give the exact reduced fraction; other rates get the best continued-fraction
 * approximation with a denominator up to 2^24 (a timing error far below 1e-12 relative).
 */

/** A sample rate, or a pair of rates, the resampler refuses (a user error, not a bug). */
export class ResampleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResampleError';
  }
}

export const MAX_SAMPLE_RATE = 1e6;
/** Largest ratio between the two rates either way (the filter length grows with it). */
export const MAX_RATE_RATIO = 256;
const MAX_DENOMINATOR = 1 << 24;

export interface RateStep {
  /** Input samples advanced per `den` output samples. */
  num: number;
  /** Phases per input sample (output samples per `num` input samples). */
  den: number;
}

export function checkRate(name: string, rate: number): void {
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > MAX_SAMPLE_RATE) {
    throw new ResampleError(`resample: ${name} must be a finite number in (0, ${MAX_SAMPLE_RATE}] Hz, got ${String(rate)}`);
  }
}

export function checkRates(fromRate: number, toRate: number): void {
  checkRate('fromRate', fromRate);
  checkRate('toRate', toRate);
  const ratio = Math.max(fromRate / toRate, toRate / fromRate);
  if (!(ratio <= MAX_RATE_RATIO)) {
    throw new ResampleError(`resample: ${fromRate} Hz to ${toRate} Hz is a ratio of ${ratio.toPrecision(4)}, more than ${MAX_RATE_RATIO} is not supported`);
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Best rational approximation p/q of x with q <= maxDen (continued fractions). */
function approximate(x: number, maxDen: number): RateStep {
  let p0 = 0, q0 = 1, p1 = 1, q1 = 0;
  let v = x;
  for (let iter = 0; iter < 64; iter++) {
    const a = Math.floor(v);
    const p2 = a * p1 + p0;
    const q2 = a * q1 + q0;
    if (q2 > maxDen) break;
    p0 = p1; q0 = q1; p1 = p2; q1 = q2;
    const rest = v - a;
    if (rest < 1e-15) break;
    v = 1 / rest;
  }
  return { num: p1, den: q1 };
}

/** The step fromRate / toRate as num / den (rates must already be valid). */
export function rateStep(fromRate: number, toRate: number): RateStep {
  if (Number.isInteger(fromRate) && Number.isInteger(toRate)) {
    const g = gcd(fromRate, toRate);
    return { num: fromRate / g, den: toRate / g };
  }
  return approximate(fromRate / toRate, MAX_DENOMINATOR);
}
