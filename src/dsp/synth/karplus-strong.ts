/**
 * A deterministic synthetic DI guitar clip, made of Karplus-Strong plucked strings.
 *
 * An 8.5-second phrase (E5 power chord, a single-note riff, an open E major chord, single notes
 * picked from soft to hard, an A5 power chord) repeats until the clip is full. Each string is a
 * Karplus-Strong loop with the Jaffe-Smith extensions: an excitation made of the plucked
 * string's triangular shape plus a noise burst, both shaped by pick strength (harder = louder
 * and brighter) and pick position, a two-point loss filter, an all-pass for the fractional part
 * of the period (exact tuning), a per-note decay time, and a quick damped release when the note
 * is let go. A short click marks the pick attack, and a resonant low-pass (the pickup and cable)
 * plus a DC blocker colour the mix. The result is scaled to a -10 dBFS peak, like a real DI
 * track; the RMS lands around -27 dBFS (a crest factor of ~17-18 dB, between the 16 and 21 dB
 * of the two real DI fixtures).
 *
 * All randomness (noise bursts, timing, velocity and pick-position humanisation) comes from a
 * seeded mulberry32 generator, so the same options always give the same samples.
 */
import { mulberry32 } from './prng.ts';

export { mulberry32 };

export interface DiClipOptions {
  sampleRate: number;
  seconds: number;
  seed: number;
}

/** Peak level of the finished clip, in dBFS. */
export const DI_PEAK_DBFS = -10;


interface NoteEvent {
  /** Onset in seconds from the start of the phrase. */
  time: number;
  /** MIDI note numbers, lowest string first (strummed downwards in this order). */
  notes: number[];
  /** Pick strength, 0..1. */
  velocity: number;
  /** Seconds until the note is let go. */
  hold: number;
  /** Seconds between successive strings of a strum. */
  strum: number;
}

const PHRASE_SECONDS = 8.5;
const PHRASE: readonly NoteEvent[] = [
  { time: 0.0, notes: [40, 47, 52], velocity: 0.9, hold: 1.45, strum: 0.012 }, // E5 power chord
  { time: 1.5, notes: [40], velocity: 0.8, hold: 0.19, strum: 0 }, // riff
  { time: 1.7, notes: [40], velocity: 0.6, hold: 0.19, strum: 0 },
  { time: 1.9, notes: [43], velocity: 0.85, hold: 0.19, strum: 0 },
  { time: 2.1, notes: [45], velocity: 0.9, hold: 0.19, strum: 0 },
  { time: 2.3, notes: [40], velocity: 0.7, hold: 0.19, strum: 0 },
  { time: 2.5, notes: [47], velocity: 0.8, hold: 0.19, strum: 0 },
  { time: 2.7, notes: [45], velocity: 0.75, hold: 0.35, strum: 0 },
  { time: 3.1, notes: [40, 47, 52, 56, 59, 64], velocity: 0.8, hold: 1.95, strum: 0.018 }, // open E major
  { time: 5.1, notes: [57], velocity: 0.3, hold: 0.48, strum: 0 }, // soft to hard single notes
  { time: 5.6, notes: [60], velocity: 0.55, hold: 0.48, strum: 0 },
  { time: 6.1, notes: [62], velocity: 0.8, hold: 0.48, strum: 0 },
  { time: 6.6, notes: [64], velocity: 1.0, hold: 0.38, strum: 0 },
  { time: 7.0, notes: [45, 52, 57], velocity: 1.0, hold: 1.4, strum: 0.01 }, // A5 power chord
];

/** Seconds a released note keeps sounding (its release decays by 60 dB in RELEASE_T60). */
const RELEASE_TAIL = 0.4;
const RELEASE_T60 = 0.08;
/**
 * Weight of the older sample in the two-point loss filter (its low-frequency delay, in samples);
 * 0.5 is the classic, darkest average, smaller keeps the upper harmonics ringing longer.
 */
const LOSS_TAP = 0.35;
/** Weight of the noise in the excitation against the triangular pluck shape (at velocity 0.5). */
const NOISE_SHARE = 0.3;

function midiToHz(note: number): number {
  return 440 * 2 ** ((note - 69) / 12);
}

