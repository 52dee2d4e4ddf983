/**
 * Output block: the NAM plugin's output level modes and output gain, then the `out` meter.
 *
 *   mode Raw:        adjust = 0
 *   mode Normalized: adjust = −18 − loudness                          (when the model gives loudness)
 *   mode Calibrated: adjust = output_level_dbu − input.calibrationLevel (when it gives output_level_dbu)
 *   gain dB = sm(gain) + sm6(adjust)
 *   y       = x · 10^(gain dB / 20)
 *
 * As in the plugin's `_SetOutputGain`, a missing metadata field means no adjustment. The mode is read
 * raw and compared. The gain knob glides through the rig's 20 ms smoother (`el.sm`); the adjustment
 * through a 6 ms one, so that when a model with another loudness loads (its levels are live,
 * `ParamValues.level`: no re-render) the new level lands within the engine's 20 ms model crossfade —
 * with the 20 ms smoother the gain lagged the crossfade and the output swelled ≈ 1.7 dB over its new
 * level for ≈ 30 ms. Switching modes glides over those 6 ms, without a click.
 */
import { el, type NodeRepr_t } from '@elemaudio/core';
import { defineBlock, type LevelSignal } from '../manifest.ts';
import { meter } from '../meters.ts';
import { add, dbToGain, equals, mul, sub, type Signal } from '../signal-math.ts';

export const OUTPUT_MODES = ['Raw', 'Normalized', 'Calibrated'] as const;

/** Time constant of the level adjustment's smoother, s (see the module comment). */
const ADJUST_SMOOTHING_S = 0.006;

/** The loudness the Normalized mode brings every model to, in dB. */
export const NORMALIZED_LOUDNESS_DB = -18;

/**
 * The output level adjustment in dB for `mode` (an index into OUTPUT_MODES), from the model's
 * loudness and output level (each counted only when given).
 */
export function outputAdjustDb(mode: number, loudness: { value: number; given: number }, outputLevel: { value: number; given: number }, calibrationLevelDbu: number): number;
export function outputAdjustDb(mode: Signal, loudness: LevelSignal, outputLevel: LevelSignal, calibrationLevelDbu: Signal): Signal;
export function outputAdjustDb(mode: Signal, loudness: LevelSignal, outputLevel: LevelSignal, calibrationLevelDbu: Signal): Signal {
  const normalized = mul(loudness.given, sub(NORMALIZED_LOUDNESS_DB, loudness.value));
  const calibrated = mul(outputLevel.given, sub(outputLevel.value, calibrationLevelDbu));
  return add(mul(equals(mode, 1), normalized), mul(equals(mode, 2), calibrated));
}

export const outputBlock = defineBlock({
  id: 'output',
  label: 'Output',
  params: [
    { id: 'mode', label: 'Output mode', min: 0, max: 2, default: 1, unit: 'enum', taper: 'linear', step: 1, options: OUTPUT_MODES },
    { id: 'gain', label: 'Output', min: -40, max: 40, default: 0, unit: 'dB', taper: 'linear', step: 0.1 },
  ],
  graph(x: NodeRepr_t, p, ctx): NodeRepr_t {
    const adjust = outputAdjustDb(p.raw('mode'), p.level('loudness', ctx), p.level('outputLevelDbu', ctx), p.raw('input.calibrationLevel'));
    const db = add(el.sm(p.raw('gain')), el.smooth(el.tau2pole(ADJUST_SMOOTHING_S), adjust));
    return meter('out', el.mul(x, dbToGain(db)));
  },
});
