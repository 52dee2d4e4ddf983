/**
 * ConvNet against NeuralAmpModelerCore's reference outputs, against a naive whole-signal oracle
 * written here (reading the flat weights by the PyTorch index formula, batchnorm by its textbook
 * formula), and against bad configs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildConvNet } from '../../src/dsp/nam/convnet.ts';
import { fastTanh } from '../../src/dsp/nam/activations.ts';
import type { BuildOptions, NamDsp } from '../../src/dsp/nam/dsp.ts';
import {
  loadReferenceCase,
  maxAbsDiff,
} from '../helpers/fixtures.ts';
import { buildWith, expectNamError, itMatchesReferenceOutputs, replay } from '../helpers/replay.ts';
import { mulberry32 as rng } from '../../src/dsp/synth/prng.ts';

const BLOCKS: (number | 'random')[] = [1, 64, 4096, 'random'];

const build = (config: unknown, weights: unknown, options: Partial<BuildOptions> = {}): NamDsp => buildWith(buildConvNet, config, weights, options);

const measured: string[] = [];
afterAll(() => console.log(`ConvNet max diffs vs NeuralAmpModelerCore:\n  ${measured.join('\n  ')}`));

describe('ConvNet reference case convnet_bn', () => {
  const c = loadReferenceCase('convnet_bn');
  const model = JSON.parse(c.modelText) as { config: unknown; weights: unknown; sample_rate?: number };
  const sampleRate = model.sample_rate ?? 48000;

  it('has the manifest prewarm_samples (1 + Σ dilations)', () => {
    expect(build(model.config, model.weights, { sampleRate }).prewarmSamples).toBe(c.manifest.prewarm_samples);
    expect(c.manifest.prewarm_samples).toBe(512);
  });

  itMatchesReferenceOutputs(c, build, BLOCKS, measured);
});

interface NaiveConfig {
  channels: number;
  dilations: number[];
  batchnorm: boolean;
}

/**
 * Whole-signal oracle in double: every layer computed for all t before the next, taps read by
 * PyTorch's flat index ((o·in + j)·2 + k), tap k = 0 at t − d and k = 1 at t, zeros before t = 0;
 * batchnorm as (z − mean)/sqrt(var + eps)·weight + bias.
 */
function naiveConvNet(cfg: NaiveConfig, w: Float32Array, x: Float32Array, act: (v: number) => number): Float64Array {
  const T = x.length;
  const C = cfg.channels;
  let idx = 0;
  let cur: Float64Array[] = [Float64Array.from(x)];
  for (const d of cfg.dilations) {
    const inC = cur.length;
    const convAt = idx;
    idx += C * inC * 2;
    let biasAt = -1;
    let bnAt = -1;
    if (cfg.batchnorm) {
      bnAt = idx;
      idx += 4 * C + 1;
    } else {
      biasAt = idx;
      idx += C;
    }
    const next: Float64Array[] = [];
    for (let o = 0; o < C; o++) {
      const y = new Float64Array(T);
      for (let t = 0; t < T; t++) {
        let z = 0;
        for (let j = 0; j < inC; j++) {
          const past = t - d >= 0 ? cur[j]![t - d]! : 0;
          z += w[convAt + (o * inC + j) * 2]! * past + w[convAt + (o * inC + j) * 2 + 1]! * cur[j]![t]!;
        }
        if (biasAt >= 0) z += w[biasAt + o]!;
        if (bnAt >= 0) {
          const mean = w[bnAt + o]!;
          const variance = w[bnAt + C + o]!;
          const gamma = w[bnAt + 2 * C + o]!;
          const beta = w[bnAt + 3 * C + o]!;
          const eps = w[bnAt + 4 * C]!;
          z = ((z - mean) / Math.sqrt(variance + eps)) * gamma + beta;
        }
        y[t] = act(z);
      }
      next.push(y);
    }
    cur = next;
  }
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let s = w[idx + C]!;
    for (let ch = 0; ch < C; ch++) s += w[idx + ch]! * cur[ch]![t]!;
    out[t] = s;
  }
  expect(idx + C + 1).toBe(w.length);
  return out;
}

function randomConvNetWeights(cfg: NaiveConfig, seed: number): number[] {
  const r = rng(seed);
  const C = cfg.channels;
  const out: number[] = [];
  cfg.dilations.forEach((_, b) => {
    const inC = b === 0 ? 1 : C;
    for (let i = 0; i < C * inC * 2; i++) out.push((r() * 2 - 1) / Math.sqrt(inC));
    if (cfg.batchnorm) {
      for (let i = 0; i < C; i++) out.push(r() * 0.4 - 0.2); // running_mean
      for (let i = 0; i < C; i++) out.push(0.3 + r()); // running_var
      for (let i = 0; i < C; i++) out.push(0.5 + r()); // weight
      for (let i = 0; i < C; i++) out.push(r() * 0.2 - 0.1); // bias
      out.push(1e-5); // eps
    } else {
      for (let i = 0; i < C; i++) out.push(r() * 0.2 - 0.1);
    }
  });
  for (let i = 0; i < C + 1; i++) out.push((r() * 2 - 1) / Math.sqrt(C));
  return out.map(Math.fround);
}

