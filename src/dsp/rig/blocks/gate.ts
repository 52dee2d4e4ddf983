/**
 * Noise gate: NeuralAmpModelerPlugin's gate (AudioDSPTools `dsp/NoiseGate.{h,cpp}`), split in two.
 * The trigger measures the signal entering the model (this block's sidechain); the gain it computes
 * is applied to the model's output (this block's graph).
 *
 * The plugin's constants: time 0.01 s, ratio 0.1, open 0.005 s, hold 0.01 s, close 0.05 s, and a
 * loudness floor of −120 dB. Per sample:
 *
 *   level    L[n] = clamp(α·L[n−1] + (1−α)·x[n]², 10^(−120/10), 1000),  α = 0.5^(1 / (time·fs))
 *   level dB  Ldb = 10·log10(L)                                        (power average: half-life = time)
 *   target    R   = −ratio·(Ldb − thr)²  when Ldb < thr, else 0         (dB, ≤ 0)
 *   floor     Rmax = −ratio·(−120 − thr)²                               (the deepest reduction)
 *   gain      g   = 10^(R / 10)                                         (the plugin's `_DBToLevel`: /10)
 *
 * The level detector, the law and the gain are exact. The plugin's ballistics are a state machine
 * (hold open for `hold` while below threshold, then move R at most |Rmax|/open per second up and
 * |Rmax|/close per second down, in half-steps). Elementary has no per-sample state machine, so the
 * trigger approximates it with its own nodes:
 *
 *   hold      H = maxhold_{hold}(R)                the most-open target of the last `hold` seconds
 *   move      r = env(p_close, p_open, |H|)       reduction rises (closing) with pole p_close and
 *                                                  falls (opening) with pole p_open, where
 *             p = exp(−1 / (τ·fs)),  τ = T / ln(|Rmax| / 1 dB)
 *                                                  (an exponential that covers the full range to within
 *                                                  1 dB in the plugin's open/close time T)
 *   gain      g = 10^(−r / 10)
 *
 * Measured against a transcription of the plugin's state machine (test/rig/gate.test.ts), for notes
 * at −10..−40 dBFS and thresholds −80..−50 dB: this opens (−6 dB) about 1 ms sooner and closes about
 * 11–13 ms later (the hold's 10 ms staircase); the steady-state gain is exact.
 *
 * When the gate is off, the gain is 1 (switched through `el.sm`, so click-free).
 */
import { el, type NodeRepr_t } from '@elemaudio/core';
import { defineBlock } from '../manifest.ts';
import { RigError } from '../errors.ts';
import { clamp, div, ln, lessThan, log10, mul, pow, select, sub, tauToPole, type Signal } from '../signal-math.ts';

/** The plugin's fixed trigger parameters (NeuralAmpModeler.cpp `ProcessBlock`). */
export const GATE = {
  time: 0.01,
  ratio: 0.1,
  openTime: 0.005,
  holdTime: 0.01,
  closeTime: 0.05,
  /** "The noise floor": quieter signals count as this loud. */
  minimumLoudnessDb: -120,
  /** The level average's upper clamp (power). */
  maximumLoudnessPower: 1000,
} as const;

/** The gain reduction law, in dB (≤ 0): −ratio·(L − thr)² below the threshold, else 0. */
export function gateReductionDb(levelDb: number, thresholdDb: number, ratio?: number): number;
export function gateReductionDb(levelDb: Signal, thresholdDb: Signal, ratio?: number): Signal;
export function gateReductionDb(levelDb: Signal, thresholdDb: Signal, ratio: number = GATE.ratio): Signal {
  const d = sub(levelDb, thresholdDb);
  // 0 − (…) rather than −ratio·(…): above the threshold this is +0, never −0.
  return sub(0, mul(lessThan(levelDb, thresholdDb), mul(ratio, mul(d, d))));
}

/** The deepest reduction (dB) at a threshold: the law at the loudness floor. */
export function gateMaxReductionDb(thresholdDb: number): number;
export function gateMaxReductionDb(thresholdDb: Signal): Signal;
export function gateMaxReductionDb(thresholdDb: Signal): Signal {
  return gateReductionDb(GATE.minimumLoudnessDb, thresholdDb);
}

/** The gain the plugin applies for a reduction in dB: 10^(dB/10) (it treats the dB as power). */
export function gateGain(reductionDb: number): number;
export function gateGain(reductionDb: Signal): Signal;
export function gateGain(reductionDb: Signal): Signal {
  return pow(10, div(reductionDb, 10));
}

/** The level average's pole: α = 0.5^(1/(time·fs)), so a step decays to half in `time` seconds. */
export function gateLevelPole(sampleRate: number, time: number = GATE.time): number {
  return 0.5 ** (1 / (time * sampleRate));
}

/**
 * The time constant of the approximated ballistics: τ = T / ln(|Rmax| / 1 dB), so that an exponential
 * moves the reduction across its full range to within 1 dB in `moveTime` seconds.
 */
export function gateBallisticsTau(moveTime: number, maxReductionDb: number): number;
export function gateBallisticsTau(moveTime: number, maxReductionDb: Signal): Signal;
export function gateBallisticsTau(moveTime: number, maxReductionDb: Signal): Signal {
  return div(moveTime, ln(mul(-1, maxReductionDb)));
}

/**
 * The trigger: measures `x` and returns the linear gain signal to apply after the model
 * (see the module comment for the equations).
 */
export function gateTrigger(x: NodeRepr_t, thresholdDb: Signal, sampleRate: number): NodeRepr_t {
  const alpha = gateLevelPole(sampleRate);
  const power = el.smooth(alpha, el.mul(x, x));
  const level = clamp(power, 10 ** (GATE.minimumLoudnessDb / 10), GATE.maximumLoudnessPower);
  const target = gateReductionDb(mul(10, log10(level)), thresholdDb);
  const held = el.maxhold({ hold: GATE.holdTime * 1000 }, target, 0);
  const maxReduction = gateMaxReductionDb(thresholdDb);
  const closePole = tauToPole(gateBallisticsTau(GATE.closeTime, maxReduction), sampleRate);
  const openPole = tauToPole(gateBallisticsTau(GATE.openTime, maxReduction), sampleRate);
  const reduction = el.env(closePole, openPole, held);
  return el.pow(10, el.div(reduction, -10));
}

/** Applies the trigger's `gain` to `x` when `enabled` (0..1, smoothed) is 1; passes `x` when 0. */
export function gateApply(x: NodeRepr_t, gain: NodeRepr_t, enabled: Signal): NodeRepr_t {
  return el.mul(x, select(enabled, gain, 1));
}

export const gateBlock = defineBlock({
  id: 'gate',
  label: 'Noise gate',
  params: [
    { id: 'enabled', label: 'Noise gate', min: 0, max: 1, default: 1, unit: 'on/off', taper: 'linear', step: 1 },
    { id: 'threshold', label: 'Threshold', min: -100, max: 0, default: -80, unit: 'dB', taper: 'linear', step: 0.1 },
  ],
  sidechain: {
    tap: 'model-input',
    graph: (x, p, ctx) => gateTrigger(x, p.param('threshold'), ctx.sampleRate),
  },
  graph(x, p, _ctx, gain) {
    if (gain === undefined) throw new RigError('missing-sidechain', 'gate', 'the gate needs its trigger signal (its sidechain at the model input)');
    return gateApply(x, gain, p.param('enabled'));
  },
});
