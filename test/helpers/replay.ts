/**
 * Test harness for one architecture builder: build it straight from a config and weights, and
 * replay NeuralAmpModelerCore's reference protocol (exact prewarm zeros, then the input) through it
 * in fixed or random chunks.
 */
import { ConfigReader, type JsonObject } from '../../src/dsp/nam/config-reader.ts';
import { toFloat32Weights } from '../../src/dsp/nam/weights.ts';
import type { ArchitectureBuilder, BuildOptions, NamDsp } from '../../src/dsp/nam/dsp.ts';
import { mulberry32 } from '../../src/dsp/synth/prng.ts';

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
