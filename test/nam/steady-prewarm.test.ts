/**
 * One-step steady-state prewarm is bit-identical to feeding `prewarmSamples` zeros, on WaveNets of
 * every shape (A1, A2 with every feature, condition_dsp, post-stack and conv heads, containers).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNam } from '../../src/dsp/nam/index.ts';
import { buildDsp, createDefaultRegistry } from '../../src/dsp/nam/registry.ts';
import { MODELS_DIR, PYTHON_NAM_DIR, REFERENCE_DIR, referenceInput } from '../helpers/fixtures.ts';

const models = [
  join(MODELS_DIR, 'deluxe.nam'),
  join(REFERENCE_DIR, 'core_wavenet_a2_max', 'model.nam'),
  join(REFERENCE_DIR, 'core_wavenet_condition_dsp', 'model.nam'),
  join(REFERENCE_DIR, 'core_A2', 'model.nam'),
  join(REFERENCE_DIR, 'wavenet_gated', 'model.nam'),
  join(PYTHON_NAM_DIR, 'post_stack_head.nam'),
  join(PYTHON_NAM_DIR, 'conv_head.nam'),
  join(PYTHON_NAM_DIR, 'a2_blended.nam'),
];

describe('steady-state prewarm', () => {
  for (const path of models) {
    it(`${path.split('/').slice(-2).join('/')}: same output as prewarm by zeros`, () => {
      const file = parseNam(readFileSync(path, 'utf8'));
      const options = { maxBlockSize: 64, fastTanh: false, slim: 1, sampleRate: file.sampleRate };
      const registry = createDefaultRegistry();
      const a = buildDsp(file, options, registry);
      const b = buildDsp(file, options, registry);
      expect(a.prewarmSteadyState?.()).toBe(true);
      const zeros = [new Float32Array(64)];
      const sink = [new Float32Array(64)];
      for (let left = b.prewarmSamples; left > 0; left -= 64) b.process(zeros, sink, Math.min(64, left));
      const input = referenceInput().subarray(0, 8192);
      const ya = new Float32Array(64);
      const yb = new Float32Array(64);
      for (let s = 0; s < input.length; s += 64) {
        const x = [input.slice(s, s + 64)];
        a.process(x, [ya], 64);
        b.process(x, [yb], 64);
        for (let i = 0; i < 64; i++) if (ya[i] !== yb[i]) expect.fail(`differs at sample ${s + i}: ${ya[i]} vs ${yb[i]}`);
      }
      expect(ya.some((v) => v !== 0)).toBe(true);
    });
  }
});
