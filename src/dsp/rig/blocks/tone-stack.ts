/**
 * Tone stack: NeuralAmpModelerPlugin's `BasicNamToneStack` (`ToneStack.cpp`), three cookbook biquads
 * in series, each knob 0..10 with 5 flat:
 *
 *   bass    low shelf   150 Hz  Q 0.707                          gain 4·(v − 5) dB   (±20)
 *   mid     peaking     425 Hz  Q 1.5 when cutting, 0.7 boosting gain 3·(v − 5) dB   (±15)
 *   treble  high shelf 1800 Hz  Q 0.707                          gain 2·(v − 5) dB   (±10)
 *
 * Coefficients are computed per sample from the smoothed knobs, by the Audio EQ Cookbook formulas in
 * `../biquad.ts` (A = 10^(G/40), α = sin(w0)/(2Q), w0 = 2π·f0/fs; normalised by a0), and run through
 * `el.biquad`. The mid's Q switch happens where its gain crosses 0 dB, where the peak is the identity
 * whatever its Q, so the switch is continuous. With EQ off the input passes (switched through `el.sm`).
 */
import { el, type NodeRepr_t } from '@elemaudio/core';
import { biquadMagnitudeDb, biquadShape, highShelf, lowShelf, peaking, type BiquadCoefficients } from '../biquad.ts';
import { defineBlock } from '../manifest.ts';
import { lessThan, mul, select, sub, type Signal } from '../signal-math.ts';

/** The plugin's fixed band settings. */
export const TONE_BANDS = {
  bass: { frequency: 150, q: 0.707, dbPerStep: 4 },
  mid: { frequency: 425, qCut: 1.5, qBoost: 0.7, dbPerStep: 3 },
  treble: { frequency: 1800, q: 0.707, dbPerStep: 2 },
} as const;

/** A knob position (0..10) as the band's gain in dB: dbPerStep·(v − 5). */
export function knobToDb(knob: number, dbPerStep: number): number;
export function knobToDb(knob: Signal, dbPerStep: number): Signal;
export function knobToDb(knob: Signal, dbPerStep: number): Signal {
  return mul(dbPerStep, sub(knob, 5));
}

export function bassCoefficients(sampleRate: number, knob: number): BiquadCoefficients<number>;
export function bassCoefficients(sampleRate: number, knob: Signal): BiquadCoefficients;
export function bassCoefficients(sampleRate: number, knob: Signal): BiquadCoefficients {
  const { frequency, q, dbPerStep } = TONE_BANDS.bass;
  return lowShelf(biquadShape(sampleRate, frequency, q), knobToDb(knob, dbPerStep));
}

export function midCoefficients(sampleRate: number, knob: number): BiquadCoefficients<number>;
export function midCoefficients(sampleRate: number, knob: Signal): BiquadCoefficients;
export function midCoefficients(sampleRate: number, knob: Signal): BiquadCoefficients {
  const { frequency, qCut, qBoost, dbPerStep } = TONE_BANDS.mid;
  const gainDb = knobToDb(knob, dbPerStep);
  const cut = biquadShape(sampleRate, frequency, qCut);
  const boost = biquadShape(sampleRate, frequency, qBoost);
  return peaking(cut, gainDb, select(lessThan(gainDb, 0), cut.alpha, boost.alpha));
}

export function trebleCoefficients(sampleRate: number, knob: number): BiquadCoefficients<number>;
export function trebleCoefficients(sampleRate: number, knob: Signal): BiquadCoefficients;
export function trebleCoefficients(sampleRate: number, knob: Signal): BiquadCoefficients {
  const { frequency, q, dbPerStep } = TONE_BANDS.treble;
  return highShelf(biquadShape(sampleRate, frequency, q), knobToDb(knob, dbPerStep));
}

export interface ToneKnobs<S extends Signal = Signal> {
  readonly bass: S;
  readonly mid: S;
  readonly treble: S;
}

/** The tone stack's magnitude response in dB at `f` Hz for numeric knob positions (for EQ curves). */
export function toneStackMagnitudeDb(knobs: ToneKnobs<number>, f: number, sampleRate: number): number {
  return (
    biquadMagnitudeDb(bassCoefficients(sampleRate, knobs.bass), f, sampleRate) +
    biquadMagnitudeDb(midCoefficients(sampleRate, knobs.mid), f, sampleRate) +
    biquadMagnitudeDb(trebleCoefficients(sampleRate, knobs.treble), f, sampleRate)
  );
}

function biquad(c: BiquadCoefficients, x: NodeRepr_t): NodeRepr_t {
  return el.biquad(c.b0, c.b1, c.b2, c.a1, c.a2, x);
}

/** Bass → mid → treble, each an `el.biquad` with coefficients from the (smoothed) knob signals. */
export function toneStack(x: NodeRepr_t, knobs: ToneKnobs, sampleRate: number): NodeRepr_t {
  const bass = biquad(bassCoefficients(sampleRate, knobs.bass), x);
  const mid = biquad(midCoefficients(sampleRate, knobs.mid), bass);
  return biquad(trebleCoefficients(sampleRate, knobs.treble), mid);
}

export const toneStackBlock = defineBlock({
  id: 'tone',
  label: 'Tone stack',
  params: [
    { id: 'enabled', label: 'EQ', min: 0, max: 1, default: 1, unit: 'on/off', taper: 'linear', step: 1 },
    { id: 'bass', label: 'Bass', min: 0, max: 10, default: 5, unit: '', taper: 'linear', step: 0.1 },
    { id: 'mid', label: 'Middle', min: 0, max: 10, default: 5, unit: '', taper: 'linear', step: 0.1 },
    { id: 'treble', label: 'Treble', min: 0, max: 10, default: 5, unit: '', taper: 'linear', step: 0.1 },
  ],
  graph(x, p, ctx) {
    const wet = toneStack(x, { bass: p.param('bass'), mid: p.param('mid'), treble: p.param('treble') }, ctx.sampleRate);
    return el.add(x, el.mul(p.param('enabled'), el.sub(wet, x)));
  },
});
