/**
 * Input block: the input gain, with the NAM plugin's input calibration, then the `in` meter.
 *
 *   gain dB = gain + calibrate · (calibrationLevel − input_level_dbu)
 *   y       = x · 10^(sm(gain dB) / 20)
 *
 * The calibration term counts only when the model gives `input_level_dbu` (as in the plugin's
 * `_SetInputGain`); the level is live (`ParamValues.level`), so a model load changes it smoothly. `calibrationLevel` is the analog level, in dBu RMS, that a digital 0 dBFS peak
 * corresponds to at the rig's input; the output block reads it too (Calibrated mode).
 * The mono sum of a stereo input happens before this block (the engine's job).
 */
import { el, type NodeRepr_t } from '@elemaudio/core';
import { defineBlock, type LevelSignal } from '../manifest.ts';
import { meter } from '../meters.ts';
import { add, dbToGain, mul, sub, type Signal } from '../signal-math.ts';

/**
 * Input gain in dB, with calibration when `calibrate` is 1 and the model gives its input level
 * (`inputLevel.given` is 1).
 */
export function inputGainDb(gainDb: number, calibrate: number, calibrationLevelDbu: number, inputLevel: { value: number; given: number }): number;
export function inputGainDb(gainDb: Signal, calibrate: Signal, calibrationLevelDbu: Signal, inputLevel: LevelSignal): Signal;
export function inputGainDb(gainDb: Signal, calibrate: Signal, calibrationLevelDbu: Signal, inputLevel: LevelSignal): Signal {
  return add(gainDb, mul(inputLevel.given, mul(calibrate, sub(calibrationLevelDbu, inputLevel.value))));
}

export const inputBlock = defineBlock({
  id: 'input',
  label: 'Input',
  params: [
    { id: 'gain', label: 'Input', min: -20, max: 20, default: 0, unit: 'dB', taper: 'linear', step: 0.1 },
    { id: 'calibrate', label: 'Calibrate input', min: 0, max: 1, default: 0, unit: 'on/off', taper: 'linear', step: 1 },
    { id: 'calibrationLevel', label: 'Input calibration level', min: -60, max: 60, default: 12, unit: 'dBu', taper: 'linear', step: 0.1 },
  ],
  graph(x: NodeRepr_t, p, ctx): NodeRepr_t {
    const db = inputGainDb(p.raw('gain'), p.raw('calibrate'), p.raw('calibrationLevel'), p.level('inputLevelDbu', ctx));
    return meter('in', el.mul(x, dbToGain(el.sm(db))));
  },
});
