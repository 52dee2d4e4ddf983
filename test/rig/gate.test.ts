/**
 * Noise gate: the gain-reduction law and its constants against the plugin's formulas written out
 * here; the trigger graph run in the test interpreter at steady state (exact) and on a note burst,
 * compared with a transcription of the plugin's own trigger state machine (AudioDSPTools
 * `NoiseGate.cpp`), which the Elementary graph approximates.
 */
import { describe, expect, it } from 'vitest';
import { el } from '@elemaudio/core';
import { GATE, gateApply, gateBallisticsTau, gateBlock, gateGain, gateLevelPole, gateMaxReductionDb, gateReductionDb, gateTrigger } from '../../src/dsp/rig/blocks/gate.ts';
import { bindParams, constParamSource } from '../../src/dsp/rig/param-source.ts';
import { defaultParams, rig } from '../../src/dsp/rig/registry.ts';
import { RigError } from '../../src/dsp/rig/errors.ts';
import { findAll, kindsOf, props, settle, simulate, sine } from './graph.ts';

/** The plugin's law: −ratio·(L − thr)² below the threshold, 0 at or above. */
const law = (levelDb: number, thr: number): number => (levelDb < thr ? -0.1 * (levelDb - thr) ** 2 : 0);

/** NeuralAmpModelerPlugin's trigger + gain, transcribed from AudioDSPTools NoiseGate.cpp (one channel). */
function namGate(x: Float64Array, thr: number, fs: number): Float64Array {
  const [time, openTime, holdTime, closeTime] = [0.01, 0.005, 0.01, 0.05];
  const alpha = Math.pow(0.5, 1 / (time * fs));
  const beta = 1 - alpha;
  const dt = 1 / fs;
  const maxGr = law(-120, thr);
  const dOpen = (-maxGr / openTime) * dt;
  const dClose = (maxGr / closeTime) * dt;
  let level = 1e-12;
  let last = maxGr;
  let holding = false;
  let held = 0;
  const gain = new Float64Array(x.length);
  for (let s = 0; s < x.length; s++) {
    level = Math.min(1000, Math.max(1e-12, alpha * level + beta * x[s]! * x[s]!));
    const levelDb = 10 * Math.log10(level);
    let gr: number;
    if (holding) {
      gr = 0;
      last = 0;
      if (levelDb < thr) {
        held += dt;
        if (held >= holdTime) holding = false;
      } else held = 0;
    } else {
      const target = law(levelDb, thr);
      if (target > last) {
        last += Math.min(Math.max(0.5 * (target - last), 0), dOpen);
        if (last >= 0) {
          last = 0;
          holding = true;
          held = 0;
        }
      } else if (target < last) {
        last += Math.min(Math.max(0.5 * (target - last), dClose), 0);
        if (last < maxGr) last = maxGr;
      }
      gr = last;
    }
    gain[s] = Math.pow(10, gr / 10);
  }
  return gain;
}

/** The first index at or after `from` where `pred` holds. */
const firstFrom = (x: Float64Array, from: number, pred: (v: number) => boolean): number => {
  for (let i = from; i < x.length; i++) if (pred(x[i]!)) return i;
  return -1;
};

describe('gate law', () => {
  it('reduces by ratio·(L − thr)² below the threshold and not at all above', () => {
    for (const thr of [-100, -80, -60, -20, 0]) {
      for (let l = -120; l <= 10; l += 2.5) expect(gateReductionDb(l, thr)).toBeCloseTo(law(l, thr), 12);
    }
    expect(gateReductionDb(-90, -80)).toBeCloseTo(-10, 12);
    expect(gateReductionDb(-80, -80)).toBe(0);
    expect(gateReductionDb(-70, -80)).toBe(0);
  });

  it('bottoms out at the law at the −120 dB loudness floor', () => {
    expect(gateMaxReductionDb(-80)).toBeCloseTo(-160, 12);
    expect(gateMaxReductionDb(-100)).toBeCloseTo(-40, 12);
    expect(gateMaxReductionDb(0)).toBeCloseTo(-1440, 12);
  });

  it('turns a reduction into gain as the plugin does, 10^(dB/10)', () => {
    expect(gateGain(0)).toBe(1);
    expect(gateGain(-10)).toBeCloseTo(0.1, 15);
    expect(gateGain(-40)).toBeCloseTo(1e-4, 18);
  });

  it('uses the plugin constants', () => {
    expect(GATE).toMatchObject({ time: 0.01, ratio: 0.1, openTime: 0.005, holdTime: 0.01, closeTime: 0.05, minimumLoudnessDb: -120 });
  });

  it('averages power with a half-life of `time`', () => {
    const fs = 48000;
    expect(gateLevelPole(fs) ** (GATE.time * fs)).toBeCloseTo(0.5, 12);
  });

  it('picks ballistics that cover the full range to within 1 dB in the open/close time', () => {
    for (const thr of [-100, -80, -40]) {
      const maxRed = gateMaxReductionDb(thr);
      for (const t of [GATE.openTime, GATE.closeTime]) expect(-maxRed * Math.exp(-t / gateBallisticsTau(t, maxRed))).toBeCloseTo(1, 12);
    }
  });
});

