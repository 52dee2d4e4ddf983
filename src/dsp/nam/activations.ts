/**
 * Activation functions, as NeuralAmpModelerCore defines them (`NAM/activations.h`).
 *
 * An activation is parsed once from the config (a name, an `{type, …}` object) and then applied
 * in place to planar buffers: `apply(buf, offset, n, channel)` transforms `buf[offset .. offset+n)`,
 * which holds one channel's samples (PReLU needs the channel for its per-channel slope).
 *
 * `fastTanh` mirrors the core's global switch: Tanh becomes the core's rational approximation.
 */
import { NamError } from './errors.ts';
import { isObject, type Json } from './config-reader.ts';

export interface Activation {
  readonly name: string;
  /** True when the activation is the identity (lets callers skip the pass). */
  readonly isIdentity: boolean;
  /** Numeric parameters, for kernels that re-implement it (LeakyReLU: slope; PReLU: slopes; LeakyHardtanh: min, max, min slope, max slope). */
  readonly params: readonly number[];
  apply(buf: Float32Array, offset: number, n: number, channel: number): void;
  /** Scalar form, for per-sample code paths (LSTM gates, tests). */
  scalar(x: number, channel: number): number;
}

// Coefficients of the core's fast tanh (float32 constants).
const FT_A = Math.fround(2.45550750702956);
const FT_B = Math.fround(0.893229853513558);
const FT_C = Math.fround(0.821226666969744);
const FT_D = Math.fround(2.44506634652299);
const FT_E = Math.fround(0.814642734961073);

/** The core's `fast_tanh`: x(a + a|x| + (b + c|x|)x²) / (d + (d + x²)|x + e·x·|x||). */
export function fastTanh(x: number): number {
  const ax = Math.abs(x);
  const x2 = x * x;
  return (x * (FT_A + FT_A * ax + (FT_B + FT_C * ax) * x2)) / (FT_D + (FT_D + x2) * Math.abs(x + FT_E * x * ax));
}

/** The core's `fast_sigmoid`: 0.5·(fast_tanh(x/2) + 1). */
export function fastSigmoid(x: number): number {
  return 0.5 * (fastTanh(x * 0.5) + 1);
}

// Eigen's float tanh (a 13/6 odd/even rational on [−7.9053, 7.9053], clamped outside): within
// 2.7e-7 of tanh everywhere, i.e. float32 precision, at a third of Math.tanh's cost.
const TANH_CLAMP = 7.90531110763549805;
const TA1 = 4.89352455891786e-3;
const TA3 = 6.37261928875436e-4;
const TA5 = 1.48572235717979e-5;
const TA7 = 5.12229709037114e-8;
const TA9 = -8.60467152213735e-11;
const TA11 = 2.00018790482477e-13;
const TA13 = -2.76076847742355e-16;
const TB0 = 4.89352518554385e-3;
const TB2 = 2.26843463243900e-3;
const TB4 = 1.18534705686654e-4;
const TB6 = 1.19825839466702e-6;

