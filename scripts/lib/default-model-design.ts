/**
 * The design of nam-rig's own default amp model, "nam-rig Default Drive": an A1 WaveNet whose
 * weights are constructed analytically. They are not trained, and not derived from any other model.
 *
 * The signal chain it implements. The small-signal filters are exact up to float32 rounding; each
 * filter's infinite impulse response is truncated after 1536 samples, and the real pole nearest
 * DC has its residue trimmed so the high-passes stay exactly zero at DC.
 *
 *     x → pre-EQ → preamp: tanh(g·u + b) − tanh(b) → post-EQ → power: tanh(g2·v) → DC blocker → ×out → y
 *
 *     pre-EQ:     1st-order high-pass 160 Hz · peak 800 Hz +5 dB Q 0.7 · 2nd-order low-pass 7.5 kHz
 *     post-EQ:    1st-order high-pass 80 Hz · 2-pole low-pass 6.5 kHz Q 1 (one zero at Nyquist)
 *     DC blocker: 1st-order high-pass 30 Hz (the output transformer)
 *
 * The bias `b` makes the preamp clip asymmetrically, which gives even harmonics. The post
 * high-pass and the DC blocker remove the DC this makes. Both tanh stages are linear at low level
 * and saturate as the input gets hotter, so distortion rises with level: clean-ish at −40 dBFS,
 * crunch at −20 dBFS, saturated at −6 dBFS.
 *
 * How a WaveNet computes that. Each layer computes z = conv(h) + mixin(x); a = tanh(z); head += a;
 * h += W1·a + b1. There are three building blocks:
 *
 *  1. A linear row. Scaling the row's conv weights by ε (1e-4) keeps tanh in its linear region
 *     (relative error ≈ z²/3 < 1e-8); scaling its W1 column by 1/ε undoes it. The layer then adds
 *     an exact FIR of its input taps {t, t−d, t−2d} to a channel.
 *  2. A one-pole section 1/(1 − p·z⁻¹), built from dilations 1, 2, 4, …, 2^(m−1). The layer with
 *     dilation d applies h ← h + p^d·h[t−d] to one channel, and
 *         Π_{k<m} (1 + p^(2^k) z^(−2^k)) = Σ_{n<2^m} pⁿ z⁻ⁿ = (1 − p^(2^m) z^(−2^m)) / (1 − p z⁻¹),
 *     which is a truncated one-pole IIR. A complex pole uses two channels (the real and imaginary
 *     parts) and the 2×2 rotation by p^d. The layer with dilation 512 reads taps t, t−512 and
 *     t−1024, which stretch the 512-sample sum to 1536 samples.
 *  3. Partial fractions. A rational filter H(z) = K + Σ rᵢ/(1 − pᵢ z⁻¹) is a weighted read-out of
 *     those channels plus the direct term K; complex poles come in conjugate pairs, each read as
 *     2·Re(r/(1 − p z⁻¹)). The read-out is the input of a tanh row, so it also carries the gain
 *     and bias of a nonlinear stage.
 *
 * Layout. Both arrays use kernel 3 and Tanh, and are not gated.
 *  - Array 0 is the preamp: 6 channels, head 5, dilations 1…512. Channel 0 is the 160 Hz real
 *    pole; channels 1 and 2 are the 800 Hz peak pole pair; channels 3 and 4 are the 7.5 kHz
 *    low-pass pair. Layers d = 1…256 build them. In the d = 512 layer, row 5 is the preamp,
 *    tanh(g·pre-EQ(x) + b). Its direct term comes through the input mixin, since the condition is
 *    the raw input, and W1 writes tanh(…) − tanh(b) into channel 5. The head rechannel is zero, so
 *    array 1's head starts at 0.
 *  - Array 1 is the power stage: 5 channels, head 1, dilations 1…512 twice. Its rechannel feeds
 *    channel 5 into the post-EQ poles: channel 0 (80 Hz) and channels 1 and 2 (the 6.5 kHz
 *    pair). The post-EQ is strictly proper, so it needs no direct channel. The first sweep builds
 *    those poles. In its d = 512 layer, row 3 computes the power stage P = tanh(g2·post-EQ(c)) and
 *    writes it into channel 3 and, scaled, into channel 4. The second sweep builds the DC
 *    blocker's pole in channel 4. Its d = 512 layer holds the output row 4, which is linear
 *    (ε-scaled): DC-block(P). Row 4 is zero in every other layer, so head channel 4 holds only the
 *    output, and the head rechannel reads channel 4 alone.
 *
 * Everything here is deterministic: plain float64 arithmetic, no Math.random. The synthetic
 * guitar signal used to measure loudness comes from a seeded mulberry32.
 */
