/**
 * Tone stack: the coefficient functions against the Audio EQ Cookbook formulas written out again
 * here, the magnitude response against this file's own complex evaluation, the plugin's anchor
 * values, and the graph: three biquads whose coefficients are computed from the live knobs, checked
 * by running the graph in the test interpreter.
 */
import { describe, expect, it } from 'vitest';
import { el } from '@elemaudio/core';
import { bassCoefficients, midCoefficients, toneStack, toneStackBlock, toneStackMagnitudeDb, trebleCoefficients } from '../../src/dsp/rig/blocks/tone-stack.ts';
import { biquadMagnitudeDb } from '../../src/dsp/rig/biquad.ts';
import { bindParams, constParamSource } from '../../src/dsp/rig/param-source.ts';
import { defaultParams, rig } from '../../src/dsp/rig/registry.ts';
import { children, findAll, simulate, sine, tailAmplitude } from './graph.ts';

type Coeffs = { b0: number; b1: number; b2: number; a1: number; a2: number };
type Kind = 'lowshelf' | 'peak' | 'highshelf';

/** The cookbook, transcribed independently (webaudio.github.io/Audio-EQ-Cookbook). */
function cookbook(kind: Kind, fs: number, f0: number, q: number, dbGain: number): Coeffs {
  const A = Math.pow(10, dbGain / 40);
  const w0 = (2 * Math.PI * f0) / fs;
  const cs = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  const sq = 2 * Math.sqrt(A) * alpha;
  let b: [number, number, number];
  let a: [number, number, number];
  if (kind === 'lowshelf') {
    b = [A * (A + 1 - (A - 1) * cs + sq), 2 * A * (A - 1 - (A + 1) * cs), A * (A + 1 - (A - 1) * cs - sq)];
    a = [A + 1 + (A - 1) * cs + sq, -2 * (A - 1 + (A + 1) * cs), A + 1 + (A - 1) * cs - sq];
  } else if (kind === 'highshelf') {
    b = [A * (A + 1 + (A - 1) * cs + sq), -2 * A * (A - 1 + (A + 1) * cs), A * (A + 1 + (A - 1) * cs - sq)];
    a = [A + 1 - (A - 1) * cs + sq, 2 * (A - 1 - (A + 1) * cs), A + 1 - (A - 1) * cs - sq];
  } else {
    b = [1 + alpha * A, -2 * cs, 1 - alpha * A];
    a = [1 + alpha / A, -2 * cs, 1 - alpha / A];
  }
  return { b0: b[0] / a[0], b1: b[1] / a[0], b2: b[2] / a[0], a1: a[1] / a[0], a2: a[2] / a[0] };
}

/** The plugin's three bands (ToneStack.cpp), transcribed independently. */
const oracle = {
  bass: (fs: number, v: number) => cookbook('lowshelf', fs, 150, 0.707, 4 * (v - 5)),
  mid: (fs: number, v: number) => cookbook('peak', fs, 425, 3 * (v - 5) < 0 ? 1.5 : 0.7, 3 * (v - 5)),
  treble: (fs: number, v: number) => cookbook('highshelf', fs, 1800, 0.707, 2 * (v - 5)),
};

/** |H(e^{jw})| in dB by complex arithmetic: H = (b0 + b1 z⁻¹ + b2 z⁻²) / (1 + a1 z⁻¹ + a2 z⁻²). */
function responseDb(c: Coeffs, f: number, fs: number): number {
  const w = (2 * Math.PI * f) / fs;
  const z1 = { re: Math.cos(w), im: -Math.sin(w) };
  const z2 = { re: Math.cos(2 * w), im: -Math.sin(2 * w) };
  const num = { re: c.b0 + c.b1 * z1.re + c.b2 * z2.re, im: c.b1 * z1.im + c.b2 * z2.im };
  const den = { re: 1 + c.a1 * z1.re + c.a2 * z2.re, im: c.a1 * z1.im + c.a2 * z2.im };
  return 20 * Math.log10(Math.hypot(num.re, num.im) / Math.hypot(den.re, den.im));
}

const stackDb = (fs: number, bass: number, mid: number, treble: number, f: number): number =>
  responseDb(oracle.bass(fs, bass), f, fs) + responseDb(oracle.mid(fs, mid), f, fs) + responseDb(oracle.treble(fs, treble), f, fs);

function expectCoeffs(actual: Coeffs, expected: Coeffs, tol = 1e-12): void {
  for (const k of ['b0', 'b1', 'b2', 'a1', 'a2'] as const) {
    expect(typeof actual[k]).toBe('number');
    expect(Math.abs(actual[k] - expected[k])).toBeLessThan(tol);
  }
}

const FREQS = [50, 150, 425, 1000, 1800, 8000];
const KNOBS: [number, number, number][] = [
  [5, 5, 5],
  [10, 5, 5],
  [0, 5, 5],
  [5, 0, 5],
  [5, 10, 5],
  [5, 5, 0],
  [5, 5, 10],
  [10, 0, 10],
  [2.5, 7.5, 3],
  [0, 10, 0],
];

