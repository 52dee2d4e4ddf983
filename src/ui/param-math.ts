/**
 * Knob arithmetic, pure: value ↔ travel position (0..1) for linear and log tapers, snapping to the
 * spec's step, keyboard stepping, and the text a control shows for a value.
 *
 *   linear: pos = (v − min) / (max − min)
 *   log:    pos = ln(v / min) / ln(max / min)          (min > 0; the registry checks it)
 *
 * Keyboard: ←/↓ and →/↑ move 1 % of the travel (at least one step; with Shift, exactly one step),
 * PageDown/PageUp 10 %, Home/End go to min/max. Discrete parameters (on/off, enum) move by 1.
 */
import type { ParamSpec } from '../dsp/rig/manifest.ts';

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

export const isDiscrete = (spec: ParamSpec): boolean => spec.unit === 'on/off' || spec.unit === 'enum';

/** The value's place along the control's travel, 0 at min and 1 at max. */
export function valueToPosition(spec: ParamSpec, value: number): number {
  const v = clamp(value, spec.min, spec.max);
  if (spec.taper === 'log') return Math.log(v / spec.min) / Math.log(spec.max / spec.min);
  return (v - spec.min) / (spec.max - spec.min);
}

/** The value at a place along the travel (clamped to 0..1), snapped to the step. */
export function positionToValue(spec: ParamSpec, position: number): number {
  const p = clamp(position, 0, 1);
  const v = spec.taper === 'log' ? spec.min * Math.pow(spec.max / spec.min, p) : spec.min + p * (spec.max - spec.min);
  return snap(spec, v);
}

/** Decimal places of a step: 0.1 → 1, 0.25 → 2, 1 → 0. */
export function stepDecimals(step: number | undefined): number {
  if (step === undefined || step >= 1) return step === undefined ? 2 : 0;
  const text = String(step);
  const exp = /e-(\d+)$/.exec(text);
  if (exp) return Number(exp[1]);
  return text.split('.')[1]?.length ?? 0;
}

/** `value` clamped to the range and rounded to the nearest step (counted from min), without float dust. */
export function snap(spec: ParamSpec, value: number): number {
  const v = clamp(value, spec.min, spec.max);
  const step = spec.step ?? (isDiscrete(spec) ? 1 : undefined);
  if (step === undefined) return v;
  const snapped = spec.min + Math.round((v - spec.min) / step) * step;
  return clamp(Number(snapped.toFixed(stepDecimals(step) + 2)), spec.min, spec.max);
}

export type StepKey = 'ArrowUp' | 'ArrowRight' | 'ArrowDown' | 'ArrowLeft' | 'PageUp' | 'PageDown' | 'Home' | 'End';

const STEP_KEYS: ReadonlySet<string> = new Set(['ArrowUp', 'ArrowRight', 'ArrowDown', 'ArrowLeft', 'PageUp', 'PageDown', 'Home', 'End']);

export const isStepKey = (key: string): key is StepKey => STEP_KEYS.has(key);

/** The value after pressing `key` on a control at `value`; `fine` (Shift) moves one step. */
export function stepValue(spec: ParamSpec, value: number, key: StepKey, fine = false): number {
  if (key === 'Home') return spec.min;
  if (key === 'End') return spec.max;
  const dir = key === 'ArrowUp' || key === 'ArrowRight' || key === 'PageUp' ? 1 : -1;
  const big = key === 'PageUp' || key === 'PageDown';
  if (isDiscrete(spec)) return clamp(Math.round(value) + dir * (big ? spec.max - spec.min : 1), spec.min, spec.max);
  const step = spec.step ?? (spec.max - spec.min) / 1000;
  if (fine && !big) return snap(spec, value + dir * step);
  const fraction = big ? 0.1 : 0.01;
  const pos = valueToPosition(spec, value) + dir * fraction;
  const next = positionToValue(spec, pos);
  // Never stall: a travel fraction smaller than one step still moves one step.
  if (next === snap(spec, value) && value !== (dir > 0 ? spec.max : spec.min)) return snap(spec, value + dir * step);
  return next;
}

const MINUS = '\u2212';

/** A number with `decimals` places, a real minus sign, and an explicit + when `signed`. */
export function formatNumber(v: number, decimals: number, signed = false): string {
  const text = Math.abs(v).toFixed(decimals);
  const zero = Number(text) === 0;
  if (v < 0 && !zero) return MINUS + text;
  return signed && !zero ? `+${text}` : text;
}

/** What a control shows for `value`: "+3.0 dB", "12.0 dBu", "1.2 kHz", "5.0", "On", "Normalized". */
export function formatValue(spec: ParamSpec, value: number): string {
  const decimals = Math.min(stepDecimals(spec.step), 3);
  switch (spec.unit) {
    case 'on/off':
      return value >= 0.5 ? 'On' : 'Off';
    case 'enum':
      return spec.options?.[clamp(Math.round(value), 0, (spec.options?.length ?? 1) - 1)] ?? String(value);
    case 'dB':
    case 'dBu':
      return `${formatNumber(value, decimals, true)} ${spec.unit}`;
    case 'Hz':
      return Math.abs(value) >= 1000 ? `${formatNumber(value / 1000, 2)} kHz` : `${formatNumber(value, Math.min(decimals, 1))} Hz`;
    default:
      return formatNumber(value, decimals);
  }
}

/** A linear peak (full scale 1) as dBFS; −Infinity for silence. */
export function peakToDb(peak: number): number {
  return peak > 0 ? 20 * Math.log10(peak) : -Infinity;
}

/** Below this a meter reads "−∞ dB": residue of a decaying tail (−500 dB …) is silence to a player. */
export const METER_SILENCE_DB = -120;

/** Meter text: "−12.3 dB", "−∞ dB" (silence, or below METER_SILENCE_DB). */
export function formatDb(db: number): string {
  return Number.isFinite(db) && db >= METER_SILENCE_DB ? `${formatNumber(db, 1)} dB` : `${MINUS}\u221e dB`;
}

/** Meter bar fill 0..1 over `floorDb`..0 dBFS. */
export function meterFill(db: number, floorDb = -60): number {
  return Number.isFinite(db) ? clamp((db - floorDb) / -floorDb, 0, 1) : 0;
}
