/**
 * Synthetic DI clip: deterministic for a seed (hash of two renders), different across seeds, at
 * a DI-like level, in tune (autocorrelation pitch of single notes), and decaying like a string.
 */
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { synthesizeDiClip, mulberry32 } from '../../src/dsp/synth/karplus-strong.ts';
import { db, rms } from './signal-utils.ts';

function sha256(x: Float32Array): string {
  return createHash('sha256').update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength)).digest('hex');
}

/** Autocorrelation pitch of x[from .. to): first lag whose correlation reaches 90 % of the best. */
function pitch(x: Float32Array, rate: number, from: number, to: number): number {
  const minLag = Math.floor(rate / 600);
  const maxLag = Math.ceil(rate / 60);
  const n = to - from - maxLag;
  const r: number[] = [];
  for (let lag = 0; lag <= maxLag; lag++) {
    let s = 0, e0 = 0, e1 = 0;
    for (let i = from; i < from + n; i++) {
      s += x[i]! * x[i + lag]!;
      e0 += x[i]! * x[i]!;
      e1 += x[i + lag]! * x[i + lag]!;
    }
    r.push(s / Math.sqrt(e0 * e1));
  }
  let best = 0;
  for (let lag = minLag; lag <= maxLag; lag++) best = Math.max(best, r[lag]!);
  for (let lag = minLag + 1; lag < maxLag; lag++) {
    if (r[lag]! >= 0.9 * best && r[lag]! >= r[lag - 1]! && r[lag]! >= r[lag + 1]!) {
      const [a, b, c] = [r[lag - 1]!, r[lag]!, r[lag + 1]!];
      return rate / (lag + (0.5 * (a - c)) / (a - 2 * b + c)); // parabolic peak
    }
  }
  return Number.NaN;
}

const midiHz = (m: number): number => 440 * 2 ** ((m - 69) / 12);

describe('synthesizeDiClip', () => {
  const rate = 48000;
  const clip = synthesizeDiClip({ sampleRate: rate, seconds: 12, seed: 42 });

  it('is identical across calls for the same seed', () => {
    const again = synthesizeDiClip({ sampleRate: rate, seconds: 12, seed: 42 });
    expect(sha256(again)).toBe(sha256(clip));
  });

  it('differs for another seed, with the same length', () => {
    const other = synthesizeDiClip({ sampleRate: rate, seconds: 12, seed: 43 });
    expect(other.length).toBe(clip.length);
    expect(sha256(other)).not.toBe(sha256(clip));
  });

  it('has round(seconds * sampleRate) finite samples, and none for 0 seconds', () => {
    expect(clip.length).toBe(12 * rate);
    expect(clip.every(Number.isFinite)).toBe(true);
    expect(synthesizeDiClip({ sampleRate: 44100, seconds: 1.5, seed: 1 }).length).toBe(66150);
    expect(synthesizeDiClip({ sampleRate: rate, seconds: 0, seed: 1 }).length).toBe(0);
  });

  it('sits at a DI level: peak -10 dBFS (within -12..-6), RMS around -25 dBFS', () => {
    for (const [seconds, seed, sampleRate] of [[12, 42, 48000], [30, 7, 44100], [4, 1, 96000]] as const) {
      const x = seconds === 12 && seed === 42 ? clip : synthesizeDiClip({ sampleRate, seconds, seed });
      let peak = 0;
      for (const v of x) peak = Math.max(peak, Math.abs(v));
      expect(db(peak)).toBeGreaterThan(-12);
      expect(db(peak)).toBeLessThan(-6);
      expect(db(peak)).toBeCloseTo(-10, 3);
      const level = db(rms(x));
      expect(level).toBeGreaterThan(-31);
      expect(level).toBeLessThan(-22);
    }
  });

  it('plays in tune: the riff E2, G2 and the soft A3 single notes', () => {
    // Windows start 30 ms after the scored onset (timing is humanised by up to +-5 ms).
    for (const [start, end, midi] of [[1.53, 1.66, 40], [1.93, 2.06, 43], [5.15, 5.5, 57]] as const) {
      const f = pitch(clip, rate, Math.round(start * rate), Math.round(end * rate));
      expect(Math.abs(f / midiHz(midi) - 1)).toBeLessThan(0.005); // under 9 cents
    }
  });

  it('decays while a chord rings, then releases quickly when let go', () => {
    const win = (t: number, seconds = 0.1): number => db(rms(clip, Math.round(t * rate), Math.round((t + seconds) * rate)));
    // Open E major struck at 3.1 s, held until ~5.05 s.
    expect(win(3.2)).toBeGreaterThan(win(4.0) + 3);
    expect(win(4.0)).toBeGreaterThan(win(4.9) + 3);
    expect(win(4.9)).toBeGreaterThan(-60); // still sounding before the release
    // The A5 chord (7.0 s, held 1.4 s) is let go at ~8.4 s; by 8.47 s it is more than 20 dB
    // down, before the next phrase starts at ~8.5 s.
    expect(win(8.47, 0.02)).toBeLessThan(win(8.36, 0.02) - 20);
  });

  it('refuses invalid options', () => {
    expect(() => synthesizeDiClip({ sampleRate: 0, seconds: 1, seed: 1 })).toThrowError(/sampleRate/);
    expect(() => synthesizeDiClip({ sampleRate: 48000, seconds: Number.NaN, seed: 1 })).toThrowError(/seconds/);
    expect(() => synthesizeDiClip({ sampleRate: 48000, seconds: -1, seed: 1 })).toThrowError(/seconds/);
    expect(() => synthesizeDiClip({ sampleRate: 48000, seconds: 1, seed: Number.POSITIVE_INFINITY })).toThrowError(/seed/);
  });
});

describe('mulberry32', () => {
  it('is deterministic, seed-dependent and uniform in [0, 1)', () => {
    const a = mulberry32(5), b = mulberry32(5), c = mulberry32(6);
    const xs = Array.from({ length: 20000 }, () => a());
    expect(Array.from({ length: 20000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c())).not.toEqual(xs.slice(0, 20));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
  });
});
