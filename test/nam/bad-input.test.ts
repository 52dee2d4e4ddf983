/**
 * Bad .nam input: every problem gives a NamError whose message names what is wrong and where,
 * quickly, without allocating huge buffers, and never a raw TypeError/RangeError.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNamModel, parseNam, NamError } from '../../src/dsp/nam/index.ts';
import { MODELS_DIR, REFERENCE_DIR } from '../helpers/fixtures.ts';

type Obj = Record<string, unknown> & { config: Record<string, unknown>; weights: number[] };

function load(path: string): Obj {
  return JSON.parse(readFileSync(path, 'utf8')) as Obj;
}
const standard = (): Obj => load(join(MODELS_DIR, 'deluxe.nam'));
const lstm = (): Obj => load(join(REFERENCE_DIR, 'lstm_1x16', 'model.nam'));
const convnet = (): Obj => load(join(REFERENCE_DIR, 'convnet_bn', 'model.nam'));
const linear = (): Obj => load(join(REFERENCE_DIR, 'linear_64', 'model.nam'));
const a2 = (): Obj => load(join(REFERENCE_DIR, 'core_wavenet_a2_max', 'model.nam'));

/** Runs `f`, expecting a NamError with this code whose message matches `message`; returns it. */
function expectNamError(f: () => unknown, code: string, message: RegExp): NamError {
  const t0 = performance.now();
  const heap0 = process.memoryUsage().heapUsed;
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  const ms = performance.now() - t0;
  expect(caught, 'expected an error').toBeInstanceOf(NamError);
  const e = caught as NamError;
  expect(e.code).toBe(code);
  expect(e.message).toMatch(message);
  expect(ms, 'must fail fast').toBeLessThan(2000);
  expect(process.memoryUsage().heapUsed - heap0, 'must not allocate big buffers').toBeLessThan(200 * 2 ** 20);
  return e;
}

const build = (obj: unknown) => createNamModel(parseNam(obj), { maxBlockSize: 64 });

describe('bad .nam text', () => {
  it('truncated JSON', () => {
    const text = readFileSync(join(MODELS_DIR, 'deluxe.nam'), 'utf8');
    expectNamError(() => parseNam(text.slice(0, text.length / 2)), 'invalid-json', /JSON is invalid or truncated/);
  });
  it('garbage and empty input', () => {
    expectNamError(() => parseNam('\u0000\u0001garbage{{'), 'invalid-json', /not a \.nam file/);
    expectNamError(() => parseNam(''), 'invalid-json', /empty/);
    expectNamError(() => parseNam('[1,2,3]'), 'invalid-json', /expected a JSON object/);
    expectNamError(() => parseNam('null'), 'invalid-json', /expected a JSON object/);
  });
  it('the old 0.4 folder format and unknown versions', () => {
    expectNamError(() => parseNam({ ...standard(), version: '0.4.0' }), 'unsupported-version', /old 0\.4 folder format/);
    expectNamError(() => parseNam({ ...standard(), version: '0.9.1' }), 'unsupported-version', /newer than this engine supports/);
    expectNamError(() => parseNam({ ...standard(), version: 5 }), 'unsupported-version', /^version: expected a version string/);
  });
  it('missing fields', () => {
    const { weights: _w, ...noWeights } = standard();
    expectNamError(() => parseNam(noWeights), 'invalid-config', /^weights: is missing/);
    expectNamError(() => parseNam({ ...standard(), config: 3 }), 'invalid-config', /^config: expected an object/);
  });
});

