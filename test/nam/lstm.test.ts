/**
 * LSTM against NeuralAmpModelerCore's reference outputs, against the python-nam oracle pairs,
 * against a naive double-precision oracle written here, and against bad configs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLstm, lstmPrewarmSamples } from '../../src/dsp/nam/lstm.ts';
import { fastSigmoid, fastTanh } from '../../src/dsp/nam/activations.ts';
import type { BuildOptions, NamDsp } from '../../src/dsp/nam/dsp.ts';
import {
  PYTHON_NAM_DIR,
  loadReferenceCase,
  maxAbsDiff,
  readJsonArray,
  referenceInput,
} from '../helpers/fixtures.ts';
import { buildWith, expectNamError, itMatchesReferenceOutputs, replay } from '../helpers/replay.ts';
import { mulberry32 as rng } from '../../src/dsp/synth/prng.ts';

const CASES = ['lstm_1x16', 'lstm_2x16', 'core_lstm'];
const BLOCKS: (number | 'random')[] = [1, 64, 4096, 'random'];

const build = (config: unknown, weights: unknown, options: Partial<BuildOptions> = {}): NamDsp => buildWith(buildLstm, config, weights, options);

const measured: string[] = [];
afterAll(() => console.log(`LSTM max diffs:\n  ${measured.join('\n  ')}`));

describe.each(CASES)('LSTM reference case %s', (name) => {
  const c = loadReferenceCase(name);
  const model = JSON.parse(c.modelText) as { config: unknown; weights: unknown; sample_rate?: number };
  const sampleRate = model.sample_rate ?? 48000;

  it('has the manifest prewarm_samples (0.5 s)', () => {
    expect(build(model.config, model.weights, { sampleRate }).prewarmSamples).toBe(c.manifest.prewarm_samples);
  });

  itMatchesReferenceOutputs(c, build, BLOCKS, measured);

  it('reset() restores the exported h0/c0: prewarm + input again gives the same output', () => {
    const dsp = build(model.config, model.weights, { maxBlockSize: 256, sampleRate });
    const x = referenceInput().subarray(0, 20000);
    const first = replay(dsp, x, dsp.prewarmSamples, 256);
    dsp.reset();
    expect(replay(dsp, x, dsp.prewarmSamples, 256)).toEqual(first);
  });
});

describe.each([
  ['reference_lstm.nam', 'input_lstm.json', 'expected_output_lstm.json'],
  ['reference_lstm_standard.nam', 'input_lstm_standard.json', 'expected_output_lstm_standard.json'],
])('LSTM python-nam oracle %s', (modelFile, inputFile, expectedFile) => {
  const model = JSON.parse(readFileSync(join(PYTHON_NAM_DIR, modelFile), 'utf8')) as { config: unknown; weights: unknown };
  const input = readJsonArray(join(PYTHON_NAM_DIR, inputFile));
  const expected = readJsonArray(join(PYTHON_NAM_DIR, expectedFile));

  it.each([1, 64, 'random'] as const)('matches in full from the exported state, no prewarm, block %s', (block) => {
    const dsp = build(model.config, model.weights, { maxBlockSize: block === 'random' ? 300 : block });
    const out = replay(dsp, input, 0, block, 5);
    expect(out.length).toBe(expected.length);
    const { diff, at } = maxAbsDiff(out, expected);
    measured.push(`python-nam ${modelFile} block ${block}: ${diff.toExponential(2)} (tol 1e-5)`);
    expect(diff, `max diff at sample ${at}`).toBeLessThanOrEqual(1e-5);
  });
});

interface NaiveLstm {
  hidden: number;
  layers: number;
}

/**
 * Direct per-sample formula in double, reading the flat weights by index:
 * W_l[(gate·H + k)·(I_l + H) + col], col < I_l for x, then h; gates i, f, g, o.
 */
function naiveLstm(cfg: NaiveLstm, w: Float32Array, x: Float32Array, fast: boolean): Float64Array {
  const H = cfg.hidden;
  const sig = fast ? fastSigmoid : (v: number) => 1 / (1 + Math.exp(-v));
  const th = fast ? fastTanh : Math.tanh;
  const layers: { at: number; inSize: number; h: Float64Array; c: Float64Array }[] = [];
  let idx = 0;
  for (let l = 0; l < cfg.layers; l++) {
    const inSize = l === 0 ? 1 : H;
    const at = idx;
    idx += 4 * H * (inSize + H) + 4 * H;
    const h = Float64Array.from(w.subarray(idx, idx + H));
    const c = Float64Array.from(w.subarray(idx + H, idx + 2 * H));
    idx += 2 * H;
    layers.push({ at, inSize, h, c });
  }
  const head = idx;
  expect(head + H + 1).toBe(w.length);
  const y = new Float64Array(x.length);
  for (let t = 0; t < x.length; t++) {
    let input: ArrayLike<number> = [x[t]!];
    for (const L of layers) {
      const cols = L.inSize + H;
      const gate = (g: number, k: number) => {
        let s = w[L.at + 4 * H * cols + g * H + k]!; // bias
        for (let j = 0; j < L.inSize; j++) s += w[L.at + (g * H + k) * cols + j]! * input[j]!;
        for (let j = 0; j < H; j++) s += w[L.at + (g * H + k) * cols + L.inSize + j]! * L.h[j]!;
        return s;
      };
      const pre = [0, 1, 2, 3].map((g) => Array.from({ length: H }, (_, k) => gate(g, k)));
      for (let k = 0; k < H; k++) L.c[k] = sig(pre[1]![k]!) * L.c[k]! + sig(pre[0]![k]!) * th(pre[2]![k]!);
      for (let k = 0; k < H; k++) L.h[k] = sig(pre[3]![k]!) * th(L.c[k]!);
      input = L.h;
    }
    let s = w[head + H]!;
    for (let k = 0; k < H; k++) s += w[head + k]! * input[k]!;
    y[t] = s;
  }
  return y;
}