import { ReferenceWaveNetA1, type A1WaveNetConfig } from './wavenet-a1-reference.ts';
import { designWeightsFor, makeModelText, type ModelIdentity } from './model-design.ts';
import { mulberry32 } from '../../src/dsp/synth/prng.ts';

export { mulberry32 };

// ───────────────────────────────────────── design parameters ─────────────────────────────────────────

export const SAMPLE_RATE = 48000;

export const DESIGN = {
  /** Linear-region scale of the filter rows (building block 1). */
  epsilon: 1e-4,
  pre: {
    highPassHz: 160,
    peakHz: 800,
    peakQ: 0.7,
    peakDb: 5,
    lowPassHz: 7500,
    lowPassQ: Math.SQRT1_2,
  },
  /** Preamp: tanh(gain·pre-EQ(x) + bias) − tanh(bias). */
  preampGain: 7,
  preampBias: 0.12,
  post: {
    highPassHz: 80,
    lowPassHz: 6500,
    lowPassQ: 1,
  },
  /** Power stage: tanh(powerGain·post-EQ(preamp)). */
  powerGain: 1.1,
  /** The output transformer's low cut, after the power stage. */
  dcBlockHz: 30,
  /** y = outputScale·DC-block(power stage). */
  outputScale: 0.5,
  headScale: 0.5,
} as const;

const SWEEP = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/** The model's WaveNet config (A1). */
export const DEFAULT_MODEL_CONFIG: A1WaveNetConfig = {
  layers: [
    {
      input_size: 1,
      condition_size: 1,
      head_size: 5,
      channels: 6,
      kernel_size: 3,
      dilations: [...SWEEP],
      activation: 'Tanh',
      gated: false,
      head_bias: false,
    },
    {
      input_size: 6,
      condition_size: 1,
      head_size: 1,
      channels: 5,
      kernel_size: 3,
      dilations: [...SWEEP, ...SWEEP],
      activation: 'Tanh',
      gated: false,
      head_bias: true,
    },
  ],
  head: null,
  head_scale: DESIGN.headScale,
};

// ───────────────────────────────────────── complex numbers ─────────────────────────────────────────