describe('wrong weight counts', () => {
  it('WaveNet: one short and one extra, naming both numbers', () => {
    const s = standard();
    const short = { ...s, weights: s.weights.slice(0, -1) };
    const e = expectNamError(() => build(short), 'weight-count', /^weights: this config needs 13802 values, the file has 13801$/);
    expect(e.path).toBe('weights');
    expectNamError(() => build({ ...s, weights: [...s.weights, 0.5] }), 'weight-count', /needs 13802 values, the file has 13803/);
  });
  it('A2 WaveNet, LSTM, ConvNet and Linear', () => {
    for (const m of [a2(), lstm(), convnet(), linear()]) {
      const n = m.weights.length;
      expectNamError(() => build({ ...m, weights: m.weights.slice(0, -3) }), 'weight-count', new RegExp(`needs ${n} values, the file has ${n - 3}`));
    }
  });
});

describe('non-finite weights', () => {
  it('NaN, Infinity, null, strings and float32 overflow name the index', () => {
    const s = standard();
    for (const [bad, why] of [
      [Number.NaN, /NaN is not a finite number/],
      [Number.POSITIVE_INFINITY, /Infinity is not a finite number/],
      [null, /expected a number, got null/],
      ['0.5', /expected a number, got string/],
      [1e39, /1e\+39 overflows float32/],
    ] as const) {
      const w = [...s.weights];
      w[1234] = bad as number;
      expectNamError(() => parseNam({ ...s, weights: w }), 'invalid-weights', new RegExp(`^weights\\[1234\\]: ${why.source}`));
    }
  });
});

describe('subnormal weights', () => {
  it('are stored as 0 (they change nothing audible and would slow the kernels)', () => {
    const s = standard();
    const w = [...s.weights];
    w[10] = 1.4e-42;
    w[11] = -3e-39;
    w[12] = 2e-38;
    const f = parseNam({ ...s, weights: w });
    expect(f.weights[10]).toBe(0);
    expect(f.weights[11]).toBe(0);
    expect(f.weights[12]).toBe(Math.fround(2e-38));
  });
});

