/**
 * Offline resampler against analytic oracles: a sine resampled must equal the same sine computed
 * directly at the new rate (amplitude and phase, so timing alignment too), the passband must be
 * flat to 0.1 dB up to 0.9 x the lower Nyquist, tones above the output Nyquist must come out
 * below -90 dB, images of in-band tones must stay below -90 dB, and a band-limited signal must
 * survive a round trip.
 */
import { describe, it, expect } from 'vitest';
import { resample } from '../../src/dsp/resample/index.ts';
import { db, fitTone, rms, tone } from './signal-utils.ts';

/**
 * Output samples at each end to ignore (the filter's response to the signal's abrupt start and
 * end). The kernel spans about 130 samples at the lower rate; 300 of them is generous.
 */
function edge(fromRate: number, toRate: number): number {
  return Math.ceil((300 * toRate) / Math.min(fromRate, toRate));
}

const PAIRS: readonly [number, number][] = [
  [44100, 48000],
  [48000, 44100],
  [96000, 48000],
  [48000, 96000],
  [88200, 48000],
  [22050, 48000],
  [44100, 48001], // large denominator: interpolated coefficient table
  [44100.5, 48000], // non-integer rate
];

describe('resample: analytic sine oracle', () => {
  for (const [from, to] of PAIRS) {
    const lowNyquist = Math.min(from, to) / 2;
    for (const freq of [1000, Math.round(0.85 * lowNyquist)]) {
      it(`${from} -> ${to} Hz, ${freq} Hz sine matches sin(2 pi f j / ${to})`, () => {
        const n = Math.round(from * 0.5);
        const amp = 0.7;
        const phase = 0.4;
        const y = resample(tone(n, freq, from, amp, phase), from, to);
        expect(y.length).toBe(Math.round((n * to) / from));
        const e = edge(from, to);
        let worst = 0;
        for (let j = e; j < y.length - e; j++) {
          const want = amp * Math.sin((2 * Math.PI * freq * j) / to + phase);
          worst = Math.max(worst, Math.abs(y[j]! - want));
        }
        expect(worst / amp).toBeLessThan(1e-4);
      });
    }
  }
});

describe('resample: level and passband', () => {
  it('keeps the 1 kHz level (44.1k -> 48k and back, 96k -> 48k) within 0.001 dB', () => {
    for (const [from, to] of [[44100, 48000], [48000, 44100], [96000, 48000]] as const) {
      const x = tone(from, 1000, from, 0.5, 0);
      const y = resample(x, from, to);
      const e = edge(from, to);
      const inLevel = rms(x, edge(from, from), x.length - edge(from, from));
      expect(Math.abs(db(rms(y, e, y.length - e) / inLevel))).toBeLessThan(0.001);
      expect(Math.abs(db(fitTone(y, 1000, to, e, y.length - e).amp / 0.5))).toBeLessThan(0.001);
    }
  });

  for (const [from, to] of [[44100, 48000], [48000, 44100], [96000, 48000], [44100, 48001]] as const) {
    it(`${from} -> ${to}: passband ripple <= 0.1 dB from 20 Hz to 0.9 x ${Math.min(from, to) / 2} Hz`, () => {
      const top = 0.9 * (Math.min(from, to) / 2);
      const n = Math.round(from * 0.4);
      const e = edge(from, to);
      let worstDb = 0;
      for (let k = 0; k <= 24; k++) {
        const freq = 20 * (top / 20) ** (k / 24); // log sweep, ending exactly at the edge
        const y = resample(tone(n, freq, from, 0.5, 1), from, to);
        const gainDb = db(fitTone(y, freq, to, e, y.length - e).amp / 0.5);
        worstDb = Math.max(worstDb, Math.abs(gainDb));
      }
      expect(worstDb).toBeLessThan(0.1);
      expect(worstDb).toBeLessThan(0.001); // the design's actual ripple is ~1e-4 dB
    });
  }
});