describe('ConvNet against a naive oracle', () => {
  const cases: [string, NaiveConfig, string, boolean, (v: number) => number][] = [
    ['batchnorm, Tanh', { channels: 4, dilations: [1, 2, 4, 8, 16], batchnorm: true }, 'Tanh', false, Math.tanh],
    ['batchnorm, fast Tanh', { channels: 3, dilations: [1, 3, 9], batchnorm: true }, 'Tanh', true, fastTanh],
    ['bias, ReLU', { channels: 5, dilations: [2, 1, 7, 32], batchnorm: false }, 'ReLU', false, (v) => Math.max(0, v)],
    ['bias, Hardtanh, one channel', { channels: 1, dilations: [5], batchnorm: false }, 'Hardtanh', false, (v) => Math.min(1, Math.max(-1, v))],
  ];
  it.each(cases)('%s, at any chunking', (_label, cfg, activation, fast, act) => {
    const weights = randomConvNetWeights(cfg, cfg.channels * 31 + cfg.dilations.length);
    const r = rng(77);
    const x = Float32Array.from({ length: 3000 }, () => r() * 2 - 1);
    const expected = naiveConvNet(cfg, Float32Array.from(weights), x, act);
    for (const block of [1, 5, 64, 'random'] as const) {
      const dsp = build({ ...cfg, activation }, weights, { maxBlockSize: block === 'random' ? 100 : block, fastTanh: fast });
      expect(dsp.prewarmSamples).toBe(1 + cfg.dilations.reduce((a, d) => a + d, 0));
      const { diff, at } = maxAbsDiff(replay(dsp, x, 0, block, 3), expected);
      expect(diff, `block ${block}, at ${at}`).toBeLessThan(1e-5);
    }
  });

  it('reset() returns to the just-built state, and in-place processing is safe', () => {
    const cfg = { channels: 4, dilations: [1, 2, 4, 8], batchnorm: true };
    const weights = randomConvNetWeights(cfg, 5);
    const r = rng(8);
    const x = Float32Array.from({ length: 1000 }, () => r() * 2 - 1);
    const dsp = build({ ...cfg, activation: 'Tanh' }, weights, { maxBlockSize: 100 });
    const first = replay(dsp, x, 0, 100);
    dsp.reset();
    expect(replay(dsp, x, 0, 100)).toEqual(first);
    dsp.reset();
    const buf = new Float32Array(100);
    const inPlace = new Float32Array(x.length);
    for (let done = 0; done < x.length; done += 100) {
      buf.set(x.subarray(done, done + 100));
      dsp.process([buf], [buf], 100);
      inPlace.set(buf, done);
    }
    expect(inPlace).toEqual(first);
    dsp.process([buf], [buf], 0);
  });
});

describe('ConvNet bad configs', () => {
  const good = { channels: 2, dilations: [1, 2], batchnorm: false, activation: 'Tanh' };
  // block 0: 2·1·2 + 2, block 1: 2·2·2 + 2, head 2 + 1
  const goodCount = 6 + 10 + 3;

  it('builds the good config (sanity)', () => {
    expect(build(good, new Array(goodCount).fill(0.1)).prewarmSamples).toBe(4);
  });

  it('names both counts on a wrong weight count', () => {
    expectNamError(() => build(good, new Array(goodCount + 1).fill(0)), 'weight-count', `needs ${goodCount}`, `has ${goodCount + 1}`);
    expectNamError(() => build({ ...good, batchnorm: true }, new Array(goodCount).fill(0)), 'weight-count', `needs ${4 + 9 + 8 + 9 + 3}`, `has ${goodCount}`);
  });

  it('refuses absurd sizes quickly without allocating', () => {
    const t0 = performance.now();
    expectNamError(() => build({ ...good, channels: 1e9 }, [0]), 'too-large', 'config.channels');
    expectNamError(() => build({ ...good, dilations: [1, 1e9] }, [0]), 'too-large', 'config.dilations[1]');
    // In range per field, but the weights say otherwise: weight-count before any allocation.
    expectNamError(() => build({ ...good, channels: 65536, dilations: new Array(1000).fill(65536) }, [0]), 'weight-count', 'has 1');
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it('refuses negative, zero, NaN and mistyped fields, naming the path', () => {
    expectNamError(() => build({ ...good, channels: -8 }, [0]), 'invalid-config', 'config.channels');
    expectNamError(() => build({ ...good, channels: NaN }, [0]), 'invalid-config', 'config.channels');
    expectNamError(() => build({ ...good, dilations: [1, -2] }, [0]), 'invalid-config', 'config.dilations[1]');
    expectNamError(() => build({ ...good, dilations: [1, NaN] }, [0]), 'invalid-config', 'config.dilations[1]');
    expectNamError(() => build({ ...good, dilations: [0] }, [0]), 'invalid-config', 'config.dilations[0]');
    expectNamError(() => build({ ...good, dilations: [] }, [0]), 'invalid-config', 'config.dilations');
    expectNamError(() => build({ ...good, dilations: 4 }, [0]), 'invalid-config', 'config.dilations');
    expectNamError(() => build({ ...good, batchnorm: undefined }, [0]), 'invalid-config', 'config.batchnorm');
    expectNamError(() => build({ ...good, groups: 2 }, [0]), 'invalid-config', 'config.groups');
    expectNamError(() => build({ ...good, groups: 3 }, [0]), 'invalid-config', 'config.groups');
    expectNamError(() => build({ ...good, in_channels: 2 }, [0]), 'unsupported-feature', 'config.in_channels');
    expectNamError(() => build({ ...good, activation: 'Wobble' }, [0]), 'unsupported-activation', 'config.activation');
    expectNamError(() => build({ ...good, activation: undefined }, [0]), 'invalid-config', 'config.activation');
  });

  it('refuses batchnorm statistics that give a non-finite scale', () => {
    const cfg = { channels: 1, dilations: [1], batchnorm: true, activation: 'Tanh' };
    // conv 2, mean, var = -1, weight, bias, eps = 0, head 2
    expectNamError(() => build(cfg, [1, 1, 0, -1, 1, 0, 0, 1, 0]), 'invalid-weights', 'weights[3]');
  });
});
