/**
 * nam-rig's own cab impulse responses, synthesised (not measured, not derived from any other IR).
 *
 * Each cab is a magnitude response in dB, a sum of speaker-like terms over frequency:
 *
 *   - the low cut: an n-th order Butterworth-shaped high-pass at the cab's resonance (`highPassHz`),
 *     plus a bump just above it (the closed-back box's resonance, or a small one for an open back);
 *   - the top roll-off: an n-th order low-pass at `lowPassHz` (cone break-up limits a guitar speaker
 *     to ≈ 5–6 kHz), with an extra shelf beyond it;
 *   - a few resonances and presence peaks: log-Gaussian bumps and dips (`peaks`);
 *   - cone break-up ripple: small seeded (mulberry32) bumps between 600 Hz and 6 kHz.
 *
 * The IR is that magnitude made minimum-phase by the real cepstrum (FFT size 32768 at 48 kHz), cut to
 * `length` samples with a raised-cosine fade over its last quarter, and normalised to a peak of −1 dBFS,
 * as commercial IRs are (the rig's cab applies the plugin's −18 dB IR gain). The minimum-phase response
 * puts the energy at the start and decays exponentially, as a close-miked speaker does.
 * Plain float64 arithmetic and a seeded PRNG: the same bytes on every run.
 */
import { mulberry32 } from '../../src/dsp/synth/prng.ts';
import { encodeWavFloat32 } from '../../src/dsp/io/wav-write.ts';

export const IR_SAMPLE_RATE = 48000;
const FFT_SIZE = 32768;

export interface CabPeak {
  hz: number;
  db: number;
  /** Width: standard deviation in octaves. */
  octaves: number;
}

export interface CabDesign {
  fileName: string;
  label: string;
  highPassHz: number;
  highPassOrder: number;
  lowPassHz: number;
  lowPassOrder: number;
  /** Extra attenuation above 8 kHz, dB per octave. */
  airSlopeDb: number;
  peaks: CabPeak[];
  rippleDb: number;
  seed: number;
  length: number;
}

export const CABS: readonly CabDesign[] = [
  {
    fileName: 'nam-rig-1x12-open.wav',
    label: '1x12 open back',
    highPassHz: 95,
    highPassOrder: 2,
    lowPassHz: 6000,
    lowPassOrder: 4,
    airSlopeDb: 6,
    peaks: [
      { hz: 120, db: 1.5, octaves: 0.3 }, // a soft open-back resonance
      { hz: 450, db: -2, octaves: 0.5 },
      { hz: 2500, db: 4, octaves: 0.35 }, // presence
      { hz: 4200, db: 2.5, octaves: 0.2 },
    ],
    rippleDb: 1.2,
    seed: 0x1c12,
    length: 2048,
  },
  {
    fileName: 'nam-rig-2x12-closed.wav',
    label: '2x12 closed back',
    highPassHz: 85,
    highPassOrder: 3,
    lowPassHz: 5500,
    lowPassOrder: 4,
    airSlopeDb: 8,
    peaks: [
      { hz: 110, db: 4, octaves: 0.25 }, // the closed box's thump
      { hz: 650, db: -2.5, octaves: 0.45 },
      { hz: 1800, db: 2, octaves: 0.4 },
      { hz: 3200, db: 4.5, octaves: 0.3 },
    ],
    rippleDb: 1.5,
    seed: 0x2c12,
    length: 3072,
  },
  {
    fileName: 'nam-rig-4x12-v30.wav',
    label: '4x12 closed back, V30-style',
    highPassHz: 80,
    highPassOrder: 3,
    lowPassHz: 5200,
    lowPassOrder: 5,
    airSlopeDb: 10,
    peaks: [
      { hz: 100, db: 5, octaves: 0.25 }, // the big box
      { hz: 800, db: -3, octaves: 0.4 }, // the scoop before the upper mids
      { hz: 1500, db: 2, octaves: 0.3 },
      { hz: 2800, db: 6, octaves: 0.25 }, // the V30 bite
      { hz: 4300, db: 3, octaves: 0.15 },
    ],
    rippleDb: 2,
    seed: 0x4c12,
    length: 4096,
  },
];

