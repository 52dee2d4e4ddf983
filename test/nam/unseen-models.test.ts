/**
 * Models no fixture contains: random valid configs of every architecture (see
 * test/helpers/random-models.ts), each checked against NeuralAmpModelerCore itself, compiled to
 * WebAssembly (@opendaw/nam-wasm, which runs the core with fast tanh and prewarms on load).
 * Nothing here can be tuned to a fixture: the configs and weights are generated per seed.
 */
import { describe, expect, it } from 'vitest';
import { createNamModel, parseNam, type KernelChoice } from '../../src/dsp/nam/index.ts';
import { createNamEmscriptenModule, loadNamWasmRunner, type NamEmscriptenModule } from '../../bench/nam-wasm-runner.ts';
import { randomModel } from '../helpers/random-models.ts';
import { maxAbsDiff, referenceInput, referenceTolerance } from '../helpers/fixtures.ts';

const kinds = ['wavenet-a1', 'wavenet-a2', 'lstm', 'convnet', 'linear'] as const;
const SEEDS_PER_KIND = 6;
let core: NamEmscriptenModule | undefined;

const kernelPaths: KernelChoice[] = ['js', 'simd'];

describe.each(kernelPaths)('random models agree with NeuralAmpModelerCore (WASM build), %s kernels', (kernels) => {
  for (const kind of kinds) {
    for (let s = 1; s <= SEEDS_PER_KIND; s++) {
      const seed = 1000 * kinds.indexOf(kind) + s;
      const m = randomModel(seed, kind);
      it(`${kind} seed ${seed}: ${m.description}`, async () => {
        core ??= await createNamEmscriptenModule();
        const text = JSON.stringify(m.nam);
        const block = 64;
        const input = referenceInput().subarray(0, 24000);
        const ours = createNamModel(parseNam(text), { maxBlockSize: block, fastTanh: true, kernels });
        const theirs = loadNamWasmRunner(core, text, block);
        const a = new Float32Array(input.length);
        const b = new Float32Array(input.length);
        for (let i = 0; i < input.length; i += block) {
          ours.process(input.subarray(i, i + block), a.subarray(i, i + block));
          theirs.process(input.subarray(i, i + block), b.subarray(i, i + block));
        }
        theirs.dispose();
        let peak = 0;
        for (const v of b) peak = Math.max(peak, Math.abs(v));
        expect(peak, "output too small for the comparison to mean anything").toBeGreaterThan(1e-3);
        const { diff, at } = maxAbsDiff(a, b);
        expect(diff, `max diff ${diff} at ${at}, peak ${peak}`).toBeLessThanOrEqual(referenceTolerance(peak));
      });
    }
  }
});
