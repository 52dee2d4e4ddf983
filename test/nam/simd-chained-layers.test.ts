/**
 * The chained fused layer arrays (wavenet/layer-array.ts: each fused layer writes its output into
 * the next layer's conv history, `wavenet_layer_chain`) against the copying form (`chain = false`:
 * each layer copies its input into its history, `wavenet_layer`), bit for bit:
 * - every array of a model built twice from the same random weights in one SIMD compute, fed the
 *   same input, gives the same layer outputs and head outputs (Object.is on every sample) over
 *   several random block-size sequences (1 … maxBlock, odd sizes, history rewinds), with a
 *   steady-primed first block (the chained arrays fall back to copying for it) and a reset in the
 *   middle; standard, gated, A2 and lite models (including arrays that cannot chain), layers
 *   without a layer1x1, exact and fast tanh, baseline and relaxed kernels;
 * - which arrays chain: fused ones whose channels are a multiple of 4, and only with `chain`.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VARIANTS, randInt, rng } from '../simd/harness.ts';
import { createSimdCompute } from '../../src/dsp/nam/simd/simd-compute.ts';
import type { Compute } from '../../src/dsp/nam/compute.ts';
import { parseNam } from '../../src/dsp/nam/index.ts';
import { ConfigReader } from '../../src/dsp/nam/config-reader.ts';
import { WeightReader } from '../../src/dsp/nam/weights.ts';
import { Planar, type PlanarView } from '../../src/dsp/nam/planar.ts';
import { parseWaveNetConfig, type WaveNetSpec } from '../../src/dsp/nam/wavenet/config.ts';
import { LayerArray } from '../../src/dsp/nam/wavenet/layer-array.ts';
import { MODELS_DIR, PYTHON_NAM_DIR, REFERENCE_DIR } from '../helpers/fixtures.ts';

const MAX_BLOCK = 160;
const SEQUENCES = 3;
const BLOCKS_PER_SEQUENCE = 40;

function specOf(path: string, fastTanh: boolean): WaveNetSpec {
  const file = parseNam(readFileSync(path, 'utf8'));
  return parseWaveNetConfig(ConfigReader.of(file.config, 'config'), fastTanh);
}

/** The same spec with every array's layer1x1 off (x passes through each layer unchanged). */
function withoutLayer1x1(spec: WaveNetSpec): WaveNetSpec {
  return { ...spec, arrays: spec.arrays.map((a) => ({ ...a, layer1x1: { ...a.layer1x1, active: false } })) };
}

/** A model's layer arrays, run as the WaveNet runs them (input as the condition too). */
class Stack {
  readonly arrays: LayerArray[] = [];
  private readonly input: Planar;

  constructor(spec: WaveNetSpec, weights: Float32Array, compute: Compute, chain: boolean) {
    const reader = new WeightReader(weights);
    for (const a of spec.arrays) {
      const build = LayerArray.build(a, reader, compute, compute.ops, chain);
      let step = build.next();
      while (!step.done) step = build.next();
      this.arrays.push(step.value);
    }
    this.input = new Planar(spec.inChannels, compute);
  }

  process(samples: Float32Array, n: number): void {
    const input = this.input.all;
    for (let c = 0; c < input.channels; c++) input.data.set(samples.subarray(0, n), input.offset + c * input.stride);
    let layerInputs: PlanarView = input;
    let prevHead: PlanarView | null = null;
    for (const a of this.arrays) {
      a.process(layerInputs, input, prevHead, n);
      layerInputs = a.x.all;
      prevHead = a.headOut.all;
    }
  }

  setSteady(on: boolean): void {
    for (const a of this.arrays) a.setSteady(on);
  }

  reset(): void {
    for (const a of this.arrays) a.reset();
  }
}

/** Index (channel·n + t) of the first sample where the views differ (Object.is), or −1. */
function firstDifference(a: PlanarView, b: PlanarView, n: number): number {
  for (let c = 0; c < a.channels; c++) {
    for (let t = 0; t < n; t++) {
      if (!Object.is(a.data[a.offset + c * a.stride + t], b.data[b.offset + c * b.stride + t])) return c * n + t;
    }
  }
  return -1;
}

/** Block sizes of one sequence: random 1 … MAX_BLOCK, with the odd and edge sizes mixed in. */
function blockSizes(seed: number): number[] {
  const r = rng(seed);
  const edge = [1, 7, 31, 32, 128, 129, MAX_BLOCK];
  return Array.from({ length: BLOCKS_PER_SEQUENCE }, () => (r() < 0.3 ? edge[randInt(r, 0, edge.length - 1)]! : randInt(r, 1, MAX_BLOCK)));
}

