/**
 * Sequential reader over a model's flat weight array.
 *
 * Architectures first compute how many weights their config needs (so a wrong count is reported
 * as `weights: this config needs N values, the file has M` before anything is built), then take
 * them in file order with `take(n)`.
 */
import { NamError } from './errors.ts';

export class WeightReader {
  private pos = 0;

  constructor(
    private readonly weights: Float32Array,
    private readonly path = 'weights',
  ) {}

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.weights.length - this.pos;
  }

  /** Next `n` weights as a view (no copy). */
  take(n: number): Float32Array {
    if (this.pos + n > this.weights.length) {
      throw new NamError('weight-count', this.path, `ran out of values at index ${this.weights.length} (needed ${this.pos + n})`);
    }
    const out = this.weights.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  next(): number {
    return this.take(1)[0]!;
  }

  /** Throws unless every weight was consumed. */
  finish(): void {
    if (this.pos !== this.weights.length) {
      throw new NamError('weight-count', this.path, `this config needs ${this.pos} values, the file has ${this.weights.length}`);
    }
  }
}

/** Checks an exact count before building. */
export function expectWeightCount(needed: number, found: number, path = 'weights'): void {
  if (needed !== found) throw new NamError('weight-count', path, `this config needs ${needed} values, the file has ${found}`);
}

const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;

/**
 * Converts the JSON weights array to float32, refusing non-numbers, NaN and ±Infinity
 * with the index of the first bad value.
 */
export function toFloat32Weights(raw: unknown, path = 'weights'): Float32Array {
  if (!Array.isArray(raw)) throw new NamError('invalid-config', path, 'expected an array of numbers');
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v: unknown = raw[i];
    if (typeof v !== 'number') throw new NamError('invalid-weights', `${path}[${i}]`, `expected a number, got ${v === null ? 'null' : typeof v}`);
    if (!Number.isFinite(v)) throw new NamError('invalid-weights', `${path}[${i}]`, `${v} is not a finite number`);
    const f = Math.fround(v);
    if (!Number.isFinite(f)) throw new NamError('invalid-weights', `${path}[${i}]`, `${v} overflows float32`);
    // A subnormal weight (|w| < 2^-126) changes no output measurably, but multiplying by it is
    // slow on x86 and WebAssembly cannot flush to zero: it is stored as 0.
    out[i] = f > -FLOAT32_MIN_NORMAL && f < FLOAT32_MIN_NORMAL ? 0 : f;
  }
  return out;
}
