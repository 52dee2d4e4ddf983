/**
 * The project's own default amp model, presets/models/nam-rig-default.nam.
 *
 * - It is exactly what scripts/make-default-model.ts generates (byte for byte) and a valid 0.5.4
 *   A1 WaveNet file with float32-exact weights.
 * - It sounds like a drive, judged with the plain float64 reference forward pass
 *   (scripts/lib/wavenet-a1-reference.ts). That oracle is itself checked first against
 *   NeuralAmpModelerCore's outputs in ../shared. Distortion rises with level, the EQ is
 *   amp-like, and the output is bounded and free of DC.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultModelFile, generateDefaultModel } from '../../scripts/make-default-model.ts';
import { DESIGN, designWeights } from '../../scripts/lib/default-model-design.ts';
import { ReferenceWaveNetA1, a1WeightCount, referenceFromNamText, type A1WaveNetConfig } from '../../scripts/lib/wavenet-a1-reference.ts';
import { loadReferenceCase, readF32, referenceInput } from '../helpers/fixtures.ts';

const FS = 48000;
const shippedText = readFileSync(defaultModelFile(), 'utf8');
const shipped = JSON.parse(shippedText) as {
  version: string;
  architecture: string;
  sample_rate: number;
  config: A1WaveNetConfig;
  metadata: Record<string, unknown>;
  weights: number[];
};

interface ToneResult {
  /** Amplitude of the fundamental at the output over the input amplitude, in dB. */
  gainDb: number;
  /** sqrt(Σ harmonic power) / fundamental amplitude, harmonics 2… up to Nyquist. */
  thd: number;
  /** Level of harmonic k relative to the fundamental, in dB. */
  harmonicDb: (k: number) => number;
  /** Mean of the output over the analysis window. */
  dc: number;
  peak: number;
  finite: boolean;
}

/**
 * Feeds a sine of `dbfs` peak level at `freq` Hz (which must fit a whole number of periods
 * in `windowSamples`). After one receptive field of the sine, the model's finite memory holds
 * nothing else, so the output is exactly periodic. It then analyses `windowSamples` of output
 * with a DFT at the harmonic bins.
 */
function tone(freq: number, dbfs: number, windowSamples = 4800): ToneResult {
  const periods = (freq * windowSamples) / FS;
  if (!Number.isInteger(periods)) throw new Error(`${freq} Hz does not fit ${windowSamples} samples`);
  const model = referenceFromNamText(shippedText);
  const amp = Math.pow(10, dbfs / 20);
  const settle = model.receptiveField;
  const y = new Float64Array(windowSamples);
  let finite = true;
  for (let i = 0; i < settle + windowSamples; i++) {
    const out = model.processSample(amp * Math.sin((2 * Math.PI * freq * i) / FS));
    if (!Number.isFinite(out)) finite = false;
    if (i >= settle) y[i - settle] = out;
  }
  const bin = (k: number): number => {
    let re = 0;
    let im = 0;
    for (let i = 0; i < windowSamples; i++) {
      const ph = (2 * Math.PI * k * i) / windowSamples;
      re += y[i]! * Math.cos(ph);
      im -= y[i]! * Math.sin(ph);
    }
    return (2 * Math.hypot(re, im)) / windowSamples;
  };
  const fundamental = bin(periods);
  let harmonicPower = 0;
  for (let k = 2; k * freq < FS / 2; k++) harmonicPower += bin(k * periods) ** 2;
  let sum = 0;
  let peak = 0;
  for (const v of y) {
    sum += v;
    peak = Math.max(peak, Math.abs(v));
  }
  return {
    gainDb: 20 * Math.log10(fundamental / amp),
    thd: Math.sqrt(harmonicPower) / fundamental,
    harmonicDb: (k) => 20 * Math.log10(bin(k * periods) / fundamental),
    dc: sum / windowSamples,
    peak,
    finite,
  };
}

describe('reference forward pass (the oracle)', () => {
  it.each(['wavenet_lite', 'wavenet_gated'])('matches NeuralAmpModelerCore on %s', (name) => {
    const c = loadReferenceCase(name);
    const expected = readF32(join(c.dir, 'output_b64.f32'));
    const input = referenceInput();
    const model = referenceFromNamText(c.modelText);
    expect(model.receptiveField).toBe(c.manifest.prewarm_samples);
    for (let i = 0; i < c.manifest.prewarm_samples; i++) model.processSample(0); // the fixture's exact prewarm
    const n = 3000;
    let diff = 0;
    for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(model.processSample(input[i]!) - expected[i]!));
    const maxAbs = c.manifest.outputs['output_b64.f32']!.max_abs;
    expect(diff).toBeLessThan(1e-5 * maxAbs); // float32 core vs float64 oracle
  });
});

