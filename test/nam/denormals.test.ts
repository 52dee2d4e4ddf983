/**
 * Denormals never reach the SIMD path: WebAssembly cannot flush them to zero, and x86 slows down
 * badly on them. After a tone that decays through the float range and then silence, no buffer of
 * the model (its whole WebAssembly memory: histories, scratch, state) holds a subnormal float.
 * (A deterministic check; the timing side is in `npm run bench`.)
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNamModel, parseNam } from '../../src/dsp/nam/index.ts';
import { DEFAULT_MODEL_PATH } from '../../src/cli/default-model.ts';
import { MODELS_DIR, REFERENCE_DIR } from '../helpers/fixtures.ts';

const MIN_NORMAL = 1.1754943508222875e-38;

/** Counts subnormal floats in every WebAssembly.Memory reachable from the model's buffers. */
function subnormalsIn(memory: ArrayBuffer): number {
  const f = new Float32Array(memory);
  let count = 0;
  for (let i = 0; i < f.length; i++) {
    const v = f[i]!;
    if (v !== 0 && v > -MIN_NORMAL && v < MIN_NORMAL) count++;
  }
  return count;
}

/** A 440 Hz tone decaying by 120 dB per second for 6 s (down past 1e-38), then 2 s of silence. */
function decayThenSilence(rate: number): Float32Array {
  const x = new Float32Array(8 * rate);
  const k = Math.pow(10, -120 / 20 / rate);
  let a = 0.8;
  for (let i = 0; i < 6 * rate; i++) {
    x[i] = Math.fround(a * Math.sin((2 * Math.PI * 440 * i) / rate));
    a *= k;
  }
  return x;
}

const models = [
  ['default model', DEFAULT_MODEL_PATH],
  ['standard WaveNet', join(MODELS_DIR, 'deluxe.nam')],
  ['A2 container', join(REFERENCE_DIR, 'core_A2', 'model.nam')],
  ['LSTM', join(REFERENCE_DIR, 'lstm_1x16', 'model.nam')],
] as const;

describe('no subnormal floats in the SIMD path after a decay into silence', () => {
  for (const [name, path] of models) {
    it(name, () => {
      // Capture the model's memory: the SIMD compute allocates every buffer from one WebAssembly.Memory.
      const memories: WebAssembly.Memory[] = [];
      const Original = WebAssembly.Memory;
      const Spy = function (this: unknown, d: WebAssembly.MemoryDescriptor) {
        const m = new Original(d);
        memories.push(m);
        return m;
      } as unknown as typeof WebAssembly.Memory;
      WebAssembly.Memory = Spy;
      let model;
      try {
        model = createNamModel(parseNam(readFileSync(path, 'utf8')), { maxBlockSize: 128, kernels: 'simd' });
      } finally {
        WebAssembly.Memory = Original;
      }
      expect(model.kernels).toBe('simd');
      expect(memories.length).toBe(1);
      const x = decayThenSilence(model.sampleRate);
      const y = new Float32Array(x.length);
      model.process(x, y);
      expect(y.every(Number.isFinite)).toBe(true);
      expect(subnormalsIn(memories[0]!.buffer)).toBe(0);
      expect(y.some((v) => v !== 0 && Math.abs(v) < MIN_NORMAL)).toBe(false);
    });
  }
});