interface Complex {
  re: number;
  im: number;
}
const cx = (re: number, im = 0): Complex => ({ re, im });
const cadd = (a: Complex, b: Complex): Complex => cx(a.re + b.re, a.im + b.im);
const csub = (a: Complex, b: Complex): Complex => cx(a.re - b.re, a.im - b.im);
const cmul = (a: Complex, b: Complex): Complex => cx(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
const cdiv = (a: Complex, b: Complex): Complex => {
  const d = b.re * b.re + b.im * b.im;
  return cx((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d);
};
/** Σ c_k·w^k for a polynomial in w = z⁻¹. */
function cpoly(coefs: readonly number[], w: Complex): Complex {
  let s = cx(0);
  let wk = cx(1);
  for (const c of coefs) {
    s = cadd(s, cmul(cx(c), wk));
    wk = cmul(wk, w);
  }
  return s;
}

// ───────────────────────────────────────── filter sections ─────────────────────────────────────────

/** A section b(w)/a(w) in w = z⁻¹, a[0] = 1, with its poles (roots of a, as p with a = Π(1 − p·w)). */
export interface Section {
  b: number[];
  a: number[];
  poles: Complex[];
}

function sectionPoles(a: readonly number[]): Complex[] {
  if (a.length === 2) return [cx(-a[1]!)];
  // 1 + a1 w + a2 w² = (1 − p w)(1 − p̄ w): p + p̄ = −a1, p·p̄ = a2.
  const [, a1, a2] = a as [number, number, number];
  const disc = a1 * a1 - 4 * a2;
  if (disc >= 0) {
    const s = Math.sqrt(disc);
    return [cx((-a1 + s) / 2), cx((-a1 - s) / 2)];
  }
  const s = Math.sqrt(-disc);
  return [cx(-a1 / 2, s / 2), cx(-a1 / 2, -s / 2)];
}

/** First-order high-pass by the bilinear transform (pre-warped). */
export function highPass1(fc: number, fs = SAMPLE_RATE): Section {
  const k = Math.tan((Math.PI * fc) / fs);
  const b0 = 1 / (1 + k);
  const a = [1, (k - 1) / (k + 1)];
  return { b: [b0, -b0], a, poles: sectionPoles(a) };
}

/** RBJ cookbook low-pass biquad. */
export function lowPass2(f0: number, q: number, fs = SAMPLE_RATE): Section {
  const w0 = (2 * Math.PI * f0) / fs;
  const alpha = Math.sin(w0) / (2 * q);
  const cw = Math.cos(w0);
  const a0 = 1 + alpha;
  const b = [(1 - cw) / 2 / a0, (1 - cw) / a0, (1 - cw) / 2 / a0];
  const a = [1, (-2 * cw) / a0, (1 - alpha) / a0];
  return { b, a, poles: sectionPoles(a) };
}

/**
 * The RBJ low-pass's poles with a single zero at Nyquist, (1 + z⁻¹)·k / (1 + a1 z⁻¹ + a2 z⁻²), unit DC
 * gain. It is strictly proper, so its partial fractions have no direct term.
 */
export function lowPass2SingleZero(f0: number, q: number, fs = SAMPLE_RATE): Section {
  const { a } = lowPass2(f0, q, fs);
  const k = (a[0]! + a[1]! + a[2]!) / 2;
  return { b: [k, k], a, poles: sectionPoles(a) };
}

/** RBJ cookbook peaking-EQ biquad. */
export function peak2(f0: number, q: number, gainDb: number, fs = SAMPLE_RATE): Section {
  const A = Math.pow(10, gainDb / 40);
  const w0 = (2 * Math.PI * f0) / fs;
  const alpha = Math.sin(w0) / (2 * q);
  const cw = Math.cos(w0);
  const a0 = 1 + alpha / A;
  const b = [(1 + alpha * A) / a0, (-2 * cw) / a0, (1 - alpha * A) / a0];
  const a = [1, (-2 * cw) / a0, (1 - alpha / A) / a0];
  return { b, a, poles: sectionPoles(a) };
}

/** Frequency response of a cascade of sections at f Hz (complex). */
export function cascadeResponse(sections: readonly Section[], f: number, fs = SAMPLE_RATE): Complex {
  const w = cx(Math.cos((-2 * Math.PI * f) / fs), Math.sin((-2 * Math.PI * f) / fs));
  let h = cx(1);
  for (const s of sections) h = cmul(h, cdiv(cpoly(s.b, w), cpoly(s.a, w)));
  return h;
}

/**
 * Partial fractions of a cascade of sections whose numerator degree does not exceed the
 * denominator's: H(w) = direct + Σ residues[i]/(1 − poles[i]·w). Poles must be distinct.
 */
export interface PartialFractions {
  direct: number;
  /** One entry per real pole and per complex pair (the pole with positive imaginary part). */
  terms: { pole: Complex; residue: Complex; pair: boolean }[];
}

export function partialFractions(sections: readonly Section[]): PartialFractions {
  let direct = 1;
  for (const s of sections) {
    if (s.b.length > s.a.length) throw new Error('partialFractions: improper section');
    direct *= s.b.length === s.a.length ? s.b[s.b.length - 1]! / s.a[s.a.length - 1]! : 0;
  }
  const poles = sections.flatMap((s) => s.poles);
  const terms: PartialFractions['terms'] = [];
  for (const [i, p] of poles.entries()) {
    if (p.im < 0) continue; // the conjugate of a listed pole
    // r = Πb(1/p) / Π_{j≠i}(1 − p_j/p) (each denominator is Π(1 − p_j w)).
    const w = cdiv(cx(1), p);
    let num = cx(1);
    for (const s of sections) num = cmul(num, cpoly(s.b, w));
    let den = cx(1);
    for (const [j, q] of poles.entries()) if (j !== i) den = cmul(den, csub(cx(1), cdiv(q, p)));
    terms.push({ pole: p, residue: cdiv(num, den), pair: p.im > 0 });
  }
  return { direct, terms };
}

// ───────────────────────────────────────── the weights ─────────────────────────────────────────

/** Length of every truncated one-pole sum: 512 from dilations 1…256, ×3 by the dilation-512 read-out. */
export const TRUNCATION = 1536;

/**
 * The default model's weights (float64, head_scale last). The construction itself (ε-linear FIR
 * rows, truncated one-pole sections, partial-fraction read-outs) lives in `model-design.ts`, shared
 * with the other constructed voices.
 */
export function designWeights(): number[] {
  return designWeightsFor(DESIGN);
}

// ───────────────────────────────────────── loudness ─────────────────────────────────────────


export const LOUDNESS_INPUT_RMS_DBFS = -18;
export const LOUDNESS_INPUT_SECONDS = 3;

/**
 * A deterministic guitar-like test signal, scaled to −18 dBFS RMS. It is made of Karplus-Strong
 * plucked strings: chords and single notes, each damped after its length. A string starts as a
 * triangle plucked at a fifth of its length, plus a little noise, low-passed by the pick (harder
 * means brighter). It has a two-point averaging loss filter and a per-note decay, and it is heard
 * through its velocity (a magnetic pickup) and a two-pole 2.5 kHz low-pass (the pickup and cable).
 * As in real DI tracks, about 80% of the energy lies below 1.2 kHz, and the crest factor is
 * about 15 dB.
 */
export function guitarLikeSignal(seconds = LOUDNESS_INPUT_SECONDS, fs = SAMPLE_RATE, seed = 0x6e616d): Float64Array {
  const rand = mulberry32(seed);
  const n = Math.round(seconds * fs);
  const out = new Float64Array(n);
  // [start (s), MIDI notes, velocity, length (s)]; a string is damped quickly after its length.
  const events: [number, number[], number, number][] = [
    [0.0, [40, 47, 52], 1.0, 0.6], // E5 power chord
    [0.75, [45], 0.7, 0.2],
    [1.0, [47], 0.8, 0.2],
    [1.25, [50], 0.6, 0.2],
    [1.5, [40, 44, 47, 52, 56, 64], 0.9, 0.6], // open E major, strummed
    [2.25, [57, 64], 0.8, 0.25],
    [2.6, [45, 52, 57], 1.0, 0.4], // A5
  ];
  for (const [start, notes, vel, length] of events) {
    for (const [i, midi] of notes.entries()) {
      const f = 440 * Math.pow(2, (midi - 69) / 12);
      const period = Math.max(2, Math.round(fs / f));
      const line = new Float64Array(period);
      // Plucked at a fifth of the string: a triangle, with a little noise, low-passed by the pick.
      const bright = 0.2 + 0.3 * vel;
      const apex = Math.max(1, Math.round(period / 5));
      let lp = 0;
      for (let k = 0; k < period; k++) {
        const tri = k < apex ? k / apex : (period - k) / (period - apex);
        lp += bright * (vel * (tri + 0.1 * (rand() * 2 - 1)) - lp);
        line[k] = lp;
      }
      const ring = 0.996 + 0.0035 * (1 - midi / 100);
      const first = Math.round((start + i * 0.012) * fs);
      const release = first + Math.round(length * fs);
      const end = Math.min(n, release + Math.round(0.25 * fs));
      let idx = 0;
      let prev = 0;
      for (let pos = first; pos < end; pos++) {
        const next = (idx + 1) % period;
        const y = line[idx]!;
        line[idx] = (pos < release ? ring : 0.8) * 0.5 * (y + line[next]!);
        out[pos] += y - prev; // a magnetic pickup senses the string's velocity
        prev = y;
        idx = next;
      }
    }
  }
  // Pickup and cable: two one-pole low-passes at 2.5 kHz.
  const c = 1 - Math.exp((-2 * Math.PI * 2500) / fs);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    s1 += c * (out[i]! - s1);
    s2 += c * (s1 - s2);
    out[i] = s2;
  }
  let ss = 0;
  for (const v of out) ss += v * v;
  const scale = Math.pow(10, LOUDNESS_INPUT_RMS_DBFS / 20) / Math.sqrt(ss / n);
  for (let i = 0; i < n; i++) out[i] *= scale;
  return out;
}

/** RMS of the model output in dB for `guitarLikeSignal()` (after one receptive field of silence). */
export function measureLoudness(config: A1WaveNetConfig, weights: ArrayLike<number>): number {
  const model = new ReferenceWaveNetA1(config, weights);
  for (let i = 0; i < model.receptiveField; i++) model.processSample(0);
  const y = model.process(guitarLikeSignal());
  let ss = 0;
  for (const v of y) ss += v * v;
  return 10 * Math.log10(ss / y.length);
}

// ───────────────────────────────────────── the file ─────────────────────────────────────────

export const MODEL_DATE = { year: 2026, month: 11, day: 24, hour: 0, minute: 0, second: 0 };

/** The shortest decimal that parses back to the same float32 as `x` (x is rounded to float32 first). */
export function formatFloat32(x: number): string {
  const f = Math.fround(x);
  if (f === 0) return '0';
  for (let p = 1; p <= 9; p++) {
    const v = Number(f.toPrecision(p));
    if (Math.fround(v) === f) return String(v);
  }
  throw new Error(`formatFloat32: no round-trip for ${x}`);
}

/** The default model's identity in its file. */
export const DEFAULT_IDENTITY: ModelIdentity = {
  name: 'nam-rig Default Drive',
  gearModel: 'Default Drive',
  toneType: 'crunch',
  note:
    'Not trained and not derived from any capture: the weights are constructed analytically by ' +
    'scripts/make-default-model.ts (design in scripts/lib/default-model-design.ts).',
};

/** The complete `.nam` text of the default model (deterministic, byte for byte). */
export function makeDefaultModelText(): string {
  return makeModelText(DESIGN, DEFAULT_IDENTITY);
}
