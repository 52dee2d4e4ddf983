/**
 * DC blocker: the NAM plugin's 1st-order high-pass at 5 Hz (AudioDSPTools
 * `recursive_linear_filter::HighPass`, the discretised RC high-pass):
 *
 *   y[n] = α · (y[n−1] + x[n] − x[n−1]),    α = 1 / (1 + 2π·fc/fs)
 *   H(z) = α · (1 − z⁻¹) / (1 − α·z⁻¹)
 *
 * Zero gain at DC; −3 dB within 0.01 Hz of fc at 44.1–192 kHz; in the passband the gain tends to
 * 2α/(1+α) at Nyquist, a hair under 1 (−0.003 dB at 48 kHz), as in the plugin. Built as `el.pole(α, el.zero(α, α, x))`, i.e. Elementary's `df11`
 * (`zero(b0, b1, x)` is b0·x[n] − b1·x[n−1], `pole(p, x)` is y[n] = x[n] + p·y[n−1]).
 * Always on, no parameters.
 */
import { el, type NodeRepr_t } from '@elemaudio/core';
import { defineBlock } from '../manifest.ts';

/** The plugin's cutoff, in Hz. */
export const DC_BLOCKER_HZ = 5;

/** α = 1 / (1 + 2π·fc/fs). */
export function dcBlockerAlpha(sampleRate: number, cutoffHz: number = DC_BLOCKER_HZ): number {
  return 1 / (1 + (2 * Math.PI * cutoffHz) / sampleRate);
}

export function dcBlocker(x: NodeRepr_t, sampleRate: number, cutoffHz: number = DC_BLOCKER_HZ): NodeRepr_t {
  const alpha = dcBlockerAlpha(sampleRate, cutoffHz);
  return el.pole(alpha, el.zero(alpha, alpha, x));
}

export const dcBlockerBlock = defineBlock({
  id: 'dc',
  label: 'DC blocker',
  params: [],
  graph: (x, _p, ctx) => dcBlocker(x, ctx.sampleRate),
});
