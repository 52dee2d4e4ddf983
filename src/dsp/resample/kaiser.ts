/**
 * Kaiser window design: the modified Bessel function I0, the window itself, and Kaiser's
 * empirical formulas for the shape parameter beta and the filter length that reach a given
 * stopband attenuation over a given transition width.
 */

/** Zeroth-order modified Bessel function of the first kind, by its power series. */
export function besselI0(x: number): number {
  const h = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 500; k++) {
    term *= h / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Kaiser's beta for a stopband attenuation of `attenuationDb` (dB, positive). */
export function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21) return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  return 0;
}

/**
 * Kaiser's estimate of the number of taps reaching `attenuationDb` with a transition band of
 * `transitionWidth` (as a fraction of the sampling rate, e.g. 0.05).
 */
export function kaiserLength(attenuationDb: number, transitionWidth: number): number {
  return (attenuationDb - 7.95) / (2.285 * 2 * Math.PI * transitionWidth) + 1;
}

/** The Kaiser window at position t in [-1, 1] (0 outside), normalised to 1 at t = 0. */
export function kaiserWindow(t: number, beta: number, i0Beta: number = besselI0(beta)): number {
  if (t <= -1 || t >= 1) return 0;
  return besselI0(beta * Math.sqrt(1 - t * t)) / i0Beta;
}