describe('unknown names', () => {
  it('unknown architecture', () => {
    expectNamError(() => build({ ...standard(), architecture: 'Transformer' }), 'unsupported-architecture', /^architecture: unknown architecture "Transformer" \(known: WaveNet, LSTM/);
  });
  it('unknown activation, with its path', () => {
    const s = standard();
    const layers = s.config['layers'] as Record<string, unknown>[];
    layers[1] = { ...layers[1], activation: 'Mish' };
    expectNamError(() => build(s), 'unsupported-activation', /^config\.layers\[1\]\.activation: unknown activation "Mish"/);
  });
  it('unknown gating mode', () => {
    const s = standard();
    const layers = s.config['layers'] as Record<string, unknown>[];
    layers[0] = { ...layers[0], gating_mode: 'sometimes' };
    expectNamError(() => build(s), 'invalid-config', /^config\.layers\[0\]\.gating_mode: unknown gating mode "sometimes"/);
  });
});

describe('absurd and negative sizes', () => {
  const withLayer = (patch: Record<string, unknown>): Obj => {
    const s = standard();
    const layers = s.config['layers'] as Record<string, unknown>[];
    layers[0] = { ...layers[0], ...patch };
    return s;
  };
  it('1e9 channels is refused before allocating', () => {
    expectNamError(() => build(withLayer({ channels: 1e9 })), 'too-large', /^config\.layers\[0\]\.channels: 1000000000 is larger than the limit 65536/);
  });
  it('negative, zero and fractional sizes', () => {
    expectNamError(() => build(withLayer({ channels: -16 })), 'invalid-config', /^config\.layers\[0\]\.channels: must be at least 1, got -16/);
    expectNamError(() => build(withLayer({ kernel_size: 0 })), 'invalid-config', /kernel_size: must be at least 1, got 0/);
    expectNamError(() => build(withLayer({ channels: 2.5 })), 'invalid-config', /channels: expected an integer, got 2\.5/);
    expectNamError(() => build(withLayer({ dilations: [1, 2, -4] })), 'invalid-config', /^config\.layers\[0\]\.dilations\[2\]: must be at least 1, got -4/);
  });
  it('a history of billions of samples is refused by the memory budget', () => {
    // Kernel 65536 at dilation 65536: 4.3e9 samples of history, with a weight count that matches.
    const layer = { input_size: 1, condition_size: 1, head_size: 1, channels: 1, kernel_size: 65536, dilations: [65536], activation: 'Tanh', gated: false, head_bias: false };
    const weights = new Array<number>(1 + 65537 + 1 + 2 + 1 + 1).fill(0.01);
    const m = { version: '0.5.4', architecture: 'WaveNet', config: { layers: [layer], head_scale: 1 }, weights };
    expectNamError(() => build(m), 'too-large', /^config: this config needs about \d+ MiB of buffers, more than the 256 MiB limit/);
  });
  it('a config that matches its weights but needs gigabytes of buffers is refused', () => {
    const model = { version: '0.5.4', architecture: 'Linear', config: { receptive_field: 16, bias: false }, weights: new Array(16).fill(0.1) };
    expect(() => build(model)).not.toThrow();
    const wide = {
      version: '0.5.4',
      architecture: 'WaveNet',
      config: {
        layers: [{ input_size: 1, condition_size: 1, head_size: 1, channels: 1, kernel_size: 2, dilations: [60000], activation: 'Tanh', gated: false, head_bias: false }],
        head_scale: 1,
      },
      weights: [1, 0.5, 0.5, 0.1, 0.2, 0.3, 0.1, 1, 1],
    };
    // 60000 samples of history is fine …
    expect(() => build(wide)).not.toThrow();
    // … but a block size that makes the buffers explode is an option error, not a crash.
    expectNamError(() => createNamModel(parseNam(wide), { maxBlockSize: 1e9 }), 'invalid-option', /^maxBlockSize: must be an integer from 1 to 65536/);
  });
  it('bad sample_rate', () => {
    expectNamError(() => parseNam({ ...standard(), sample_rate: -48000 }), 'invalid-config', /^sample_rate: expected a sample rate/);
    expectNamError(() => parseNam({ ...standard(), sample_rate: 'fast' }), 'invalid-config', /^sample_rate:/);
  });
  it('bad options', () => {
    expectNamError(() => createNamModel(parseNam(standard()), { maxBlockSize: 0 }), 'invalid-option', /maxBlockSize/);
    expectNamError(() => createNamModel(parseNam(standard()), { maxBlockSize: 64, slim: 2 }), 'invalid-option', /^slim: must be between 0 and 1/);
  });
  it('LSTM hidden_size 1e9 and absurd ConvNet dilations', () => {
    const l = lstm();
    expectNamError(() => build({ ...l, config: { ...l.config, hidden_size: 1e9 } }), 'too-large', /hidden_size/);
    const c = convnet();
    expectNamError(() => build({ ...c, config: { ...c.config, dilations: [1, -2] } }), 'invalid-config', /dilations\[1\]/);
  });
  it('deeply nested condition_dsp is refused', () => {
    let m: Record<string, unknown> = linear();
    for (let i = 0; i < 12; i++) {
      const s = standard();
      m = { ...s, config: { ...s.config, condition_dsp: m } };
    }
    expectNamError(() => build(m), 'too-large', /nested more than 8 deep/);
  });
});

describe('metadata', () => {
  it('missing sample_rate means 48 kHz; wrong-typed metadata is dropped with a warning', () => {
    const s = standard();
    delete s['sample_rate'];
    s['metadata'] = { name: 'x', loudness: 'loud', gear_type: 'amp', input_level_dbu: 12 };
    const f = parseNam(s);
    expect(f.sampleRate).toBe(48000);
    expect(f.sampleRateGiven).toBe(false);
    expect(f.metadata.name).toBe('x');
    expect(f.metadata.loudness).toBeUndefined();
    expect(f.metadata.input_level_dbu).toBe(12);
    expect(f.warnings).toContain('metadata.loudness: expected a finite number; ignored');
  });
});