describe('tone stack coefficients', () => {
  it('match the cookbook for every knob position at 44.1, 48 and 96 kHz', () => {
    for (const fs of [44100, 48000, 96000]) {
      for (let v = 0; v <= 10; v += 0.5) {
        expectCoeffs(bassCoefficients(fs, v), oracle.bass(fs, v));
        expectCoeffs(midCoefficients(fs, v), oracle.mid(fs, v));
        expectCoeffs(trebleCoefficients(fs, v), oracle.treble(fs, v));
      }
    }
  });

  it('use Q 1.5 for a mid cut and 0.7 for a boost', () => {
    expectCoeffs(midCoefficients(48000, 2), cookbook('peak', 48000, 425, 1.5, -9));
    expectCoeffs(midCoefficients(48000, 8), cookbook('peak', 48000, 425, 0.7, 9));
  });

  it('are exactly the identity at 5', () => {
    for (const c of [bassCoefficients(48000, 5), midCoefficients(48000, 5), trebleCoefficients(48000, 5)]) {
      expect(c.b0 - 1).toBeCloseTo(0, 14);
      expect(c.b1 - c.a1).toBeCloseTo(0, 14);
      expect(c.b2 - c.a2).toBeCloseTo(0, 14);
    }
  });
});

describe('tone stack magnitude response', () => {
  it('matches the oracle at 50, 150, 425, 1000, 1800 and 8000 Hz for many knob settings', () => {
    for (const fs of [44100, 48000]) {
      for (const [bass, mid, treble] of KNOBS) {
        for (const f of FREQS) {
          expect(Math.abs(toneStackMagnitudeDb({ bass, mid, treble }, f, fs) - stackDb(fs, bass, mid, treble, f))).toBeLessThan(1e-9);
        }
      }
    }
  });

  it('is flat at 5/5/5 (within 0.01 dB everywhere)', () => {
    for (const f of [...FREQS, 10, 20000]) expect(Math.abs(toneStackMagnitudeDb({ bass: 5, mid: 5, treble: 5 }, f, 48000))).toBeLessThan(0.01);
  });

  it('reaches the plugin gains: bass ±20 dB low, mid ±15 dB at 425 Hz, treble ±10 dB high', () => {
    const fs = 48000;
    const db = (bass: number, mid: number, treble: number, f: number): number => toneStackMagnitudeDb({ bass, mid, treble }, f, fs);
    expect(db(10, 5, 5, 0)).toBeCloseTo(20, 9); // a cookbook shelf reaches A² at DC
    expect(db(10, 5, 5, 10)).toBeGreaterThan(19.9);
    expect(db(10, 5, 5, 150)).toBeCloseTo(10, 2); // and half its gain at f0
    expect(db(0, 5, 5, 150)).toBeCloseTo(-10, 2);
    expect(db(0, 5, 5, 10)).toBeLessThan(-19.9);
    expect(db(5, 0, 5, 425)).toBeCloseTo(-15, 2);
    expect(db(5, 10, 5, 425)).toBeCloseTo(15, 2);
    expect(db(5, 5, 10, 1800)).toBeCloseTo(5, 2);
    expect(db(5, 5, 10, fs / 2)).toBeCloseTo(10, 9);
    expect(db(5, 5, 0, fs / 2)).toBeCloseTo(-10, 9);
    expect(Math.abs(db(10, 5, 5, 8000))).toBeLessThan(0.05);
  });

  it('biquadMagnitudeDb agrees with the oracle on each band', () => {
    for (const f of FREQS) expect(biquadMagnitudeDb(midCoefficients(48000, 1), f, 48000)).toBeCloseTo(responseDb(oracle.mid(48000, 1), f, 48000), 9);
  });
});

describe('tone stack graph', () => {
  const fs = 48000;
  const build = (values: Record<string, number>) => toneStackBlock.graph(el.in({ channel: 0 }), bindParams(rig, toneStackBlock, constParamSource({ ...defaultParams({ scope: 'all' }), ...values })), { sampleRate: fs, model: {} });

  it('is three el.biquad nodes in series, bass first', () => {
    const stack = toneStack(el.in({ channel: 0 }), { bass: 7, mid: 3, treble: 9 }, fs);
    const biquads = findAll(stack, 'biquad');
    expect(biquads).toHaveLength(3);
    expect(stack.kind).toBe('biquad');
    const numbers = (n: (typeof biquads)[number]): number[] => children(n).slice(0, 5).map((c) => c.props as unknown as { value: number }).map((p) => p.value);
    // With numeric knobs every coefficient folds to a constant: treble outermost, bass innermost.
    expect(numbers(biquads[0]!)).toEqual(Object.values(trebleCoefficients(fs, 9)));
    expect(numbers(biquads[2]!)).toEqual(Object.values(bassCoefficients(fs, 7)));
  });

  it('computes the coefficients from the live knobs: changing a knob changes no node', () => {
    const a = build({ 'tone.bass': 7, 'tone.mid': 3, 'tone.treble': 9 });
    const b = build({ 'tone.bass': 1, 'tone.mid': 8, 'tone.treble': 2 });
    expect(a.hash).toBe(b.hash);
  });

  it('filters a sine as the oracle predicts (run in the interpreter)', () => {
    const n = Math.round(0.3 * fs);
    for (const [bass, mid, treble, f] of [
      [10, 5, 5, 150],
      [5, 0, 5, 425],
      [8, 2, 9, 1000],
      [3, 7, 1, 3000],
    ] as const) {
      const out = simulate(build({ 'tone.bass': bass, 'tone.mid': mid, 'tone.treble': treble }), n, { sampleRate: fs, inputs: [sine(f, n, fs)] });
      expect(20 * Math.log10(tailAmplitude(out, f, fs))).toBeCloseTo(stackDb(fs, bass, mid, treble, f), 2);
    }
  });

  it('passes the input when EQ is off', () => {
    const n = 4800;
    const input = sine(150, n, fs);
    const out = simulate(build({ 'tone.enabled': 0, 'tone.bass': 10 }), n, { sampleRate: fs, inputs: [input] });
    for (let i = 0; i < n; i++) expect(out[i]).toBeCloseTo(input[i]!, 12);
  });
});