/** tanh to float32 precision (see above); NaN stays NaN. */
export function preciseTanh(v: number): number {
  const x = Math.min(Math.max(v, -TANH_CLAMP), TANH_CLAMP);
  const x2 = x * x;
  const p = ((((((TA13 * x2 + TA11) * x2 + TA9) * x2 + TA7) * x2 + TA5) * x2 + TA3) * x2 + TA1) * x;
  const q = ((TB6 * x2 + TB4) * x2 + TB2) * x2 + TB0;
  return p / q;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

type ScalarFn = (x: number, channel: number) => number;
type ApplyFn = (buf: Float32Array, offset: number, n: number, channel: number) => void;

/**
 * An activation from its scalar form and a hand-written block loop. The loop must not call a
 * function per sample: a call that V8 does not inline returns its double boxed, which allocates
 * on the audio path.
 */
function make(name: string, scalar: ScalarFn, apply: ApplyFn, params: readonly number[] = []): Activation {
  return { name, isIdentity: false, scalar, apply, params };
}

export const IDENTITY: Activation = {
  name: 'Identity',
  isIdentity: true,
  params: [],
  scalar: (x) => x,
  apply() {},
};

function tanhActivation(fast: boolean): Activation {
  if (fast) {
    return {
      name: 'Fasttanh',
      isIdentity: false,
      params: [],
      scalar: fastTanh,
      apply(buf, offset, n) {
        const end = offset + n;
        for (let i = offset; i < end; i++) {
          const x = buf[i]!;
          const ax = Math.abs(x);
          const x2 = x * x;
          buf[i] = (x * (FT_A + FT_A * ax + (FT_B + FT_C * ax) * x2)) / (FT_D + (FT_D + x2) * Math.abs(x + FT_E * x * ax));
        }
      },
    };
  }
  return {
    name: 'Tanh',
    isIdentity: false,
    params: [],
    scalar: preciseTanh,
    apply(buf, offset, n) {
      const end = offset + n;
      for (let i = offset; i < end; i++) {
        // Math.min/max keep x an unboxed double (a ?: mixing a module constant and a double can
        // make V8 box every sample).
        const x = Math.min(Math.max(buf[i]!, -TANH_CLAMP), TANH_CLAMP);
        const x2 = x * x;
        const p = ((((((TA13 * x2 + TA11) * x2 + TA9) * x2 + TA7) * x2 + TA5) * x2 + TA3) * x2 + TA1) * x;
        buf[i] = p / (((TB6 * x2 + TB4) * x2 + TB2) * x2 + TB0);
      }
    },
  };
}

function sigmoidActivation(): Activation {
  return {
    name: 'Sigmoid',
    isIdentity: false,
    params: [],
    scalar: sigmoid,
    apply(buf, offset, n) {
      const end = offset + n;
      for (let i = offset; i < end; i++) buf[i] = 1 / (1 + Math.exp(-buf[i]!));
    },
  };
}

function numberField(spec: Record<string, Json>, key: string, fallback: number, path: string): number {
  const v = spec[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new NamError('invalid-config', `${path}.${key}`, `expected a finite number, got ${JSON.stringify(v)}`);
  }
  return Math.fround(v);
}

/** Activation names the core knows (plus a few spellings seen in exported files). */
export const ACTIVATION_NAMES = [
  'Tanh',
  'Hardtanh',
  'Fasttanh',
  'ReLU',
  'LeakyReLU',
  'PReLU',
  'Sigmoid',
  'SiLU',
  'Hardswish',
  'LeakyHardtanh',
  'Softsign',
] as const;

const ALIASES: Record<string, string> = {
  HardTanh: 'Hardtanh',
  FastTanh: 'Fasttanh',
  Swish: 'SiLU',
  SILU: 'SiLU',
  HardSwish: 'Hardswish',
  LeakyHardTanh: 'LeakyHardtanh',
  SoftSign: 'Softsign',
  Relu: 'ReLU',
  Identity: 'Identity',
  Linear: 'Identity',
};

export interface ActivationContext {
  fastTanh: boolean;
  /** Number of channels the activation will see (checked against PReLU's per-channel slopes). */
  channels?: number;
}

/**
 * Parses an activation spec: a name string or an object `{type, …params}`.
 * `path` names the config field for error messages.
 */
export function parseActivation(spec: Json | undefined, path: string, ctx: ActivationContext): Activation {
  let name: string;
  let params: Record<string, Json> = {};
  if (typeof spec === 'string') {
    name = spec;
  } else if (isObject(spec)) {
    const t = spec['type'] ?? spec['name'];
    if (typeof t !== 'string') throw new NamError('invalid-config', `${path}.type`, 'an activation object needs a string "type"');
    name = t;
    params = spec;
  } else {
    throw new NamError('invalid-config', path, `expected an activation name or object, got ${JSON.stringify(spec)}`);
  }
  const canonical = ALIASES[name] ?? name;
  switch (canonical) {
    case 'Identity':
      return IDENTITY;
    case 'Tanh':
      return tanhActivation(ctx.fastTanh);
    case 'Fasttanh':
      return tanhActivation(true);
    case 'Hardtanh':
      return make('Hardtanh', (x) => (x < -1 ? -1 : x > 1 ? 1 : x), (b, o, n) => {
        for (let i = o; i < o + n; i++) {
          const x = b[i]!;
          b[i] = x < -1 ? -1 : x > 1 ? 1 : x;
        }
      });
    case 'ReLU':
      return make('ReLU', (x) => (x > 0 ? x : 0), (b, o, n) => {
        for (let i = o; i < o + n; i++) if (!(b[i]! > 0)) b[i] = 0;
      });
    case 'LeakyReLU': {
      const slope = numberField(params, 'negative_slope', Math.fround(0.01), path);
      return make('LeakyReLU', (x) => (x > 0 ? x : slope * x), (b, o, n) => {
        for (let i = o; i < o + n; i++) {
          const x = b[i]!;
          if (!(x > 0)) b[i] = slope * x;
        }
      }, [slope]);
    }
    case 'PReLU': {
      const many = params['negative_slopes'];
      let slopes: Float32Array;
      if (Array.isArray(many)) {
        slopes = new Float32Array(many.length);
        many.forEach((v, i) => {
          if (typeof v !== 'number' || !Number.isFinite(v)) {
            throw new NamError('invalid-config', `${path}.negative_slopes[${i}]`, `expected a finite number, got ${JSON.stringify(v)}`);
          }
          slopes[i] = v;
        });
        if (ctx.channels !== undefined && slopes.length !== 1 && slopes.length !== ctx.channels) {
          throw new NamError('invalid-config', `${path}.negative_slopes`, `has ${slopes.length} slopes for ${ctx.channels} channels`);
        }
      } else {
        slopes = new Float32Array([numberField(params, 'negative_slope', Math.fround(0.01), path)]);
      }
      const last = slopes.length - 1;
      return make('PReLU', (x, ch) => (x > 0 ? x : slopes[ch > last ? last : ch]! * x), (b, o, n, ch) => {
        const slope = slopes[ch > last ? last : ch]!;
        for (let i = o; i < o + n; i++) {
          const x = b[i]!;
          if (!(x > 0)) b[i] = slope * x;
        }
      }, Array.from(slopes));
    }
    case 'Sigmoid':
      return sigmoidActivation();
    case 'SiLU':
      return make('SiLU', (x) => x * sigmoid(x), (b, o, n) => {
        for (let i = o; i < o + n; i++) {
          const x = b[i]!;
          b[i] = x / (1 + Math.exp(-x));
        }
      });
    case 'Hardswish':
      return make('Hardswish', (x) => (x <= -3 ? 0 : x >= 3 ? x : (x * (x + 3)) / 6), (b, o, n) => {
        for (let i = o; i < o + n; i++) {
          const x = b[i]!;
          b[i] = x <= -3 ? 0 : x >= 3 ? x : (x * (x + 3)) / 6;
        }
      });
    case 'LeakyHardtanh': {
      const minVal = numberField(params, 'min_val', -1, path);
      const maxVal = numberField(params, 'max_val', 1, path);
      const minSlope = numberField(params, 'min_slope', Math.fround(0.01), path);
      const maxSlope = numberField(params, 'max_slope', Math.fround(0.01), path);
      return make(
        'LeakyHardtanh',
        (x) => (x < minVal ? (x - minVal) * minSlope + minVal : x > maxVal ? (x - maxVal) * maxSlope + maxVal : x),
        (b, o, n) => {
          for (let i = o; i < o + n; i++) {
            const x = b[i]!;
            if (x < minVal) b[i] = (x - minVal) * minSlope + minVal;
            else if (x > maxVal) b[i] = (x - maxVal) * maxSlope + maxVal;
          }
        },
        [minVal, maxVal, minSlope, maxSlope],
      );
    }
    case 'Softsign':
      return make('Softsign', (x) => x / (1 + Math.abs(x)), (b, o, n) => {
        for (let i = o; i < o + n; i++) {
          const x = b[i]!;
          b[i] = x / (1 + Math.abs(x));
        }
      });
    default:
      throw new NamError('unsupported-activation', path, `unknown activation "${name}" (known: ${ACTIVATION_NAMES.join(', ')})`);
  }
}
