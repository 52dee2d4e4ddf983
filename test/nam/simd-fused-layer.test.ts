/**
 * The fused SIMD WaveNet layer (`wavenet_layer` in simd/assembly/kernels.ts, descriptors from
 * wavenet/simd-layer.ts) against the general layer path (`WaveNetLayer.process`):
 * - two layers built from the same random weights in one SIMD compute, fed the same inputs block
 *   after block (varied sizes, history rewinds, a steady-primed first block), give the same bits in
 *   the layer output and the head accumulator, for every layer of a standard (gating none) and a
 *   gated WaveNet, exact and fast tanh, baseline and relaxed kernels;
 * - only plain layers get a fused form (not FiLM, head1x1, grouped or blended ones, nor the JS path).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VARIANTS, rng } from '../simd/harness.ts';
import { createSimdCompute } from '../../src/dsp/nam/simd/simd-compute.ts';
import { jsCompute, ptr, type Compute } from '../../src/dsp/nam/compute.ts';
import { parseNam } from '../../src/dsp/nam/index.ts';
import { ConfigReader } from '../../src/dsp/nam/config-reader.ts';
import { WeightReader } from '../../src/dsp/nam/weights.ts';
import { Planar, type PlanarView } from '../../src/dsp/nam/planar.ts';
import { parseWaveNetConfig, type LayerArraySpec, type WaveNetSpec } from '../../src/dsp/nam/wavenet/config.ts';
import { WaveNetLayer } from '../../src/dsp/nam/wavenet/layer.ts';
import { MODELS_DIR, PYTHON_NAM_DIR, REFERENCE_DIR } from '../helpers/fixtures.ts';

const MAX_BLOCK = 64;
/** Block sizes in turn: full, odd, tiny, one sample; enough samples to rewind every history. */
const BLOCKS = [64, 37, 16, 64, 1, 48, 64, 5, 64, 64];
const ROUNDS = 8;

function specOf(path: string, fastTanh: boolean): WaveNetSpec {
  const file = parseNam(readFileSync(path, 'utf8'));
  return parseWaveNetConfig(ConfigReader.of(file.config, 'config'), fastTanh);
}

function randomWeights(seed: number, n: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => 0.4 * (r() * 2 - 1));
}

function fill(v: PlanarView, n: number, r: () => number): void {
  for (let c = 0; c < v.channels; c++) for (let t = 0; t < n; t++) v.data[v.offset + c * v.stride + t] = r() * 2 - 1;
}

function rowsBits(v: PlanarView, n: number): number[] {
  const bits = new Uint32Array(v.data.buffer, v.data.byteOffset, v.data.length);
  const out: number[] = [];
  for (let c = 0; c < v.channels; c++) for (let t = 0; t < n; t++) out.push(bits[v.offset + c * v.stride + t]!);
  return out;
}

/** Runs layer `index` of array `a` fused and general side by side; returns the blocks compared. */
function compareLayer(a: LayerArraySpec, index: number, compute: Compute, seed: number): number {
  const weights = randomWeights(seed, 1 << 16);
  const fused = new WaveNetLayer(a, a.layers[index]!, new WeightReader(weights), compute, compute.ops);
  const general = new WaveNetLayer(a, a.layers[index]!, new WeightReader(weights), compute, compute.ops);
  expect(fused.fused, `layer ${index} has a fused form`).not.toBeNull();
  const k = compute.simd!;
  const sides = [0, 1].map(() => ({ x: new Planar(a.channels, compute), cond: new Planar(a.conditionSize, compute), acc: new Planar(a.bottleneck, compute) }));
  const r = rng(seed + 1);
  let blocks = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const n of BLOCKS) {
      // The same random inputs on both sides (x carries over: each side's output is its next input).
      for (const which of ['x', 'cond', 'acc'] as const) {
        const s = r() * 1e9;
        for (const side of sides) fill(side[which].all, n, rng(s));
      }
      const steady = blocks === 0;
      fused.setSteady(steady);
      general.setSteady(steady);
      const [f, g] = sides as [(typeof sides)[0], (typeof sides)[0]];
      const plan = fused.fused!;
      k.wavenet_layer(plan.desc, ptr(f.x.data, 0), ptr(f.cond.data, 0), ptr(f.acc.data, 0), n, plan.conv.claim(f.x.all, n));
      general.process(g.x.all, g.cond.all, g.acc.all, g.x.all, n);
      expect(rowsBits(f.x.all, n), `x after block ${blocks} (n=${n})`).toEqual(rowsBits(g.x.all, n));
      expect(rowsBits(f.acc.all, n), `head accumulator after block ${blocks} (n=${n})`).toEqual(rowsBits(g.acc.all, n));
      blocks++;
    }
  }
  return blocks;
}

const FUSED_MODELS = [
  ['standard WaveNet (gating none)', join(MODELS_DIR, 'deluxe.nam')],
  ['gated WaveNet', join(REFERENCE_DIR, 'wavenet_gated', 'model.nam')],
  ['A2 gated', join(PYTHON_NAM_DIR, 'a2_gated.nam')],
] as const;

describe('fused SIMD WaveNet layer = general layer path, bit for bit', () => {
  for (const { name: variant, relaxed } of VARIANTS) {
    for (const [name, path] of FUSED_MODELS) {
      for (const fastTanh of [true, false]) {
        it(`${name}, ${variant}, ${fastTanh ? 'fast' : 'exact'} tanh`, () => {
          const spec = specOf(path, fastTanh);
          const compute = createSimdCompute(MAX_BLOCK, 48 * 2 ** 20, relaxed);
          let layers = 0;
          spec.arrays.forEach((a, ai) =>
            a.layers.forEach((_, li) => {
              expect(compareLayer(a, li, compute, 1000 * ai + li)).toBe(ROUNDS * BLOCKS.length);
              layers++;
            }),
          );
          expect(layers).toBeGreaterThan(1);
        });
      }
    }
  }
});

describe('which layers get a fused form', () => {
  const fusedCount = (path: string, compute: Compute): { fused: number; all: number } => {
    let fused = 0;
    let all = 0;
    for (const a of specOf(path, true).arrays) {
      a.layers.forEach((l) => {
        const layer = new WaveNetLayer(a, l, new WeightReader(randomWeights(7, 1 << 16)), compute, compute.ops);
        all++;
        if (layer.fused) fused++;
      });
    }
    return { fused, all };
  };

  it('every layer of the standard and gated models on the SIMD path', () => {
    for (const [, path] of FUSED_MODELS) {
      const { fused, all } = fusedCount(path, createSimdCompute(MAX_BLOCK, 48 * 2 ** 20, false));
      expect(all).toBeGreaterThan(0);
      expect(fused).toBe(all);
    }
  });

  it('no layer on the plain TypeScript path', () => {
    expect(fusedCount(join(MODELS_DIR, 'deluxe.nam'), jsCompute(MAX_BLOCK)).fused).toBe(0);
  });

  for (const file of ['a2_film.nam', 'a2_head1x1.nam', 'a2_grouped.nam', 'a2_blended.nam']) {
    it(`no layer of ${file} (FiLM, head1x1, grouped or blended layers keep the general path)`, () => {
      const { fused, all } = fusedCount(join(PYTHON_NAM_DIR, file), createSimdCompute(MAX_BLOCK, 48 * 2 ** 20, false));
      expect(all).toBeGreaterThan(0);
      expect(fused).toBe(0);
    });
  }
});
