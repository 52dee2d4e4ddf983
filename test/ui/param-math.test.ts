/** Knob arithmetic: value ↔ position for linear and log tapers, snapping, keyboard steps, formatting. */
import { describe, expect, it } from 'vitest';
import type { ParamSpec } from '../../src/dsp/rig/manifest.ts';
import { formatDb, formatValue, meterFill, peakToDb, positionToValue, snap, stepDecimals, stepValue, valueToPosition } from '../../src/ui/param-math.ts';

const gain: ParamSpec = { id: 'gain', label: 'Gain', min: -20, max: 20, default: 0, unit: 'dB', taper: 'linear', step: 0.1 };
const bass: ParamSpec = { id: 'bass', label: 'Bass', min: 0, max: 10, default: 5, unit: '', taper: 'linear', step: 0.1 };
const freq: ParamSpec = { id: 'freq', label: 'Freq', min: 20, max: 20000, default: 1000, unit: 'Hz', taper: 'log', step: 1 };
const freqFree: ParamSpec = { id: 'f', label: 'F', min: 10, max: 1000, default: 100, unit: 'Hz', taper: 'log' };
const onOff: ParamSpec = { id: 'enabled', label: 'On', min: 0, max: 1, default: 1, unit: 'on/off', taper: 'linear', step: 1 };
const mode: ParamSpec = { id: 'mode', label: 'Mode', min: 0, max: 2, default: 1, unit: 'enum', taper: 'linear', step: 1, options: ['Raw', 'Normalized', 'Calibrated'] };

describe('value ↔ position', () => {
  it('linear: ends, middle, and clamping', () => {
    expect(valueToPosition(gain, -20)).toBe(0);
    expect(valueToPosition(gain, 20)).toBe(1);
    expect(valueToPosition(gain, 0)).toBe(0.5);
    expect(valueToPosition(gain, 99)).toBe(1);
    expect(positionToValue(gain, 0.5)).toBe(0);
    expect(positionToValue(gain, 0.75)).toBe(10);
    expect(positionToValue(gain, -1)).toBe(-20);
    expect(positionToValue(gain, 2)).toBe(20);
  });

  it('log: equal travel is an equal ratio (geometric middle)', () => {
    expect(valueToPosition(freqFree, 10)).toBe(0);
    expect(valueToPosition(freqFree, 1000)).toBeCloseTo(1, 12);
    expect(valueToPosition(freqFree, 100)).toBeCloseTo(0.5, 12);
    expect(positionToValue(freqFree, 0.5)).toBeCloseTo(100, 9);
    expect(positionToValue(freqFree, 0.25)).toBeCloseTo(Math.sqrt(10) * 10, 9);
    expect(positionToValue(freq, 0.5)).toBe(632); // √(20·20000) = 632.46 → step 1
  });

  it('round-trips every step of a linear knob and positions of a log knob', () => {
    for (let i = 0; i <= 400; i++) {
      const v = snap(gain, -20 + i * 0.1);
      expect(positionToValue(gain, valueToPosition(gain, v))).toBe(v);
    }
    for (let p = 0; p <= 1; p += 0.05) expect(valueToPosition(freqFree, positionToValue(freqFree, p))).toBeCloseTo(p, 9);
  });

  it('snaps to the step without float dust', () => {
    expect(snap(gain, 0.30000000000000004)).toBe(0.3);
    expect(snap(bass, 7.26)).toBe(7.3);
    expect(snap(gain, -25)).toBe(-20);
    expect(snap(onOff, 0.6)).toBe(1);
    expect(stepDecimals(0.1)).toBe(1);
    expect(stepDecimals(0.25)).toBe(2);
    expect(stepDecimals(1)).toBe(0);
    expect(stepDecimals(1e-7)).toBe(7);
  });
});

