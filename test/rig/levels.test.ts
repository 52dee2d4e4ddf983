/**
 * Input calibration and output modes: the plugin's arithmetic (`_SetInputGain`, `_SetOutputGain`),
 * written out here, against the rig's functions and against the block graphs run in the interpreter.
 */
import { describe, expect, it } from 'vitest';
import { el } from '@elemaudio/core';
import { inputBlock, inputGainDb } from '../../src/dsp/rig/blocks/input.ts';
import { NORMALIZED_LOUDNESS_DB, OUTPUT_MODES, outputAdjustDb, outputBlock } from '../../src/dsp/rig/blocks/output.ts';
import { levelNumbers, type ModelLevels } from '../../src/dsp/rig/manifest.ts';
import { bindParams, constParamSource } from '../../src/dsp/rig/param-source.ts';
import { defaultParams, rig } from '../../src/dsp/rig/registry.ts';
import { props, settle, simulate } from './graph.ts';

/** The plugin's input gain in dB. */
function pluginInputDb(gain: number, calibrate: boolean, calLevel: number, model: ModelLevels): number {
  return model.inputLevelDbu !== undefined && calibrate ? gain + calLevel - model.inputLevelDbu : gain;
}

/** The plugin's output gain in dB; mode 0 Raw, 1 Normalized, 2 Calibrated. */
function pluginOutputDb(gain: number, mode: number, calLevel: number, model: ModelLevels): number {
  if (mode === 1 && model.loudness !== undefined) return gain + (-18 - model.loudness);
  if (mode === 2 && model.outputLevelDbu !== undefined) return gain + (model.outputLevelDbu - calLevel);
  return gain;
}

const MODELS: ModelLevels[] = [{}, { loudness: -23.5 }, { inputLevelDbu: 18.3, outputLevelDbu: 10.1 }, { loudness: -9, inputLevelDbu: 4, outputLevelDbu: 22 }];
const fs = 48000;
const values = (over: Record<string, number>) => constParamSource({ ...defaultParams({ scope: 'all' }), ...over });
const dbToGain = (db: number): number => Math.pow(10, db / 20);

describe('input calibration', () => {
  it('adds calibration level − input_level_dbu when on and the model gives its level', () => {
    for (const model of MODELS) {
      for (const [gain, cal, level] of [
        [0, 0, 12],
        [-7.5, 1, 12],
        [20, 1, -60],
        [3, 1, 60],
        [3, 0, 60],
      ] as const) {
        expect(inputGainDb(gain, cal, level, levelNumbers(model, 'inputLevelDbu'))).toBeCloseTo(pluginInputDb(gain, cal === 1, level, model), 12);
      }
    }
    expect(inputGainDb(0, 1, 12, { value: 18, given: 1 })).toBeCloseTo(-6, 12);
    expect(Math.abs(inputGainDb(0, 1, 12, { value: 0, given: 0 }))).toBe(0);
  });

  it('is what the input graph applies, then metered as `in`', () => {
    const model = { inputLevelDbu: 9 };
    const source = values({ 'input.gain': 2.5, 'input.calibrate': 1, 'input.calibrationLevel': 14 });
    const graph = inputBlock.graph(el.in({ channel: 0 }), bindParams(rig, inputBlock, source), { sampleRate: fs, model });
    expect(graph.kind).toBe('meter');
    expect(props(graph).name).toBe('in');
    expect(settle(graph, 1, fs, 0.6)).toBeCloseTo(dbToGain(2.5 + 14 - 9), 9);
  });

  it('moves the gain through a 20 ms smoother', () => {
    const graph = inputBlock.graph(el.in({ channel: 0 }), bindParams(rig, inputBlock, values({ 'input.gain': 20 })), { sampleRate: fs, model: {} });
    const out = simulate(graph, fs / 10, { sampleRate: fs, inputs: [new Float64Array(fs / 10).fill(1)] });
    const atTau = 10 ** ((20 * (1 - Math.exp(-1))) / 20); // the dB value is smoothed: 63 % of the way at τ
    expect(out[Math.round(0.02 * fs)]).toBeCloseTo(atTau, 2);
  });
});

