/**
 * DC blocker: the plugin's first-order high-pass (y = α·(y[n−1] + x − x[n−1]), α = 1/(1 + 2π·fc/fs)).
 * Its −3 dB point is solved here in closed form from H(z) = α(1 − z⁻¹)/(1 − αz⁻¹), and the graph is
 * run in the interpreter.
 */
import { describe, expect, it } from 'vitest';
import { el } from '@elemaudio/core';
import { DC_BLOCKER_HZ, dcBlocker, dcBlockerAlpha, dcBlockerBlock } from '../../src/dsp/rig/blocks/dc-blocker.ts';
import { children, settle, simulate, sine, tailAmplitude } from './graph.ts';

/**
 * |H|² = 2α²(1 − cos w) / (1 − 2α·cos w + α²) = 1/2  ⇔  cos w = (1 − 3α²) / (2α − 4α²).
 */
function minus3dbHz(alpha: number, fs: number): number {
  return (Math.acos((1 - 3 * alpha * alpha) / (2 * alpha - 4 * alpha * alpha)) * fs) / (2 * Math.PI);
}

/** |H(e^{jw})| in dB: α·|1 − e^{−jw}| / |1 − α·e^{−jw}|. */
function exactDb(f: number, fs: number): number {
  const alpha = 1 / (1 + (2 * Math.PI * 5) / fs);
  const w = (2 * Math.PI * f) / fs;
  return 20 * Math.log10((alpha * 2 * Math.sin(w / 2)) / Math.sqrt(1 - 2 * alpha * Math.cos(w) + alpha * alpha));
}

describe('DC blocker', () => {
  it('has the plugin coefficient', () => {
    expect(DC_BLOCKER_HZ).toBe(5);
    expect(dcBlockerAlpha(48000)).toBeCloseTo(1 / (1 + (2 * Math.PI * 5) / 48000), 15);
  });

  it('is −3 dB at 5 Hz (within 0.01 Hz) at the usual rates', () => {
    for (const fs of [44100, 48000, 88200, 96000, 192000]) expect(Math.abs(minus3dbHz(dcBlockerAlpha(fs), fs) - 5)).toBeLessThan(0.01);
  });

  it('is el.pole(α, el.zero(α, α, x))', () => {
    const g = dcBlocker(el.in({ channel: 0 }), 48000);
    const alpha = dcBlockerAlpha(48000);
    expect(g.kind).toBe('pole');
    expect((children(g)[0]!.props as unknown as { value: number }).value).toBe(alpha);
    expect(dcBlockerBlock.params).toEqual([]);
  });

  it('removes DC, passes 1 kHz, and is −3 dB at 5 Hz when run', () => {
    const fs = 48000;
    const g = dcBlockerBlock.graph(el.in({ channel: 0 }), { param: () => el.const({ value: 0 }), raw: () => el.const({ value: 0 }), resource: () => undefined, level: () => ({ value: 0, given: 0 }) }, { sampleRate: fs, model: {} });
    expect(Math.abs(settle(g, 1, fs, 1))).toBeLessThan(1e-6);
    const n = 2 * fs;
    const at = (f: number): number => 20 * Math.log10(tailAmplitude(simulate(g, n, { sampleRate: fs, inputs: [sine(f, n, fs)] }), f, fs, f < 100 ? 2 : 20));
    expect(at(5)).toBeCloseTo(exactDb(5, fs), 2);
    expect(at(1000)).toBeCloseTo(exactDb(1000, fs), 4); // −0.003 dB: the passband is 2α/(1+α), not quite 1
    expect(exactDb(5, fs)).toBeCloseTo(-3.01, 1);
  });
});