describe('keyboard stepping', () => {
  it('arrows move 1 % of the travel, PageUp/PageDown 10 %, Home/End the ends', () => {
    expect(stepValue(gain, 0, 'ArrowUp')).toBe(0.4);
    expect(stepValue(gain, 0, 'ArrowRight')).toBe(0.4);
    expect(stepValue(gain, 0, 'ArrowDown')).toBe(-0.4);
    expect(stepValue(gain, 0, 'ArrowLeft')).toBe(-0.4);
    expect(stepValue(gain, 0, 'PageUp')).toBe(4);
    expect(stepValue(gain, 0, 'PageDown')).toBe(-4);
    expect(stepValue(gain, 3.3, 'Home')).toBe(-20);
    expect(stepValue(gain, 3.3, 'End')).toBe(20);
  });

  it('Shift+arrow moves exactly one step', () => {
    expect(stepValue(gain, 0, 'ArrowUp', true)).toBe(0.1);
    expect(stepValue(bass, 5, 'ArrowDown', true)).toBe(4.9);
  });

  it('stops at the ends', () => {
    expect(stepValue(gain, 20, 'ArrowUp')).toBe(20);
    expect(stepValue(gain, 19.9, 'PageUp')).toBe(20);
    expect(stepValue(gain, -20, 'PageDown')).toBe(-20);
  });

  it('never stalls when 1 % of the travel is less than a step', () => {
    const coarse: ParamSpec = { ...bass, step: 1 };
    expect(stepValue(coarse, 5, 'ArrowUp')).toBe(6);
    expect(stepValue(coarse, 5, 'ArrowDown')).toBe(4);
  });

  it('log knobs step evenly in ratio', () => {
    const up = stepValue(freqFree, 100, 'PageUp');
    expect(up).toBeCloseTo(100 * 10 ** 0.2, 9);
    expect(stepValue(freqFree, up, 'PageDown')).toBeCloseTo(100, 9);
  });

  it('discrete parameters move by one option', () => {
    expect(stepValue(mode, 1, 'ArrowRight')).toBe(2);
    expect(stepValue(mode, 2, 'ArrowRight')).toBe(2);
    expect(stepValue(mode, 1, 'ArrowLeft')).toBe(0);
    expect(stepValue(mode, 1, 'End')).toBe(2);
    expect(stepValue(onOff, 0, 'ArrowUp')).toBe(1);
  });
});

describe('formatting', () => {
  it('dB with sign and a real minus, decimals from the step', () => {
    expect(formatValue(gain, 3)).toBe('+3.0 dB');
    expect(formatValue(gain, -3.25)).toBe('\u22123.3 dB');
    expect(formatValue(gain, 0)).toBe('0.0 dB');
    expect(formatValue(gain, -0.01)).toBe('0.0 dB');
    expect(formatValue({ ...gain, unit: 'dBu' }, 12)).toBe('+12.0 dBu');
  });
  it('plain numbers, Hz and kHz, on/off, enum names', () => {
    expect(formatValue(bass, 5)).toBe('5.0');
    expect(formatValue(freq, 440)).toBe('440 Hz');
    expect(formatValue(freq, 1250)).toBe('1.25 kHz');
    expect(formatValue(onOff, 1)).toBe('On');
    expect(formatValue(onOff, 0)).toBe('Off');
    expect(formatValue(mode, 1)).toBe('Normalized');
    expect(formatValue(mode, 7)).toBe('Calibrated');
  });
  it('meter levels', () => {
    expect(peakToDb(1)).toBe(0);
    expect(peakToDb(0.5)).toBeCloseTo(-6.0206, 4);
    expect(peakToDb(0)).toBe(-Infinity);
    expect(formatDb(-6.0206)).toBe('\u22126.0 dB');
    expect(formatDb(-Infinity)).toBe('\u2212\u221e dB');
    expect(formatDb(-119.96)).toBe('\u2212120.0 dB');
    expect(formatDb(peakToDb(1e-26))).toBe('\u2212\u221e dB'); // a decaying tail's residue reads as silence
    expect(meterFill(-30)).toBe(0.5);
    expect(meterFill(6)).toBe(1);
    expect(meterFill(-Infinity)).toBe(0);
  });
});
