/**
 * The start-up warm-up of real-time hosts (`warmUpModels`, `RigAudio.warmUp`): its tiny models are
 * valid models of every architecture that prewarms by running samples, they produce sound, and
 * warming up changes nothing a host plays (output bit-identical with and without it).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNamModel, parseNam } from '../../src/dsp/nam/index.ts';
import { warmUpModels } from '../../src/dsp/nam/warm-up-models.ts';
import { loadElementaryModule } from '../../src/dsp/engine/elementary-runtime.ts';
import { RigController } from '../../src/dsp/engine/rig-controller.ts';
import { mulberry32 } from '../../src/dsp/synth/prng.ts';
import { MODELS_DIR } from '../helpers/fixtures.ts';

const BLOCK = 128;

describe('warm-up models', () => {
  it('are one LSTM, one ConvNet (with batch norm) and one Linear, each producing finite, non-silent output', () => {
    const files = warmUpModels();
    expect(files.map((f) => f.architecture)).toEqual(['LSTM', 'ConvNet', 'Linear']);
    for (const f of files) {
      const m = createNamModel(f, { maxBlockSize: BLOCK, kernels: 'js' });
      const x = Float32Array.from({ length: 4 * BLOCK }, (_, i) => 0.2 * Math.sin(i / 9));
      const y = new Float32Array(x.length);
      m.process(x, y);
      expect(y.every(Number.isFinite)).toBe(true);
      expect(Math.max(...y.map(Math.abs))).toBeGreaterThan(1e-4);
    }
  });

  it('warming up a running rig (RigAudio.warmUp) leaves what it plays bit-identical', () => {
    const module = loadElementaryModule();
    const file = parseNam(readFileSync(join(MODELS_DIR, 'ampeg.nam'), 'utf8'));
    const render = (warm: boolean): Float32Array => {
      const c = new RigController({ sampleRate: 48000, maxBlockSize: BLOCK, model: file, module, kernels: 'simd' });
      if (warm) c.audio.warmUp();
      const r = mulberry32(3);
      const x = Float32Array.from({ length: 40 * BLOCK }, () => 0.3 * (2 * r() - 1));
      const y = new Float32Array(x.length);
      for (let at = 0; at < x.length; at += BLOCK) c.engine.process(x.subarray(at, at + BLOCK), y.subarray(at, at + BLOCK), BLOCK);
      return y;
    };
    const plain = render(false);
    const warmed = render(true);
    expect(Math.max(...plain.map(Math.abs))).toBeGreaterThan(1e-3);
    expect(warmed).toEqual(plain);
  });
});
