/**
 * Every ../shared/fixtures/reference case (NeuralAmpModelerCore v0.5.5 outputs) through
 * createNamModel: with exact prewarm, without prewarm and with fast tanh, at block sizes
 * 1, 64, 128 and 4096 and with random chunking. Tolerance: 1e-5 + 1e-4 · max_abs.
 */
import { describe, expect, it } from 'vitest';
import { createNamModel, parseNam, type KernelChoice } from '../../src/dsp/nam/index.ts';
import { simdSupported } from '../../src/dsp/nam/simd/kernels.ts';
import {
  loadReferenceCase,
  maxAbsDiff,
  readReferenceOutput,
  referenceCaseNames,
  referenceInput,
  referenceOutputs,
  referenceTolerance,
} from '../helpers/fixtures.ts';

/** Deterministic chunk sizes in [1, 700]. */
function* randomChunks(total: number, seed: number): Generator<[number, number]> {
  let s = seed >>> 0;
  let start = 0;
  while (start < total) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const n = Math.min(total - start, 1 + (s % 700));
    yield [start, n];
    start += n;
  }
}

function render(text: string, opts: { block: number; prewarm: boolean; fastTanh: boolean; chunking?: 'fixed' | 'random'; kernels: KernelChoice }): Float32Array {
  const input = referenceInput();
  const model = createNamModel(parseNam(text), { maxBlockSize: opts.chunking === 'random' ? 700 : opts.block, fastTanh: opts.fastTanh, prewarm: opts.prewarm, kernels: opts.kernels });
  expect(model.kernels).toBe(opts.kernels);
  const out = new Float32Array(input.length);
  if (opts.chunking === 'random') {
    for (const [start, n] of randomChunks(input.length, 12345)) model.process(input.subarray(start, start + n), out.subarray(start, start + n));
  } else {
    for (let s = 0; s < input.length; s += opts.block) {
      const n = Math.min(opts.block, input.length - s);
      model.process(input.subarray(s, s + n), out.subarray(s, s + n));
    }
  }
  return out;
}

const cases = referenceCaseNames();
const kernelPaths: KernelChoice[] = simdSupported() ? ['js', 'simd'] : ['js'];

describe.each(kernelPaths)('NeuralAmpModelerCore reference outputs (%s kernels)', (kernels) => {
  it('finds the shared reference cases, and this runtime has WebAssembly SIMD', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
    expect(simdSupported()).toBe(true);
  });

  for (const name of cases) {
    describe(name, () => {
      const c = loadReferenceCase(name);
      for (const o of referenceOutputs(c)) {
        const prewarm = o.prewarm === 'exact';
        const fastTanh = o.fast_tanh === true;
        const blocks: (number | 'random')[] = [1, 64, 128, 4096, 'random'];
        for (const block of blocks) {
          it(`${o.file} at block ${block}`, () => {
            const expected = readReferenceOutput(c, o.file);
            const actual = render(c.modelText, { block: block === 'random' ? 0 : block, prewarm, fastTanh, chunking: block === 'random' ? 'random' : 'fixed', kernels });
            const { diff, at } = maxAbsDiff(actual, expected);
            const tol = referenceTolerance(o.max_abs);
            expect(diff, `max diff ${diff} at sample ${at} (tolerance ${tol})`).toBeLessThanOrEqual(tol);
          });
        }
      }
    });
  }
});