/** Runs both stacks through the sequences; returns the blocks compared (every array, every block). */
function compareStacks(spec: WaveNetSpec, relaxed: boolean, seed: number): { blocks: number; chainedArrays: number } {
  const r = rng(seed);
  const weights = Float32Array.from({ length: 1 << 17 }, () => 0.3 * (r() * 2 - 1));
  const compute = createSimdCompute(MAX_BLOCK, 64 * 2 ** 20, relaxed);
  const chained = new Stack(spec, weights, compute, true);
  const copying = new Stack(spec, weights, compute, false);
  for (const a of copying.arrays) expect(a.chained).toBe(false);
  const chainedArrays = chained.arrays.filter((a) => a.chained).length;
  const samples = new Float32Array(MAX_BLOCK);
  let blocks = 0;
  for (let s = 0; s < SEQUENCES; s++) {
    const sizes = blockSizes(seed + 17 * s);
    sizes.forEach((n, i) => {
      if (i === sizes.length >> 1) {
        chained.reset();
        copying.reset();
      }
      for (let t = 0; t < n; t++) samples[t] = 0.6 * Math.sin(0.05 * (blocks + t)) + 0.3 * (r() * 2 - 1);
      // The first block of each sequence is steady-primed (the one-step prewarm's block).
      const steady = i === 0;
      chained.setSteady(steady);
      copying.setSteady(steady);
      chained.process(samples, n);
      copying.process(samples, n);
      chained.arrays.forEach((a, ai) => {
        const b = copying.arrays[ai]!;
        expect(firstDifference(a.x.all, b.x.all, n), `array ${ai} layer outputs, sequence ${s} block ${i} (n=${n})`).toBe(-1);
        expect(firstDifference(a.headOut.all, b.headOut.all, n), `array ${ai} head output, sequence ${s} block ${i} (n=${n})`).toBe(-1);
      });
      blocks++;
    });
  }
  return { blocks, chainedArrays };
}

const MODELS = [
  ['standard WaveNet', join(MODELS_DIR, 'deluxe.nam'), 2],
  ['gated WaveNet', join(REFERENCE_DIR, 'wavenet_gated', 'model.nam'), 2],
  ['lite WaveNet (second array of 6 channels does not chain)', join(REFERENCE_DIR, 'wavenet_lite', 'model.nam'), 1],
  ['A2 gated', join(PYTHON_NAM_DIR, 'a2_gated.nam'), 1],
  ['A2 bottleneck', join(PYTHON_NAM_DIR, 'a2_bottleneck.nam'), 1],
] as const;

describe('chained fused layer arrays = copying ones, bit for bit', () => {
  for (const { name: variant, relaxed } of VARIANTS) {
    for (const [name, path, chainedArrays] of MODELS) {
      for (const fastTanh of [true, false]) {
        it(`${name}, ${variant}, ${fastTanh ? 'fast' : 'exact'} tanh`, () => {
          const r = compareStacks(specOf(path, fastTanh), relaxed, 11);
          expect(r.chainedArrays).toBe(chainedArrays);
          expect(r.blocks).toBe(SEQUENCES * BLOCKS_PER_SEQUENCE);
        });
      }
    }
    it(`standard WaveNet without layer1x1 (each layer's input copied on), ${variant}`, () => {
      const r = compareStacks(withoutLayer1x1(specOf(join(MODELS_DIR, 'deluxe.nam'), true)), relaxed, 23);
      expect(r.chainedArrays).toBe(2);
      expect(r.blocks).toBe(SEQUENCES * BLOCKS_PER_SEQUENCE);
    });
  }
});

describe('which layer arrays chain', () => {
  const chainedFlags = (path: string, chain: boolean): boolean[] => {
    const spec = specOf(path, true);
    return new Stack(spec, new Float32Array(1 << 17), createSimdCompute(MAX_BLOCK, 64 * 2 ** 20, false), chain).arrays.map((a) => a.chained);
  };

  it('fused arrays with channels a multiple of 4, and only when asked', () => {
    expect(chainedFlags(join(MODELS_DIR, 'deluxe.nam'), true)).toEqual([true, true]);
    expect(chainedFlags(join(MODELS_DIR, 'deluxe.nam'), false)).toEqual([false, false]);
    expect(chainedFlags(join(REFERENCE_DIR, 'wavenet_lite', 'model.nam'), true)).toEqual([true, false]); // 12 and 6 channels
    expect(chainedFlags(join(REFERENCE_DIR, 'core_wavenet', 'model.nam'), true)).toEqual([false, false]); // 3 and 2 channels
    expect(chainedFlags(join(PYTHON_NAM_DIR, 'a2_blended.nam'), true)).toEqual([false]); // 4 channels, blended: not fused
  });
});