describe('output modes', () => {
  it('are Raw, Normalized (−18 − loudness), Calibrated (output_level_dbu − calibration level)', () => {
    expect(OUTPUT_MODES).toEqual(['Raw', 'Normalized', 'Calibrated']);
    expect(NORMALIZED_LOUDNESS_DB).toBe(-18);
    for (const model of MODELS) {
      for (const mode of [0, 1, 2]) {
        for (const cal of [-60, 0, 12, 60]) {
          expect(outputAdjustDb(mode, levelNumbers(model, 'loudness'), levelNumbers(model, 'outputLevelDbu'), cal)).toBeCloseTo(pluginOutputDb(0, mode, cal, model), 12);
        }
      }
    }
    const none = { value: 0, given: 0 };
    expect(outputAdjustDb(1, { value: -25, given: 1 }, none, 12)).toBeCloseTo(7, 12);
    expect(outputAdjustDb(2, none, { value: 20, given: 1 }, 12)).toBeCloseTo(8, 12);
    expect(Math.abs(outputAdjustDb(1, none, none, 12))).toBe(0);
    expect(Math.abs(outputAdjustDb(2, none, none, 12))).toBe(0);
  });

  it('are what the output graph applies, reading the input block’s calibration level, then metered as `out`', () => {
    const model = { loudness: -21, outputLevelDbu: 15 };
    for (const mode of [0, 1, 2]) {
      const source = values({ 'output.mode': mode, 'output.gain': -4, 'input.calibrationLevel': 9 });
      const graph = outputBlock.graph(el.in({ channel: 0 }), bindParams(rig, outputBlock, source), { sampleRate: fs, model });
      expect(props(graph).name).toBe('out');
      expect(settle(graph, 1, fs, 0.6)).toBeCloseTo(dbToGain(pluginOutputDb(-4, mode, 9, model)), 9);
    }
  });

  it('glide to a new level within 20 ms (a 6 ms smoother on the adjustment), the gain knob through 20 ms', () => {
    // A model level as a live signal (as RigGraphs' refs): the loudness steps from 0 to −8 at 50 ms.
    const source = { ...values({ 'output.mode': 1 }), level: () => ({ value: el.in({ channel: 1 }), given: el.const({ value: 1 }) }) };
    const graph = outputBlock.graph(el.in({ channel: 0 }), bindParams(rig, outputBlock, source), { sampleRate: fs, model: {} });
    const n = Math.round(0.2 * fs);
    const loudness = Float64Array.from({ length: n }, (_, i) => (i < 0.05 * fs ? 0 : -8));
    const out = simulate(graph, n, { sampleRate: fs, inputs: [new Float64Array(n).fill(1), loudness] });
    const db = (i: number) => 20 * Math.log10(out[i]!);
    // Before: −18 − 0 (the level's value is 0 until 50 ms); then −18 − (−8) = −10 dB within 20 ms.
    expect(db(Math.round(0.049 * fs))).toBeCloseTo(-18, 1);
    expect(Math.abs(db(Math.round(0.07 * fs)) - -10)).toBeLessThan(0.3);
    expect(db(Math.round(0.15 * fs))).toBeCloseTo(-10, 3);
    // The gain knob itself keeps the 20 ms smoother: 63 % of a +20 dB step at τ.
    const gain = outputBlock.graph(el.in({ channel: 0 }), bindParams(rig, outputBlock, values({ 'output.mode': 0, 'output.gain': 20 })), { sampleRate: fs, model: {} });
    const g = simulate(gain, fs / 10, { sampleRate: fs, inputs: [new Float64Array(fs / 10).fill(1)] });
    expect(g[Math.round(0.02 * fs)]).toBeCloseTo(10 ** ((20 * (1 - Math.exp(-1))) / 20), 2);
  });

  it('switch without a re-render: the mode is a live value', () => {
    const build = (mode: number) => outputBlock.graph(el.in({ channel: 0 }), bindParams(rig, outputBlock, values({ 'output.mode': mode })), { sampleRate: fs, model: { loudness: -10 } });
    expect(build(0).hash).toBe(build(2).hash);
  });
});