describe('gate trigger graph', () => {
  const fs = 48000;
  const trigger = (thr: number) => gateTrigger(el.in({ channel: 0 }), thr, fs);

  it('is a power average, a log, the law, a hold, an envelope and a power of ten', () => {
    const g = trigger(-80);
    expect(g.kind).toBe('pow');
    for (const k of ['pole', 'log', 'le', 'maxhold', 'env', 'min', 'max']) expect(kindsOf(g).has(k)).toBe(true);
    expect(props(findAll(g, 'maxhold')[0]!).hold).toBeCloseTo(10, 12);
  });

  it('settles to exactly the law for a steady level', () => {
    for (const [amp, thr] of [
      [1e-5, -80], // −100 dB: 40 dB of reduction
      [10 ** (-85 / 20), -80],
      [10 ** (-85 / 20), -60],
      [0.1, -80],
      [1e-7, -100],
    ] as const) {
      const levelDb = Math.max(-120, 20 * Math.log10(amp)); // a constant's power is amp², floored at −120 dB
      expect(settle(trigger(thr), amp, fs, 0.4)).toBeCloseTo(Math.pow(10, law(levelDb, thr) / 10), 10);
    }
  });

  it('opens and closes on a note burst within a few ms of the plugin', () => {
    const n = Math.round(1.2 * fs);
    const [on, off] = [Math.round(0.2 * fs), Math.round(0.4 * fs)];
    const burst = sine(220, n, fs, 0.1).map((v, i) => (i >= on && i < off ? v : 0));
    for (const thr of [-80, -50]) {
      const ours = simulate(trigger(thr), n, { sampleRate: fs, inputs: [burst] });
      const theirs = namGate(burst, thr, fs);
      // Closed before the note, open during it, closed again at the end.
      expect(ours[on - 1]).toBeLessThan(1e-3);
      expect(ours[on + Math.round(0.015 * fs)]).toBeGreaterThan(0.99);
      expect(ours[n - 1]).toBeLessThan(1e-3);
      // The −6 dB crossings of our gain and of the plugin's, in ms.
      const ms = (i: number): number => (1000 * i) / fs;
      const openOurs = ms(firstFrom(ours, on, (g) => g > 0.5) - on);
      const openTheirs = ms(firstFrom(theirs, on, (g) => g > 0.5) - on);
      const closeOurs = ms(firstFrom(ours, off, (g) => g < 0.5) - off);
      const closeTheirs = ms(firstFrom(theirs, off, (g) => g < 0.5) - off);
      expect(Math.abs(openOurs - openTheirs)).toBeLessThan(3);
      expect(Math.abs(closeOurs - closeTheirs)).toBeLessThan(15);
    }
  });
});

describe('gate block', () => {
  const fs = 48000;
  const values = (over: Record<string, number>) => bindParams(rig, gateBlock, constParamSource({ ...defaultParams({ scope: 'all' }), ...over }));
  const ctx = { sampleRate: fs, model: {} };

  it('applies the sidechain gain when on and passes the signal when off', () => {
    const gain = el.const({ value: 0.25 });
    // The on/off switch goes through el.sm (τ = 20 ms): 0.6 s is 30 τ.
    expect(settle(gateBlock.graph(el.in({ channel: 0 }), values({}), ctx, gain), 2, fs, 0.6)).toBeCloseTo(0.5, 9);
    expect(settle(gateBlock.graph(el.in({ channel: 0 }), values({ 'gate.enabled': 0 }), ctx, gain), 2, fs, 0.6)).toBeCloseTo(2, 9);
    expect(settle(gateApply(el.in({ channel: 0 }), gain, 1), 2, fs, 0.01)).toBeCloseTo(0.5, 12);
  });

  it('reads its threshold live in the sidechain', () => {
    const sc = (thr: number) => gateBlock.sidechain!.graph(el.in({ channel: 0 }), values({ 'gate.threshold': thr }), ctx);
    expect(sc(-80).hash).toBe(sc(-40).hash);
    expect(settle(sc(-60), 1e-4, fs, 0.4)).toBeCloseTo(Math.pow(10, law(-80, -60) / 10), 9);
  });

  it('refuses to build without its sidechain', () => {
    expect(() => gateBlock.graph(el.in({ channel: 0 }), values({}), ctx)).toThrow(RigError);
  });
});
