/**
 * process() allocates nothing: over ≥ 10,000 blocks the heap stays flat and no GC runs,
 * for every architecture. Measured in a child process so the test runner's own work does not count.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { MODELS_DIR, REFERENCE_DIR } from '../helpers/fixtures.ts';

const root = resolve(__dirname, '../..');

function probe(model: string, block: number, blocks: number, fast: boolean, kernels: string): { gcs: number; heapGrowth: number; blocks: number; finite: boolean; kernels: string } {
  const out = execFileSync(process.execPath, ['--expose-gc', 'bin/run-ts.mjs', 'test/nam/alloc-probe.ts', model, String(block), String(blocks), fast ? 'fast' : 'exact', kernels], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const cases: [string, string, number, boolean?][] = [
  ['standard WaveNet (trained)', join(MODELS_DIR, 'deluxe.nam'), 16],
  ['standard WaveNet, fast tanh', join(MODELS_DIR, 'deluxe.nam'), 16, true],
  ['A2 WaveNet with every feature', join(REFERENCE_DIR, 'core_wavenet_a2_max', 'model.nam'), 32],
  ['condition_dsp WaveNet', join(REFERENCE_DIR, 'core_wavenet_condition_dsp', 'model.nam'), 32],
  ['slimmable container', join(REFERENCE_DIR, 'core_A2', 'model.nam'), 16],
  ['LSTM 2x16', join(REFERENCE_DIR, 'lstm_2x16', 'model.nam'), 32],
  ['ConvNet', join(REFERENCE_DIR, 'convnet_bn', 'model.nam'), 32],
  ['Linear', join(REFERENCE_DIR, 'linear_64', 'model.nam'), 64],
];

describe.each(['js', 'simd'])('process() allocates nothing (%s kernels)', (kernels) => {
  for (const [name, path, block, fast] of cases) {
    it(`${name}: 12,000 blocks of ${block}, no GC, flat heap`, () => {
      const r = probe(path, block, 12000, fast ?? false, kernels);
      expect(r.kernels).toBe(kernels);
      expect(r.blocks).toBe(12000);
      expect(r.finite).toBe(true);
      expect(r.gcs).toBe(0);
      // The smaller of two 6,000-block windows: under 32 KiB means under ≈ 5 bytes a block.
      expect(r.heapGrowth, JSON.stringify(r)).toBeLessThan(32 * 1024);
    });
  }
});