/** The design's magnitude in dB at f Hz (f > 0); the ripple bumps are passed in. */
function magnitudeDb(d: CabDesign, f: number, ripple: readonly CabPeak[]): number {
  let db = -10 * Math.log10(1 + Math.pow(d.highPassHz / f, 2 * d.highPassOrder));
  db -= 10 * Math.log10(1 + Math.pow(f / d.lowPassHz, 2 * d.lowPassOrder));
  if (f > 8000) db -= d.airSlopeDb * Math.log2(f / 8000);
  for (const p of [...d.peaks, ...ripple]) {
    const o = Math.log2(f / p.hz) / p.octaves;
    db += p.db * Math.exp(-0.5 * o * o);
  }
  return Math.max(db, -120);
}

function rippleOf(d: CabDesign): CabPeak[] {
  const rand = mulberry32(d.seed);
  const out: CabPeak[] = [];
  for (let i = 0; i < 12; i++) {
    const hz = 600 * Math.pow(10, rand()); // 600 Hz … 6 kHz, log-uniform
    out.push({ hz, db: d.rippleDb * (rand() * 2 - 1), octaves: 0.05 + 0.1 * rand() });
  }
  return out;
}

/** The target magnitude response of a cab in dB at f Hz (for tests and documentation). */
export function cabTargetDb(d: CabDesign, f: number): number {
  return magnitudeDb(d, f, rippleOf(d));
}

/** In-place iterative radix-2 complex FFT (sign −1 forward, +1 inverse, unscaled). */
function fft(re: Float64Array, im: Float64Array, sign: 1 | -1): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (sign * 2 * Math.PI) / len;
    const half = len >> 1;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < half; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const a = i + k;
        const b = a + half;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

/** The cab's IR: minimum-phase, `length` samples at 48 kHz, peak −1 dBFS (float32 values). */
export function cabImpulseResponse(d: CabDesign): Float32Array {
  const N = FFT_SIZE;
  const ripple = rippleOf(d);
  const re = new Float64Array(N);
  const im = new Float64Array(N);
  // log|H| on the FFT grid (real and even); DC takes the first bin's neighbour's value floor.
  for (let k = 0; k <= N / 2; k++) {
    const f = Math.max(k, 0.5) * (IR_SAMPLE_RATE / N);
    const lnMag = (magnitudeDb(d, f, ripple) / 20) * Math.LN10;
    re[k] = lnMag;
    if (k > 0 && k < N / 2) re[N - k] = lnMag;
  }
  // Real cepstrum, folded onto positive quefrencies: the minimum-phase log spectrum.
  fft(re, im, 1);
  for (let n = 0; n < N; n++) {
    re[n] = re[n]! / N;
    im[n] = 0;
  }
  for (let n = 1; n < N / 2; n++) {
    re[n] = 2 * re[n]!;
    re[N - n] = 0;
  }
  fft(re, im, -1);
  for (let k = 0; k < N; k++) {
    const m = Math.exp(re[k]!);
    const ph = im[k]!;
    re[k] = m * Math.cos(ph);
    im[k] = m * Math.sin(ph);
  }
  fft(re, im, 1);
  const h = new Float64Array(d.length);
  const fade = d.length >> 2;
  for (let n = 0; n < d.length; n++) {
    const w = n < d.length - fade ? 1 : 0.5 * (1 + Math.cos((Math.PI * (n - (d.length - fade))) / fade));
    h[n] = (re[n]! / N) * w;
  }
  let peak = 0;
  for (const v of h) peak = Math.max(peak, Math.abs(v));
  const scale = Math.pow(10, -1 / 20) / peak;
  const out = new Float32Array(d.length);
  for (let n = 0; n < d.length; n++) out[n] = h[n]! * scale;
  return out;
}

/** The cab's WAV file: mono, 48 kHz, 32-bit float. */
export function cabWav(d: CabDesign): Uint8Array {
  return encodeWavFloat32([cabImpulseResponse(d)], IR_SAMPLE_RATE);
}

/** |H(f)| in dB of an IR by direct DFT. */
export function irResponseDb(h: ArrayLike<number>, f: number, fs = IR_SAMPLE_RATE): number {
  let r = 0;
  let i = 0;
  for (let n = 0; n < h.length; n++) {
    const ph = (-2 * Math.PI * f * n) / fs;
    r += h[n]! * Math.cos(ph);
    i += h[n]! * Math.sin(ph);
  }
  return 20 * Math.log10(Math.hypot(r, i));
}