describe('default model file', () => {
  it('is exactly what scripts/make-default-model.ts generates', () => {
    const generated = generateDefaultModel();
    expect(generated === shippedText).toBe(true);
    expect(generateDefaultModel() === generated).toBe(true); // deterministic within a run too
  });

  it('is a 0.5.4 A1 WaveNet whose weights round-trip float32 exactly, with full metadata', () => {
    expect(shipped.version).toBe('0.5.4');
    expect(shipped.architecture).toBe('WaveNet');
    expect(shipped.sample_rate).toBe(48000);
    expect(shipped.config.head).toBeNull();
    for (const la of shipped.config.layers) {
      expect(la.activation).toBe('Tanh');
      expect(la.gated).toBe(false);
      expect(la.kernel_size).toBe(3);
    }
    expect(shipped.weights.length).toBe(a1WeightCount(shipped.config));
    // Every printed weight parses back to exactly the design's float32 value (round-off dust below
    // 1e-30 is written as 0, so no weight is a float32 subnormal).
    const design = designWeights().map((w) => (Math.abs(w) < 1e-30 ? 0 : Math.fround(w)));
    expect(shipped.weights.every((w: number) => w === 0 || Math.abs(w) >= 1.1754943508222875e-38)).toBe(true);
    const read = shipped.weights.map(Math.fround);
    expect(read.every((w, i) => w === design[i])).toBe(true);
    expect(shipped.weights.at(-1)).toBe(shipped.config.head_scale);
    const m = shipped.metadata;
    expect(m).toMatchObject({
      name: 'nam-rig Default Drive',
      modeled_by: 'nam-rig',
      gear_type: 'amp',
      gear_make: 'nam-rig',
      gear_model: 'Default Drive',
      tone_type: 'crunch',
      input_level_dbu: 12,
      training: { trained: false, constructed: true },
    });
    expect(typeof m.output_level_dbu).toBe('number');
    expect(m.date).toMatchObject({ year: expect.any(Number), month: expect.any(Number), day: expect.any(Number) });
    // Loudness of a crunch amp for a -18 dBFS RMS guitar: well above the input, below full scale.
    expect(m.loudness).toBeGreaterThan(-18);
    expect(m.loudness).toBeLessThan(-6);
  });

  it('has a fixed, modest size', () => {
    expect(shipped.weights.length).toBe(3993);
    expect(new ReferenceWaveNetA1(shipped.config, shipped.weights).receptiveField).toBe(6139);
  });
});

describe('default model sound (reference forward pass)', () => {
  const levels = [-40, -20, -6] as const;
  let cache: Record<(typeof levels)[number], ToneResult> | undefined;
  const at1k = (): Record<(typeof levels)[number], ToneResult> =>
    (cache ??= Object.fromEntries(levels.map((db) => [db, tone(1000, db)])) as Record<(typeof levels)[number], ToneResult>);

  it('distorts more as the input gets hotter: clean-ish at -40 dBFS, saturated at -6 dBFS', () => {
    const thd = levels.map((db) => at1k()[db].thd);
    expect(thd[0]).toBeLessThan(0.02);
    expect(thd[1]).toBeGreaterThan(0.05);
    expect(thd[2]).toBeGreaterThan(0.2);
    expect(thd[1]).toBeGreaterThan(2 * thd[0]!);
    expect(thd[2]).toBeGreaterThan(thd[1]!);
  });

  it('clips asymmetrically (even harmonics) yet has no DC at the output', () => {
    const r = at1k()[-20];
    expect(r.harmonicDb(2)).toBeGreaterThan(-40); // the preamp bias makes even harmonics…
    for (const db of levels) expect(Math.abs(at1k()[db].dc)).toBeLessThan(1e-6 * at1k()[db].peak + 1e-9); // …and the high-passes remove its DC
  });

  it('compresses: the 1 kHz gain is sensible at low level and falls as the level rises', () => {
    expect(at1k()[-40].gainDb).toBeGreaterThan(8);
    expect(at1k()[-40].gainDb).toBeLessThan(24);
    expect(at1k()[-20].gainDb).toBeLessThan(at1k()[-40].gainDb);
    expect(at1k()[-6].gainDb).toBeLessThan(at1k()[-20].gainDb - 6);
  });

  it('stays finite and bounded, even driven 12 dB over full scale', () => {
    const hot = tone(1000, 12);
    for (const r of [...Object.values(at1k()), hot]) {
      expect(r.finite).toBe(true);
      expect(r.peak).toBeLessThan(1.05 * DESIGN.outputScale); // the power stage limits the output
    }
    expect(hot.peak).toBeGreaterThan(0.8 * DESIGN.outputScale);
  });

  it('has an amp-like small-signal EQ: low cut, mid emphasis, high roll-off', () => {
    const g = (f: number): number => tone(f, -50).gainDb;
    const [g100, g300, g800, g3k, g10k] = [g(100), g(300), g(800), g(3000), g(10000)];
    expect(g100).toBeLessThan(g800 - 9); // low cut
    expect(g800).toBeGreaterThan(g300 + 2); // mid emphasis
    expect(g800).toBeGreaterThan(g3k + 2);
    expect(g10k).toBeLessThan(g800 - 12); // high roll-off
  });
});
