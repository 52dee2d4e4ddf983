/**
 * Streaming resampler: with random block sizes its output is the offline output delayed by
 * exactly latencySamples; a streamed sine equals the analytic sine delayed by latencySamples; it
 * never starves a fixed-block caller; reset restarts it; bad arguments are refused.
 */
import { describe, it, expect } from 'vitest';
import { resample, StreamingResampler } from '../../src/dsp/resample/index.ts';
import { lcg, tone } from './signal-utils.ts';

const PAIRS: readonly [number, number][] = [
  [44100, 48000],
  [48000, 44100],
  [96000, 48000],
  [48000, 96000],
  [88200, 48000],
  [44100, 48001],
  [48000, 48000],
];

/** Band-limited-ish noise: white noise through a gentle one-pole low-pass. */
function noise(n: number, seed: number): Float32Array {
  const rnd = lcg(seed);
  const x = new Float32Array(n);
  let lp = 0;
  for (let i = 0; i < n; i++) {
    lp = 0.7 * lp + 0.3 * (2 * rnd() - 1);
    x[i] = lp;
  }
  return x;
}

interface StreamResult {
  out: Float32Array;
  /** Outputs written after each call, and the inputs consumed so far. */
  progress: { inputs: number; outputs: number; written: number; n: number }[];
}

function stream(r: StreamingResampler, x: Float32Array, blockSizes: () => number): StreamResult {
  const out: number[] = [];
  const progress: StreamResult['progress'] = [];
  const block = new Float32Array(r.maxInputBlock);
  const outBlock = new Float32Array(r.maxOutputBlock);
  let at = 0;
  while (at < x.length) {
    const n = Math.min(blockSizes(), x.length - at);
    block.set(x.subarray(at, at + n));
    block.fill(123, n); // garbage past n must be ignored
    const written = r.process(block, n, outBlock);
    for (let k = 0; k < written; k++) out.push(outBlock[k]!);
    at += n;
    progress.push({ inputs: at, outputs: out.length, written, n });
  }
  return { out: Float32Array.from(out), progress };
}

describe('StreamingResampler', () => {
  for (const [from, to] of PAIRS) {
    it(`${from} -> ${to}: random blocks give the offline output delayed by exactly latencySamples`, () => {
      const x = noise(30000, from + to);
      const offline = resample(x, from, to);
      const r = new StreamingResampler(from, to, 512);
      const rnd = lcg(99);
      const { out, progress } = stream(r, x, () => Math.floor(rnd() * 513)); // 0 .. 512, zero-length blocks included
      const d = r.latencySamples;
      expect(out.length).toBeGreaterThan(offline.length - 2 * d - 200);
      let compared = 0;
      for (let s = d; s < out.length && s - d < offline.length; s++, compared++) {
        if (out[s] !== offline[s - d]) expect.fail(`stream[${s}] = ${out[s]} but offline[${s - d}] = ${offline[s - d]}`);
      }
      expect(compared).toBeGreaterThan(offline.length - d - 200);
      for (const p of progress) {
        expect(p.written).toBeLessThanOrEqual(r.maxOutputSamples(p.n));
        // Never starves: after n inputs, at least ceil(n * to / from) outputs exist.
        expect(p.outputs).toBeGreaterThanOrEqual(Math.ceil((p.inputs * to) / from - 1e-9));
      }
    });
  }

  for (const [from, to] of [[44100, 48000], [48000, 44100], [96000, 48000]] as const) {
    it(`${from} -> ${to}: a streamed sine is the analytic sine delayed by latencySamples`, () => {
      const freq = 997;
      const amp = 0.6;
      const x = tone(from, freq, from, amp, 0.1);
      const r = new StreamingResampler(from, to, 128);
      const { out } = stream(r, x, () => 128);
      const d = r.latencySamples;
      expect(d).toBeGreaterThan(0);
      expect(d / to).toBeLessThan(0.003); // a few milliseconds at most
      let worst = 0;
      for (let s = d + 500; s < out.length - 500; s++) {
        const want = amp * Math.sin((2 * Math.PI * freq * (s - d)) / to + 0.1);
        worst = Math.max(worst, Math.abs(out[s]! - want));
      }
      expect(worst / amp).toBeLessThan(1e-4);
    });
  }

  it('44.1k -> 48k -> 44.1k in fixed 128-sample blocks never lets an unprimed host FIFO underrun', () => {
    const up = new StreamingResampler(44100, 48000, 128);
    const down = new StreamingResampler(48000, 44100, up.maxOutputBlock);
    const x = tone(44100, 440, 44100, 0.5, 0);
    const mid = new Float32Array(up.maxOutputBlock);
    const back = new Float32Array(down.maxOutputBlock);
    let available = 0;
    let produced = 0;
    for (let at = 0; at + 128 <= x.length; at += 128) {
      const m = up.process(x.subarray(at, at + 128), 128, mid);
      available += down.process(mid, m, back);
      produced += 128;
      // A host FIFO primed with nothing never underruns: what came back covers what was sent.
      expect(available).toBeGreaterThanOrEqual(produced);
    }
    const totalLatencyIn441 = down.latencySamples + (up.latencySamples * 44100) / 48000;
    expect(totalLatencyIn441 / 44100).toBeLessThan(0.005);
  });

  it('reset() restarts the stream exactly', () => {
    const x = noise(5000, 7);
    const r = new StreamingResampler(44100, 48000, 256);
    const rnd = lcg(3);
    const first = stream(r, x, () => 1 + Math.floor(rnd() * 256)).out;
    r.reset();
    const second = stream(r, x, () => 256).out;
    expect(second).toEqual(first);
  });

  it('refuses bad rates, block sizes and short output buffers', () => {
    expect(() => new StreamingResampler(0, 48000, 128)).toThrowError(/^resample: fromRate/);
    expect(() => new StreamingResampler(44100, Number.NaN, 128)).toThrowError(/^resample: toRate/);
    expect(() => new StreamingResampler(44100, 2e6, 128)).toThrowError(/^resample: toRate/);
    expect(() => new StreamingResampler(44100, 48000, 0)).toThrowError(/maxInputBlock/);
    expect(() => new StreamingResampler(44100, 48000, 1.5)).toThrowError(/maxInputBlock/);
    const r = new StreamingResampler(44100, 48000, 64);
    expect(() => r.process(new Float32Array(128), 65, new Float32Array(1000))).toThrowError(/n must be/);
    expect(() => r.process(new Float32Array(64), 64, new Float32Array(10))).toThrowError(/output holds 10 samples/);
  });
});
