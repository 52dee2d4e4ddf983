/**
 * The second, independent oracle: ../shared/fixtures/python-nam pairs, whose expected outputs come
 * from the Python NAM trainer. WaveNets start from zeroed histories (no prewarm) and are compared
 * after their receptive field; LSTMs start from their exported state and are compared in full.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNamModel, parseNam, type KernelChoice } from '../../src/dsp/nam/index.ts';
import { PYTHON_NAM_DIR, maxAbsDiff, readJsonArray } from '../helpers/fixtures.ts';

interface Pair {
  model: string;
  input: string;
  expected: string;
  slim?: number;
  /** Recurrent model: starts from its exported state, compared in full. */
  recurrent?: boolean;
}

const pairs: Pair[] = [
  { model: 'reference.nam', input: 'input.json', expected: 'expected_output.json' },
  { model: 'reference_standard.nam', input: 'input_standard.json', expected: 'expected_output_standard.json' },
  { model: 'reference_lstm.nam', input: 'input_lstm.json', expected: 'expected_output_lstm.json', recurrent: true },
  { model: 'reference_lstm_standard.nam', input: 'input_lstm_standard.json', expected: 'expected_output_lstm_standard.json', recurrent: true },
  { model: 'leaky_wavenet.nam', input: 'input_leaky.json', expected: 'expected_output_leaky.json' },
  ...['grouped', 'film', 'gated', 'blended', 'head1x1', 'bottleneck'].map((f) => ({ model: `a2_${f}.nam`, input: `input_a2_${f}.json`, expected: `expected_a2_${f}.json` })),
  { model: 'condition_dsp_mono.nam', input: 'input_condition_dsp.json', expected: 'expected_condition_dsp.json' },
  { model: 'wavenet_condition_dsp.nam', input: 'input_condition_dsp_multi.json', expected: 'expected_condition_dsp_multi.json' },
  { model: 'post_stack_head.nam', input: 'input_post_stack_head.json', expected: 'expected_post_stack_head.json' },
  { model: 'conv_head.nam', input: 'input_conv_head.json', expected: 'expected_conv_head.json' },
  // The container's submodels: max_values 0.33, 0.66, 1.0 → slim 0.1, 0.5, 1.0 pick submodels 0 (LSTM), 1, 2.
  { model: 'slimmable_container.nam', input: 'input_slim.json', expected: 'expected_slim_0.json', slim: 0.1, recurrent: true },
  { model: 'slimmable_container.nam', input: 'input_slim.json', expected: 'expected_slim_1.json', slim: 0.5 },
  { model: 'slimmable_container.nam', input: 'input_slim.json', expected: 'expected_slim_2.json', slim: 1.0 },
];

const kernelPaths: KernelChoice[] = ['js', 'simd'];

describe.each(kernelPaths)('python-nam oracle pairs (%s kernels)', (kernels) => {
  for (const p of pairs) {
    it(`${p.model}${p.slim !== undefined ? ` at slim ${p.slim}` : ''} matches ${p.expected}`, () => {
      const text = readFileSync(join(PYTHON_NAM_DIR, p.model), 'utf8');
      const input = readJsonArray(join(PYTHON_NAM_DIR, p.input));
      const expected = readJsonArray(join(PYTHON_NAM_DIR, p.expected));
      expect(expected.length).toBe(input.length);
      const model = createNamModel(parseNam(text), { maxBlockSize: 256, prewarm: false, slim: p.slim ?? 1, kernels });
      expect(model.kernels).toBe(kernels);
      const out = new Float32Array(input.length);
      model.process(input, out);
      const skip = p.recurrent ? 0 : model.receptiveField;
      expect(skip).toBeLessThan(input.length / 2);
      const { diff, at } = maxAbsDiff(out, expected, skip);
      expect(diff, `max diff ${diff} at ${at}, compared from sample ${skip}`).toBeLessThanOrEqual(1e-5);
    });
  }

  for (const model of ['slimmable_wavenet.nam', 'wavenet_a2_max.nam']) {
    it(`${model} loads and runs to finite output at several slim values`, () => {
      const text = readFileSync(join(PYTHON_NAM_DIR, model), 'utf8');
      for (const slim of [0, 0.5, 1]) {
        const m = createNamModel(parseNam(text), { maxBlockSize: 64, slim, kernels });
        const x = new Float32Array(4096).map((_, i) => 0.5 * Math.sin(i * 0.05));
        const y = new Float32Array(x.length);
        m.process(x, y);
        expect(y.every(Number.isFinite)).toBe(true);
        expect(y.some((v) => v !== 0)).toBe(true);
      }
    });
  }
});
