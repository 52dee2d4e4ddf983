/**
 * Keeps the benchmark's comparison honest: the nam-wasm adapter (bench/nam-wasm-runner.ts) must run
 * `@opendaw/nam-wasm` correctly in Node, i.e. reproduce the NeuralAmpModelerCore oracle for the trained
 * A1 standard WaveNet on the reference input (blocks of 64, as the oracle was made).
 *
 * Measured with nam-wasm 1.2.0: max |diff| vs output_b64_fasttanh.f32 ≈ 1.5e-5 (max_abs 0.727),
 * vs output_b64.f32 ≈ 6.6e-3, vs output_b64_noprewarm.f32 ≈ 0.158. So nam-wasm uses the core's fast tanh
 * and prewarms at load, and the benchmark pairs it with our engine's `fastTanh: true`.
 */
import { describe, expect, it } from 'vitest';
import { createNamWasmRunner } from '../../bench/nam-wasm-runner.ts';
import {
  loadReferenceCase,
  maxAbsDiff,
  readReferenceOutput,
  referenceInput,
  referenceTolerance,
  type ReferenceCase,
} from '../helpers/fixtures.ts';

const CASE = 'core_wavenet_a1_standard';

async function runNamWasm(c: ReferenceCase, block: number, input: Float32Array): Promise<Float32Array> {
  const runner = await createNamWasmRunner(c.modelText, block);
  try {
    const out = new Float32Array(input.length);
    for (let i = 0; i < input.length; i += block) {
      runner.process(input.subarray(i, i + block), out.subarray(i, i + block));
    }
    return out;
  } finally {
    runner.dispose();
  }
}

describe('nam-wasm runner (benchmark adapter)', () => {
  const c = loadReferenceCase(CASE);
  const input = referenceInput();
  const ref = (file: string): { out: Float32Array; tol: number } => {
    const meta = c.manifest.outputs[file];
    if (!meta) throw new Error(`${CASE}/manifest.json lists no ${file}`);
    return { out: readReferenceOutput(c, file), tol: referenceTolerance(meta.max_abs) };
  };

  it('agrees with one of the core outputs (exact prewarm, std::tanh or fast tanh) in blocks of 64', async () => {
    const out = await runNamWasm(c, 64, input);
    const diffs = ['output_b64.f32', 'output_b64_fasttanh.f32'].map((file) => {
      const { out: expected, tol } = ref(file);
      return { file, diff: maxAbsDiff(out, expected).diff, tol };
    });
    const matching = diffs.filter((d) => d.diff <= d.tol);
    expect(matching.map((d) => d.file), JSON.stringify(diffs)).toHaveLength(1);
  });

  it('uses fast tanh and prewarms at load, as the benchmark assumes', async () => {
    const out = await runNamWasm(c, 64, input);
    const fast = ref('output_b64_fasttanh.f32');
    expect(maxAbsDiff(out, fast.out).diff).toBeLessThanOrEqual(fast.tol);
    // Not the std::tanh output, and not the un-prewarmed one.
    const exact = ref('output_b64.f32');
    expect(maxAbsDiff(out, exact.out).diff).toBeGreaterThan(10 * exact.tol);
    const cold = ref('output_b64_noprewarm.f32');
    expect(maxAbsDiff(out, cold.out).diff).toBeGreaterThan(10 * cold.tol);
  });

  it('gives the same output at the benchmark block sizes, and after reset', async () => {
    const fast = ref('output_b64_fasttanh.f32');
    for (const block of [32, 128, 512]) {
      const out = await runNamWasm(c, block, input);
      expect(maxAbsDiff(out, fast.out).diff, `block ${block}`).toBeLessThanOrEqual(fast.tol);
    }
    const runner = await createNamWasmRunner(c.modelText, 128);
    try {
      const out = new Float32Array(input.length);
      runner.process(input.subarray(0, 20_000), out.subarray(0, 20_000)); // leave state dirty
      runner.reset();
      runner.process(input, out); // whole input at once: the runner splits it into blocks of 128
      expect(maxAbsDiff(out, fast.out).diff).toBeLessThanOrEqual(fast.tol);
    } finally {
      runner.dispose();
    }
  });
});