describe('LSTM against a naive oracle', () => {
  it.each([
    [{ hidden: 5, layers: 1 }, false],
    [{ hidden: 6, layers: 3 }, false],
    [{ hidden: 4, layers: 2 }, true],
  ] as const)('%o, fastTanh %s', (cfg, fast) => {
    const r = rng(cfg.hidden * 10 + cfg.layers);
    const H = cfg.hidden;
    let count = H + 1;
    for (let l = 0; l < cfg.layers; l++) count += 4 * H * ((l === 0 ? 1 : H) + H) + 6 * H;
    const weights = Array.from({ length: count }, () => Math.fround((r() * 2 - 1) * 0.8));
    const x = Float32Array.from({ length: 2000 }, () => r() * 2 - 1);
    const expected = naiveLstm(cfg, Float32Array.from(weights), x, fast);
    for (const block of [1, 64, 'random'] as const) {
      const dsp = build({ input_size: 1, hidden_size: H, num_layers: cfg.layers }, weights, {
        maxBlockSize: block === 'random' ? 100 : block,
        fastTanh: fast,
      });
      const { diff, at } = maxAbsDiff(replay(dsp, x, 0, block, 2), expected);
      expect(diff, `block ${block}, at ${at}`).toBeLessThan(1e-5);
    }
  });

  it('with no layers passes the input through, as the core does', () => {
    const dsp = build({ hidden_size: 2, num_layers: 0 }, [0.5, 0.5, 1]);
    const x = Float32Array.from([0.1, -0.2, 0.3]);
    expect(replay(dsp, x, 0, 64)).toEqual(x);
  });
});

describe('LSTM prewarm', () => {
  it('is (int)(0.5 · rate), and 1 when the rate is unknown', () => {
    expect(lstmPrewarmSamples(48000)).toBe(24000);
    expect(lstmPrewarmSamples(44100)).toBe(22050);
    expect(lstmPrewarmSamples(44101)).toBe(22050);
    expect(lstmPrewarmSamples(-1)).toBe(1);
    expect(lstmPrewarmSamples(NaN)).toBe(1);
  });
});

describe('LSTM bad configs', () => {
  const good = { input_size: 1, hidden_size: 2, num_layers: 1 };
  // 4·2·3 + 8 + 2 + 2 + 2 + 1
  const goodCount = 24 + 8 + 4 + 3;

  it('builds the good config (sanity)', () => {
    expect(build(good, new Array(goodCount).fill(0.1)).prewarmSamples).toBe(24000);
  });

  it('names both counts on a wrong weight count', () => {
    expectNamError(() => build(good, new Array(goodCount - 1).fill(0)), 'weight-count', `needs ${goodCount}`, `has ${goodCount - 1}`);
    expectNamError(() => build({ ...good, num_layers: 2 }, new Array(goodCount).fill(0)), 'weight-count', `needs ${goodCount + 32 + 8 + 4}`, `has ${goodCount}`);
  });

  it('refuses hidden_size 1e9 quickly, before allocating anything', () => {
    const t0 = performance.now();
    expectNamError(() => build({ ...good, hidden_size: 1e9 }, [0]), 'too-large', 'config.hidden_size');
    expectNamError(() => build({ ...good, num_layers: 1e9 }, [0]), 'too-large', 'config.num_layers');
    // In range per field, but not what the weights say: weight-count, still before allocating.
    expectNamError(() => build({ ...good, hidden_size: 4096, num_layers: 1024 }, [0]), 'weight-count', 'has 1');
    expect(performance.now() - t0).toBeLessThan(100);
  });

  it('refuses negative, NaN and mistyped fields, naming the path', () => {
    expectNamError(() => build({ ...good, hidden_size: -16 }, [0]), 'invalid-config', 'config.hidden_size');
    expectNamError(() => build({ ...good, hidden_size: 0 }, [0]), 'invalid-config', 'config.hidden_size');
    expectNamError(() => build({ ...good, num_layers: -1 }, [0]), 'invalid-config', 'config.num_layers');
    expectNamError(() => build({ ...good, hidden_size: NaN }, [0]), 'invalid-config', 'config.hidden_size');
    expectNamError(() => build({ ...good, num_layers: NaN }, [0]), 'invalid-config', 'config.num_layers');
    expectNamError(() => build({ ...good, input_size: NaN }, [0]), 'invalid-config', 'config.input_size');
    expectNamError(() => build({ ...good, hidden_size: 2.5 }, [0]), 'invalid-config', 'config.hidden_size');
    expectNamError(() => build({ ...good, hidden_size: '16' }, [0]), 'invalid-config', 'config.hidden_size');
    expectNamError(() => build({ input_size: 1, num_layers: 1 }, [0]), 'invalid-config', 'config.hidden_size', 'missing');
    expectNamError(() => build({ ...good, input_size: 2 }, [0]), 'unsupported-feature', 'config.input_size');
  });

  it('refuses a bad maxBlockSize and an oversized block', () => {
    expectNamError(() => build(good, new Array(goodCount).fill(0), { maxBlockSize: -1 }), 'invalid-option', 'maxBlockSize');
    const dsp = build(good, new Array(goodCount).fill(0), { maxBlockSize: 4 });
    const buf = new Float32Array(8);
    expectNamError(() => dsp.process([buf], [buf], 8), 'invalid-option', 'maxBlockSize');
  });
});
