/**
 * Linear (FIR) against NeuralAmpModelerCore's reference outputs, against a naive direct-form
 * oracle written here, and against bad configs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildLinear } from '../../src/dsp/nam/linear.ts';
import type { BuildOptions, NamDsp } from '../../src/dsp/nam/dsp.ts';
import {
  loadReferenceCase,
  maxAbsDiff,
} from '../helpers/fixtures.ts';
import { buildWith, expectNamError, itMatchesReferenceOutputs, replay } from '../helpers/replay.ts';
import { mulberry32 as rng } from '../../src/dsp/synth/prng.ts';

const CASES = ['linear_64', 'trainer_linear_1', 'trainer_linear_10'];
const BLOCKS: (number | 'random')[] = [1, 64, 4096, 'random'];

const build = (config: unknown, weights: unknown, options: Partial<BuildOptions> = {}): NamDsp => buildWith(buildLinear, config, weights, options);

const measured: string[] = [];
afterAll(() => console.log(`Linear max diffs vs NeuralAmpModelerCore:\n  ${measured.join('\n  ')}`));

describe.each(CASES)('Linear reference case %s', (name) => {
  const c = loadReferenceCase(name);
  const model = JSON.parse(c.modelText) as { config: unknown; weights: unknown; sample_rate?: number };
  const sampleRate = model.sample_rate ?? 48000;

  it('has the manifest prewarm_samples', () => {
    expect(build(model.config, model.weights, { sampleRate }).prewarmSamples).toBe(c.manifest.prewarm_samples);
  });

  itMatchesReferenceOutputs(c, build, BLOCKS, measured);
});

/** Naive direct form: y[t] = bias + Σ_k h[k]·x[t−k], zeros before t = 0, in double. */
function naiveLinear(h: Float32Array, bias: number, x: Float32Array): Float64Array {
  const y = new Float64Array(x.length);
  for (let t = 0; t < x.length; t++) {
    let acc = bias;
    for (let k = 0; k < h.length && k <= t; k++) acc += h[k]! * x[t - k]!;
    y[t] = acc;
  }
  return y;
}

describe('Linear against a naive oracle', () => {
  it.each([
    [1, true],
    [37, true],
    [300, false],
  ])('receptive_field %i, bias %s, at any chunking', (rf, bias) => {
    const r = rng(rf);
    const weights = Array.from({ length: rf + (bias ? 1 : 0) }, () => Math.fround((r() * 2 - 1) / Math.sqrt(rf)));
    const x = Float32Array.from({ length: 5000 }, () => r() * 2 - 1);
    const w32 = Float32Array.from(weights);
    const expected = naiveLinear(w32.subarray(0, rf), bias ? w32[rf]! : 0, x);
    for (const block of [1, 7, 64, 'random'] as const) {
      const dsp = build({ receptive_field: rf, bias }, weights, { maxBlockSize: block === 'random' ? 200 : block });
      const { diff } = maxAbsDiff(replay(dsp, x, 0, block, rf + 1), expected);
      expect(diff).toBeLessThan(1e-5);
    }
  });

  it('reset() returns to the just-built state, and in-place processing is safe', () => {
    const r = rng(9);
    const weights = Array.from({ length: 65 }, () => r() - 0.5);
    const x = Float32Array.from({ length: 1000 }, () => r() * 2 - 1);
    const dsp = build({ receptive_field: 64, bias: true }, weights, { maxBlockSize: 128 });
    const first = replay(dsp, x, 0, 100);
    dsp.reset();
    expect(replay(dsp, x, 0, 100)).toEqual(first);
    dsp.reset();
    const buf = new Float32Array(128);
    const inPlace = new Float32Array(x.length);
    for (let done = 0; done < x.length; done += 100) {
      buf.set(x.subarray(done, done + 100));
      dsp.process([buf], [buf], 100);
      inPlace.set(buf.subarray(0, 100), done);
    }
    expect(inPlace).toEqual(first);
    dsp.process([buf], [buf], 0);
  });
});

describe('Linear bad configs', () => {
  it('names both counts on a wrong weight count', () => {
    expectNamError(() => build({ receptive_field: 10, bias: true }, new Array(10).fill(0)), 'weight-count', '11', '10');
    expectNamError(() => build({ receptive_field: 10, bias: false }, new Array(11).fill(0)), 'weight-count', 'needs 10', 'has 11');
  });

  it('refuses absurd, negative and NaN sizes quickly, naming the field', () => {
    const t0 = performance.now();
    expectNamError(() => build({ receptive_field: 1e9, bias: false }, [1]), 'too-large', 'config.receptive_field');
    expect(performance.now() - t0).toBeLessThan(100);
    expectNamError(() => build({ receptive_field: -4, bias: false }, [1]), 'invalid-config', 'config.receptive_field');
    expectNamError(() => build({ receptive_field: 0, bias: false }, []), 'invalid-config', 'config.receptive_field');
    expectNamError(() => build({ receptive_field: NaN, bias: false }, [1]), 'invalid-config', 'config.receptive_field');
    expectNamError(() => build({ receptive_field: 2.5, bias: false }, [1]), 'invalid-config', 'config.receptive_field');
    expectNamError(() => build({ receptive_field: '4', bias: false }, [1]), 'invalid-config', 'config.receptive_field');
    expectNamError(() => build({ receptive_field: 1 }, [1]), 'invalid-config', 'config.bias');
    expectNamError(() => build({ receptive_field: 1, bias: 1 }, [1]), 'invalid-config', 'config.bias');
    expectNamError(() => build({ receptive_field: 1, bias: false, out_channels: 2 }, [1]), 'unsupported-feature', 'config.out_channels');
  });

  it('refuses a bad maxBlockSize', () => {
    expectNamError(() => build({ receptive_field: 1, bias: false }, [1], { maxBlockSize: 0 }), 'invalid-option', 'maxBlockSize');
    expectNamError(() => build({ receptive_field: 1, bias: false }, [1], { maxBlockSize: NaN }), 'invalid-option', 'maxBlockSize');
  });
});
