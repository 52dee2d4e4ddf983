/**
 * Output block: the NAM plugin's output level modes and output gain, then the `out` meter.
 *
 *   mode Raw:        adjust = 0
 *   mode Normalized: adjust = −18 − loudness                          (when the model gives loudness)
 *   mode Calibrated: adjust = output_level_dbu − input.calibrationLevel (when it gives output_level_dbu)
 *   gain dB = gain + adjust
 *   y       = x · 10^(sm(gain dB) / 20)
 *
 * As in the plugin's `_SetOutputGain`, a missing metadata field means no adjustment. The mode is read
 * raw and compared; the summed dB is smoothed, so switching modes glides instead of clicking.
 */
import { el, type NodeRepr_t } from '@elemaudio/core';
import { defineBlock, type ModelLevels } from '../manifest.ts';
import { meter } from '../meters.ts';
import { add, dbToGain, equals, mul, sub, type Signal } from '../signal-math.ts';

export const OUTPUT_MODES = ['Raw', 'Normalized', 'Calibrated'] as const;

/** The loudness the Normalized mode brings every model to, in dB. */
export const NORMALIZED_LOUDNESS_DB = -18;

/** The output level adjustment in dB for `mode` (an index into OUTPUT_MODES). */
export function outputAdjustDb(mode: number, model: ModelLevels, calibrationLevelDbu: number): number;
export function outputAdjustDb(mode: Signal, model: ModelLevels, calibrationLevelDbu: Signal): Signal;
export function outputAdjustDb(mode: Signal, model: ModelLevels, calibrationLevelDbu: Signal): Signal {
  const normalized = model.loudness === undefined ? 0 : NORMALIZED_LOUDNESS_DB - model.loudness;
  const calibrated = model.outputLevelDbu === undefined ? 0 : sub(model.outputLevelDbu, calibrationLevelDbu);
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
    const db = add(p.raw('gain'), outputAdjustDb(p.raw('mode'), ctx.model, p.raw('input.calibrationLevel')));
    return meter('out', el.mul(x, dbToGain(el.sm(db))));
  },
});