describe('resample: stopband and images', () => {
  for (const [from, to] of [[96000, 48000], [48000, 44100], [88200, 48000], [48000, 8000]] as const) {
    it(`${from} -> ${to}: tones between the output Nyquist and the input Nyquist come out below -90 dB`, () => {
      const outNyquist = to / 2;
      const n = Math.round(from * 0.4);
      const e = edge(from, to);
      let worst = -Infinity;
      for (let k = 0; k <= 20; k++) {
        const freq = outNyquist * 1.0005 + ((from / 2) * 0.999 - outNyquist * 1.0005) * (k / 20);
        const x = tone(n, freq, from, 0.5, 0.2);
        const y = resample(x, from, to);
        worst = Math.max(worst, db(rms(y, e, y.length - e) / (0.5 / Math.SQRT2)));
      }
      expect(worst).toBeLessThan(-90);
    });
  }

  for (const [from, to] of [[44100, 48000], [48000, 96000], [22050, 48000], [48000, 44100]] as const) {
    it(`${from} -> ${to}: everything but the tone itself (images, aliases) stays below -90 dB`, () => {
      const n = Math.round(from * 0.4);
      const e = edge(from, to);
      const top = Math.min(from, to) / 2;
      let worst = -Infinity;
      for (const rel of [0.02, 0.2, 0.45, 0.7, 0.85, 0.9, 0.93, 0.97]) {
        const freq = rel * top;
        const y = resample(tone(n, freq, from, 0.5, 0.7), from, to);
        worst = Math.max(worst, db(fitTone(y, freq, to, e, y.length - e).residualRms / (0.5 / Math.SQRT2)));
      }
      expect(worst).toBeLessThan(-90);
    });
  }
});

describe('resample: other properties', () => {
  it('a band-limited signal survives 44.1k -> 48k -> 44.1k within 1e-4', () => {
    const n = 44100;
    const x = new Float32Array(n);
    const parts = [[110, 0.3, 0], [1234.5, 0.2, 1], [7000, 0.15, 2], [15000, 0.1, 3], [19500, 0.05, 4]] as const;
    for (let i = 0; i < n; i++) for (const [f, a, p] of parts) x[i]! += a * Math.sin((2 * Math.PI * f * i) / 44100 + p);
    const back = resample(resample(x, 44100, 48000), 48000, 44100);
    expect(back.length).toBe(n);
    let worst = 0;
    for (let i = 1000; i < n - 1000; i++) worst = Math.max(worst, Math.abs(back[i]! - x[i]!));
    expect(worst).toBeLessThan(1e-4);
  });

  it('DC stays DC (every polyphase row has unit gain)', () => {
    for (const [from, to] of [[44100, 48000], [48000, 44100], [44100, 48001]] as const) {
      const y = resample(new Float32Array(20000).fill(0.25), from, to);
      const e = edge(from, to);
      for (let j = e; j < y.length - e; j++) if (Math.abs(y[j]! - 0.25) > 1e-6) expect.fail(`${from}->${to} sample ${j}: ${y[j]}`);
    }
  });

  it('equal rates return the input unchanged', () => {
    const x = tone(1000, 440, 48000, 0.5, 0);
    expect(resample(x, 48000, 48000)).toEqual(x);
  });

  it('handles empty and one-sample inputs', () => {
    expect(resample(new Float32Array(0), 44100, 48000).length).toBe(0);
    expect(resample(Float32Array.of(1), 8000, 48000).length).toBe(6);
    expect(resample(Float32Array.of(1), 48000, 8000).length).toBe(0);
  });

  it.each([
    [Number.NaN, 48000],
    [44100, Number.POSITIVE_INFINITY],
    [0, 48000],
    [-44100, 48000],
    [44100, 1e6 + 1],
    [1000, 1e6], // ratio 1000
  ])('refuses %s -> %s Hz with a clear Error', (from, to) => {
    expect(() => resample(new Float32Array(10), from, to)).toThrowError(/^resample: /);
  });
});
