/**
 * Second-order (biquad) filter designs from Robert Bristow-Johnson's Audio EQ Cookbook, the formulas
 * NeuralAmpModelerPlugin's tone stack uses (AudioDSPTools `dsp/RecursiveLinearFilter.cpp`).
 * Reference: https://webaudio.github.io/Audio-EQ-Cookbook/audio-eq-cookbook.html
 *
 * With fs the sample rate, f0 the centre/corner frequency, Q the quality and G the gain in dB:
 *
 *   w0 = 2π·f0/fs     α = sin(w0) / (2Q)     A = 10^(G/40)     (so √A = 10^(G/80))
 *
 *   low shelf:   b0 =    A·((A+1) − (A−1)·cos w0 + 2√A·α)     a0 =    (A+1) + (A−1)·cos w0 + 2√A·α
 *                b1 =  2A·((A−1) − (A+1)·cos w0)              a1 =  −2·((A−1) + (A+1)·cos w0)
 *                b2 =    A·((A+1) − (A−1)·cos w0 − 2√A·α)     a2 =    (A+1) + (A−1)·cos w0 − 2√A·α
 *
 *   high shelf:  b0 =    A·((A+1) + (A−1)·cos w0 + 2√A·α)     a0 =    (A+1) − (A−1)·cos w0 + 2√A·α
 *                b1 = −2A·((A−1) + (A+1)·cos w0)              a1 =   2·((A−1) − (A+1)·cos w0)
 *                b2 =    A·((A+1) + (A−1)·cos w0 − 2√A·α)     a2 =    (A+1) − (A−1)·cos w0 − 2√A·α
 *
 *   peaking:     b0 = 1 + α·A    b1 = −2·cos w0    b2 = 1 − α·A
 *                a0 = 1 + α/A    a1 = −2·cos w0    a2 = 1 − α/A
 *
 * and everything is divided by a0, giving H(z) = (b0 + b1·z⁻¹ + b2·z⁻²) / (1 + a1·z⁻¹ + a2·z⁻²), the
 * form `el.biquad(b0, b1, b2, a1, a2, x)` runs (transposed direct form II). At G = 0 (A = 1) every
 * design is exactly the identity. Shelves reach A² (the full G dB) at DC / Nyquist and G/2 dB at f0;
 * the peak reaches G dB at f0.
 *
 * The design functions take the gain as a `Signal`: a number gives numbers, a node (a smoothed knob)
 * gives per-sample coefficient nodes, with everything that does not depend on the gain folded.
 */
import { add, div, mul, pow, sub, type Signal } from './signal-math.ts';

/** Normalised biquad coefficients (a0 = 1). */
export interface BiquadCoefficients<S extends Signal = Signal> {
  readonly b0: S;
  readonly b1: S;
  readonly b2: S;
  readonly a1: S;
  readonly a2: S;
}

/** The gain-independent part of a cookbook design: cos(w0) and α, from fs, f0 and Q. */
export interface BiquadShape {
  readonly cosW0: number;
  readonly alpha: number;
}

export function biquadShape(sampleRate: number, f0: number, q: number): BiquadShape {
  const w0 = (2 * Math.PI * f0) / sampleRate;
  return { cosW0: Math.cos(w0), alpha: Math.sin(w0) / (2 * q) };
}

function normalise(b0: Signal, b1: Signal, b2: Signal, a0: Signal, a1: Signal, a2: Signal): BiquadCoefficients {
  return { b0: div(b0, a0), b1: div(b1, a0), b2: div(b2, a0), a1: div(a1, a0), a2: div(a2, a0) };
}

/** Cookbook low shelf with gain `gainDb` (see the module comment). */
export function lowShelf(shape: BiquadShape, gainDb: number): BiquadCoefficients<number>;
export function lowShelf(shape: BiquadShape, gainDb: Signal): BiquadCoefficients;
export function lowShelf({ cosW0: c, alpha }: BiquadShape, gainDb: Signal): BiquadCoefficients {
  const a = pow(10, div(gainDb, 40));
  const twoRootAAlpha = mul(2 * alpha, pow(10, div(gainDb, 80)));
  const ap = add(a, 1);
  const am = sub(a, 1);
  return normalise(
    mul(a, add(sub(ap, mul(am, c)), twoRootAAlpha)),
    mul(mul(2, a), sub(am, mul(ap, c))),
    mul(a, sub(sub(ap, mul(am, c)), twoRootAAlpha)),
    add(add(ap, mul(am, c)), twoRootAAlpha),
    mul(-2, add(am, mul(ap, c))),
    sub(add(ap, mul(am, c)), twoRootAAlpha),
  );
}

/** Cookbook high shelf with gain `gainDb` (see the module comment). */
export function highShelf(shape: BiquadShape, gainDb: number): BiquadCoefficients<number>;
export function highShelf(shape: BiquadShape, gainDb: Signal): BiquadCoefficients;
export function highShelf({ cosW0: c, alpha }: BiquadShape, gainDb: Signal): BiquadCoefficients {
  const a = pow(10, div(gainDb, 40));
  const twoRootAAlpha = mul(2 * alpha, pow(10, div(gainDb, 80)));
  const ap = add(a, 1);
  const am = sub(a, 1);
  return normalise(
    mul(a, add(add(ap, mul(am, c)), twoRootAAlpha)),
    mul(mul(-2, a), add(am, mul(ap, c))),
    mul(a, sub(add(ap, mul(am, c)), twoRootAAlpha)),
    add(sub(ap, mul(am, c)), twoRootAAlpha),
    mul(2, sub(am, mul(ap, c))),
    sub(sub(ap, mul(am, c)), twoRootAAlpha),
  );
}

/**
 * Cookbook peaking EQ with gain `gainDb`. `alpha` may be a signal too (the tone stack's mid changes
 * Q with the sign of its gain); otherwise it is the shape's.
 */
export function peaking(shape: BiquadShape, gainDb: number, alpha?: number): BiquadCoefficients<number>;
export function peaking(shape: BiquadShape, gainDb: Signal, alpha?: Signal): BiquadCoefficients;
export function peaking(shape: BiquadShape, gainDb: Signal, alpha: Signal = shape.alpha): BiquadCoefficients {
  const a = pow(10, div(gainDb, 40));
  const twoCos = -2 * shape.cosW0;
  return normalise(add(1, mul(alpha, a)), twoCos, sub(1, mul(alpha, a)), add(1, div(alpha, a)), twoCos, sub(1, div(alpha, a)));
}

/** |H(e^{jw})| in dB of numeric coefficients at frequency `f` (Hz), w = 2π·f/fs. For drawing curves. */
export function biquadMagnitudeDb(c: BiquadCoefficients<number>, f: number, sampleRate: number): number {
  const w = (2 * Math.PI * f) / sampleRate;
  // Numerator and denominator as complex numbers: Σ k_n·e^{−jwn}.
  const nr = c.b0 + c.b1 * Math.cos(w) + c.b2 * Math.cos(2 * w);
  const ni = -(c.b1 * Math.sin(w) + c.b2 * Math.sin(2 * w));
  const dr = 1 + c.a1 * Math.cos(w) + c.a2 * Math.cos(2 * w);
  const di = -(c.a1 * Math.sin(w) + c.a2 * Math.sin(2 * w));
  return 10 * Math.log10((nr * nr + ni * ni) / (dr * dr + di * di));
}
