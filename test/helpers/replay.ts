/**
 * Test harness for one architecture builder: build it straight from a config and weights, and
 * replay NeuralAmpModelerCore's reference protocol (exact prewarm zeros, then the input) through it
 * in fixed or random chunks.
 */
import { ConfigReader, type JsonObject } from '../../src/dsp/nam/config-reader.ts';
import { toFloat32Weights } from '../../src/dsp/nam/weights.ts';
import type { ArchitectureBuilder, BuildOptions, NamDsp } from '../../src/dsp/nam/dsp.ts';
import { mulberry32 } from '../../src/dsp/synth/prng.ts';
import { NamError } from '../../src/dsp/nam/errors.ts';
import { expect, it } from 'vitest';
import { maxAbsDiff, readReferenceOutput, referenceInput, referenceOutputs, referenceTolerance, type ReferenceCase } from './fixtures.ts';

export function buildWith(builder: ArchitectureBuilder, config: unknown, weights: unknown, options: Partial<BuildOptions> = {}): NamDsp {
  return builder({
    config: new ConfigReader(config as JsonObject, 'config'),
    weights: toFloat32Weights(weights),
    options: { maxBlockSize: 64, fastTanh: false, slim: 1, sampleRate: 48000, ...options },
    buildNested: () => {
      throw new Error('this architecture has no nested models');
    },
  });
}

/** The reference protocol: `prewarm` zeros in chunks ≤ block, then the input in chunks. */
export function replay(dsp: NamDsp, input: Float32Array, prewarm: number, block: number | 'random', seed = 1): Float32Array {
  const max = dsp.maxBlockSize;
  const rand = mulberry32(seed);
  const next = (left: number): number => Math.min(left, block === 'random' ? Math.floor(rand() * (max + 1)) : block);
  const zeros = new Float32Array(max);
  const scratch = new Float32Array(max);
  for (let done = 0; done < prewarm; ) {
    const n = next(prewarm - done);
    dsp.process([zeros], [scratch], n);
    done += n;
  }
  const out = new Float32Array(input.length);
  const inBuf = new Float32Array(max);
  const outBuf = new Float32Array(max);
  for (let done = 0; done < input.length; ) {
    const n = next(input.length - done);
    inBuf.set(input.subarray(done, done + n));
    dsp.process([inBuf], [outBuf], n);
    out.set(outBuf.subarray(0, n), done);
    done += n;
  }
  return out;
}

type Build = (config: unknown, weights: unknown, options?: Partial<BuildOptions>) => NamDsp;

/**
 * Registers, in the current `describe`, one test per reference output and block size: the
 * builder's DSP replayed through the core's protocol must match within the case's tolerance.
 * Each measured difference is appended to `measured` for the suite's summary.
 */
export function itMatchesReferenceOutputs(c: ReferenceCase, build: Build, blocks: readonly (number | 'random')[], measured: string[]): void {
  const model = JSON.parse(c.modelText) as { config: unknown; weights: unknown; sample_rate?: number };
  const sampleRate = model.sample_rate ?? 48000;
  for (const ref of referenceOutputs(c)) {
    it.each(blocks)(`${ref.file} at block size %s`, (block) => {
      const maxBlockSize = block === 'random' ? 509 : block;
      const dsp = build(model.config, model.weights, { maxBlockSize, sampleRate, fastTanh: ref.fast_tanh === true });
      const prewarm = ref.prewarm === 'exact' ? c.manifest.prewarm_samples : 0;
      const out = replay(dsp, referenceInput(), prewarm, block);
      const expected = readReferenceOutput(c, ref.file);
      expect(out.length).toBe(expected.length);
      const { diff, at } = maxAbsDiff(out, expected);
      measured.push(`${c.name} ${ref.file} block ${block}: ${diff.toExponential(2)} (tol ${referenceTolerance(ref.max_abs).toExponential(2)})`);
      expect(diff, `max diff at sample ${at}`).toBeLessThanOrEqual(referenceTolerance(ref.max_abs));
    });
  }
}

/** Runs `f`, expecting a NamError with this code whose message contains every fragment. */
export function expectNamError(f: () => unknown, code: string, ...fragments: string[]): NamError {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(NamError);
  const e = caught as NamError;
  expect(e.code).toBe(code);
  for (const f of fragments) expect(e.message).toContain(f);
  return e;
}