/** Adds one plucked string to `out` starting at sample `start`. */
function pluck(
  out: Float64Array,
  start: number,
  freq: number,
  velocity: number,
  holdSamples: number,
  pickPosition: number,
  rand: () => number,
  sampleRate: number,
): void {
  const period = sampleRate / freq;
  // Loop delay = integer delay line + LOSS_TAP (loss filter) + all-pass delay in [0.1, 1.1).
  const lineLength = Math.floor(period - LOSS_TAP - 0.1);
  const apDelay = period - LOSS_TAP - lineLength;
  const apCoef = (1 - apDelay) / (1 + apDelay);
  const t60 = 7 * (82.41 / freq) ** 0.5;
  const holdGain = 10 ** (-3 / (t60 * freq));
  const releaseGain = 10 ** (-3 / (RELEASE_T60 * freq));

  // Excitation: the string's shape at release (a triangle with its apex at the pick position)
  // plus one period of noise, low-passed by pick softness and combed by pick position.
  const burst = new Float64Array(lineLength);
  const smooth = Math.min(0.95, Math.max(0.3, 0.95 - 0.45 * velocity));
  const apex = Math.max(1, Math.round(pickPosition * lineLength));
  let lp = 0;
  for (let i = 0; i < lineLength; i++) {
    lp = (1 - smooth) * (2 * rand() - 1) + smooth * lp;
    burst[i] = lp;
  }
  for (let i = lineLength - 1; i >= apex; i--) burst[i]! -= burst[i - apex]!;
  let noisePeak = 1e-12;
  for (let i = 0; i < lineLength; i++) noisePeak = Math.max(noisePeak, Math.abs(burst[i]!));
  const noiseShare = NOISE_SHARE * (0.5 + velocity);
  for (let i = 0; i < lineLength; i++) {
    const shape = i < apex ? i / apex : (lineLength - i) / (lineLength - apex);
    burst[i] = shape + (noiseShare * burst[i]!) / noisePeak;
  }
  let mean = 0;
  for (let i = 0; i < lineLength; i++) mean += burst[i]!;
  mean /= lineLength;
  let peak = 1e-12;
  for (let i = 0; i < lineLength; i++) peak = Math.max(peak, Math.abs(burst[i]! - mean));
  const amp = velocity * (0.5 + 0.5 * velocity);
  for (let i = 0; i < lineLength; i++) burst[i] = ((burst[i]! - mean) / peak) * amp;

  const clickLength = Math.round(0.0015 * sampleRate);
  const line = new Float64Array(lineLength);
  let idx = 0;
  let prevDelayed = 0;
  let apIn = 0;
  let apOut = 0;
  const length = Math.min(out.length - start, holdSamples + Math.round(RELEASE_TAIL * sampleRate));
  for (let n = 0; n < length; n++) {
    const delayed = line[idx]!;
    const loss = (1 - LOSS_TAP) * delayed + LOSS_TAP * prevDelayed;
    prevDelayed = delayed;
    const v = apCoef * (loss - apOut) + apIn;
    apIn = loss;
    apOut = v;
    const gain = n < holdSamples ? holdGain : releaseGain;
    const y = (n < lineLength ? burst[n]! : 0) + gain * v;
    line[idx] = y;
    idx = idx + 1 === lineLength ? 0 : idx + 1;
    const click = n < clickLength ? 0.15 * velocity * (2 * rand() - 1) * (1 - n / clickLength) : 0;
    out[start + n]! += y + click;
  }
}

/** Resonant low-pass (pickup + cable, ~4.5 kHz, Q 1.2) then a 10 Hz DC blocker, in place. */
function pickupTone(x: Float64Array, sampleRate: number): void {
  const w = (2 * Math.PI * Math.min(4500, 0.45 * sampleRate)) / sampleRate;
  const alpha = Math.sin(w) / (2 * 1.2);
  const cosw = Math.cos(w);
  const a0 = 1 + alpha;
  const b0 = (1 - cosw) / 2 / a0;
  const b1 = (1 - cosw) / a0;
  const b2 = b0;
  const a1 = (-2 * cosw) / a0;
  const a2 = (1 - alpha) / a0;
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  const r = Math.exp((-2 * Math.PI * 10) / sampleRate);
  let hpIn = 0, hpOut = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const y = b0 * v + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1; x1 = v; y2 = y1; y1 = y;
    hpOut = y - hpIn + r * hpOut;
    hpIn = y;
    x[i] = hpOut;
  }
}

function checkOptions({ sampleRate, seconds, seed }: DiClipOptions): void {
  if (!Number.isFinite(sampleRate) || sampleRate < 8000 || sampleRate > 1e6) {
    throw new Error(`synthesizeDiClip: sampleRate must be in [8000, 1e6] Hz, got ${String(sampleRate)}`);
  }
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3600) {
    throw new Error(`synthesizeDiClip: seconds must be in [0, 3600], got ${String(seconds)}`);
  }
  if (!Number.isFinite(seed)) throw new Error(`synthesizeDiClip: seed must be a finite number, got ${String(seed)}`);
}

/** Renders the clip: `round(seconds * sampleRate)` samples, peak at DI_PEAK_DBFS. */
export function synthesizeDiClip(options: DiClipOptions): Float32Array {
  checkOptions(options);
  const { sampleRate, seconds } = options;
  const rand = mulberry32(options.seed);
  const length = Math.round(seconds * sampleRate);
  const mix = new Float64Array(length);
  for (let phraseStart = 0; phraseStart * sampleRate < length; phraseStart += PHRASE_SECONDS) {
    for (const ev of PHRASE) {
      const jitter = phraseStart + ev.time > 0 ? (rand() - 0.5) * 0.01 : 0;
      const velocity = Math.min(1, Math.max(0.1, ev.velocity + (rand() - 0.5) * 0.1));
      ev.notes.forEach((note, k) => {
        const onset = phraseStart + ev.time + jitter + k * ev.strum * (0.8 + 0.4 * rand());
        const start = Math.round(onset * sampleRate);
        const hold = Math.round((ev.hold - k * ev.strum) * sampleRate);
        const pickPosition = 0.1 + 0.1 * rand();
        if (start < length) pluck(mix, start, midiToHz(note), velocity * (1 - 0.04 * k), hold, pickPosition, rand, sampleRate);
      });
    }
  }
  pickupTone(mix, sampleRate);
  let peak = 0;
  for (let i = 0; i < length; i++) peak = Math.max(peak, Math.abs(mix[i]!));
  const out = new Float32Array(length);
  if (peak === 0) return out;
  const scale = 10 ** (DI_PEAK_DBFS / 20) / peak;
  for (let i = 0; i < length; i++) out[i] = mix[i]! * scale;
  return out;
}
