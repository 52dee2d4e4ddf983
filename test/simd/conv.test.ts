/**
 * The WASM SIMD conv kernel against a naive double-precision conv in PyTorch order, over many
 * shapes (channel counts 1..17, K 1..6, dilations 1..300, n 1..300, accumulate on and off), for the
 * baseline and (where supported) relaxed builds. Also checks what it must not touch.
 */
import { describe, expect, it } from 'vitest';
import { convTileFloats, convTiles, packConvWeights } from '../../src/dsp/nam/simd/pack.ts';
import { Arena, VARIANTS, randInt, rng } from './harness.ts';

interface Case {
  inCh: number;
  outCh: number;
  K: number;
  d: number;
  n: number;
  accumulate: boolean;
  bias: boolean;
  /** Extra history before the oldest tap (so pos is arbitrary, src unaligned). */
  extra: number;
}

function cases(): Case[] {
  const out: Case[] = [
    { inCh: 1, outCh: 1, K: 1, d: 1, n: 1, accumulate: false, bias: true, extra: 0 },
    { inCh: 1, outCh: 1, K: 1, d: 1, n: 8, accumulate: true, bias: false, extra: 0 },
    { inCh: 17, outCh: 17, K: 6, d: 300, n: 300, accumulate: false, bias: true, extra: 3 },
    { inCh: 17, outCh: 17, K: 6, d: 300, n: 300, accumulate: true, bias: true, extra: 1 },
    { inCh: 16, outCh: 16, K: 3, d: 512, n: 128, accumulate: false, bias: true, extra: 0 },
    { inCh: 16, outCh: 16, K: 1, d: 1, n: 128, accumulate: true, bias: true, extra: 0 },
    { inCh: 8, outCh: 8, K: 3, d: 1, n: 7, accumulate: false, bias: true, extra: 0 },
    { inCh: 4, outCh: 5, K: 2, d: 3, n: 9, accumulate: false, bias: true, extra: 2 },
    { inCh: 3, outCh: 12, K: 4, d: 7, n: 16, accumulate: true, bias: false, extra: 5 },
    { inCh: 2, outCh: 1, K: 6, d: 1, n: 300, accumulate: false, bias: true, extra: 0 },
  ];
  const r = rng(20240601);
  for (let i = 0; i < 140; i++) {
    out.push({
      inCh: randInt(r, 1, 17),
      outCh: randInt(r, 1, 17),
      K: randInt(r, 1, 6),
      d: r() < 0.3 ? randInt(r, 1, 4) : randInt(r, 1, 300),
      n: r() < 0.3 ? randInt(r, 1, 17) : randInt(r, 1, 300),
      accumulate: r() < 0.5,
      bias: r() < 0.8,
      extra: randInt(r, 0, 9),
    });
  }
  return out;
}

const CASES = cases();

describe('packConvWeights', () => {
  it('lays out tiles of 4 outputs: [i][k] × (w replicated ×4 per output), then the bias ×4', () => {
    // outCh 5, inCh 2, K 2: weights w(o,i,k) = 100o + 10i + k, bias 1000 + o.
    const outCh = 5;
    const inCh = 2;
    const K = 2;
    const w = new Float32Array(outCh * inCh * K + outCh);
    for (let o = 0; o < outCh; o++) for (let i = 0; i < inCh; i++) for (let k = 0; k < K; k++) w[(o * inCh + i) * K + k] = 100 * o + 10 * i + k;
    for (let o = 0; o < outCh; o++) w[outCh * inCh * K + o] = 1000 + o;
    const p = packConvWeights(w, outCh, inCh, K, true);
    expect(convTiles(outCh)).toBe(2);
    expect(convTileFloats(inCh, K)).toBe(80);
    expect(p.length).toBe(160);
    for (let tile = 0; tile < 2; tile++) {
      for (let i = 0; i < inCh; i++) {
        for (let k = 0; k < K; k++) {
          for (let lane = 0; lane < 4; lane++) {
            const o = tile * 4 + lane;
            for (let rep = 0; rep < 4; rep++) {
              expect(p[tile * 80 + (i * K + k) * 16 + lane * 4 + rep]).toBe(o < outCh ? 100 * o + 10 * i + k : 0);
            }
          }
        }
      }
      for (let lane = 0; lane < 4; lane++) {
        const o = tile * 4 + lane;
        for (let rep = 0; rep < 4; rep++) expect(p[tile * 80 + 64 + lane * 4 + rep]).toBe(o < outCh ? 1000 + o : 0);
      }
    }
    expect(Array.from(packConvWeights(w, outCh, inCh, K, false).subarray(64, 80))).toEqual(new Array(16).fill(0));
  });
});

for (const variant of VARIANTS) {
  describe(`conv (${variant.name})`, () => {
    const arena = new Arena(variant.relaxed, 64);

    it(`matches a naive double conv on ${CASES.length} shapes`, () => {
      const r = rng(7);
      let worst = 0;
      for (const c of CASES) {
        arena.reset();
        const { inCh, outCh, K, d, n, accumulate, bias } = c;
        const n8 = Math.ceil(n / 8) * 8;
        const inRows = Math.ceil(inCh / 4) * 4;
        const tiles = convTiles(outCh);
        const outRows = tiles * 4;
        const pos = d * (K - 1) + c.extra;
        const capacity = Math.ceil((pos + n8 + 8) / 8) * 8 + 4 * randInt(r, 0, 3);
        const stride = n8 + 8 * randInt(r, 0, 2);
        const guard = 16;

        const hist = new Float32Array(inRows * capacity).map(() => 2 * r() - 1);
        const weights = new Float32Array(outCh * inCh * K + (bias ? outCh : 0)).map(() => (2 * r() - 1) * 0.5);
        const dst0 = new Float32Array(outRows * stride + guard).map(() => 2 * r() - 1);

        const histAt = arena.put(hist);
        const dstAt = arena.put(dst0);
        const wAt = arena.put(packConvWeights(weights, outCh, inCh, K, bias));
        arena.k.conv(histAt + pos * 4, capacity, dstAt, stride, wAt, tiles, inCh, K, d, n, accumulate ? 1 : 0);
        const got = arena.read(dstAt, dst0.length);

        for (let o = 0; o < outRows; o++) {
          for (let t = 0; t < stride; t++) {
            const at = o * stride + t;
            if (t >= n8) {
              // Past the rounded-up block: untouched.
              expect(got[at], `untouched ${JSON.stringify(c)} o=${o} t=${t}`).toBe(dst0[at]);
              continue;
            }
            // Samples in [n, n8) are computed as well (the slack is real history).
            let acc = o < outCh && bias ? weights[outCh * inCh * K + o]! : 0;
            let mag = Math.abs(acc);
            if (o < outCh) {
              for (let i = 0; i < inCh; i++) {
                for (let k = 0; k < K; k++) {
                  const term = weights[(o * inCh + i) * K + k]! * hist[i * capacity + pos + t - d * (K - 1 - k)]!;
                  acc += term;
                  mag += Math.abs(term);
                }
              }
            }
            const base = accumulate ? dst0[at]! : 0;
            const want = base + acc;
            const err = Math.abs(got[at]! - want) / (mag + Math.abs(base) + 1e-30);
            worst = Math.max(worst, err);
            if (!(err <= 1e-5)) expect.fail(`${JSON.stringify(c)} o=${o} t=${t}: got ${got[at]}, want ${want} (rel ${err})`);
          }
        }
        for (let g = 0; g < guard; g++) expect(got[outRows * stride + g]).toBe(dst0[outRows * stride + g]);
      }
      expect(worst).toBeLessThan(1e-5);
    });

    it('runs grouped convs as one call per group with offset pointers', () => {
      arena.reset();
      const r = rng(99);
      const groups = 2;
      const inPer = 8;
      const outPer = 8;
      const K = 3;
      const d = 5;
      const n = 40;
      const capacity = 72;
      const pos = d * (K - 1);
      const stride = 40;
      const hist = new Float32Array(groups * inPer * capacity).map(() => r() - 0.5);
      const weights = new Float32Array(groups * (outPer * inPer * K) + groups * outPer).map(() => r() - 0.5);
      const histAt = arena.put(hist);
      const dstAt = arena.alloc(groups * outPer * stride);
      for (let g = 0; g < groups; g++) {
        // PyTorch order for the whole conv is group-major: this group's [out][in][k], bias at the end.
        const wg = new Float32Array(outPer * inPer * K + outPer);
        wg.set(weights.subarray(g * outPer * inPer * K, (g + 1) * outPer * inPer * K));
        wg.set(weights.subarray(groups * outPer * inPer * K + g * outPer, groups * outPer * inPer * K + (g + 1) * outPer), outPer * inPer * K);
        const wAt = arena.put(packConvWeights(wg, outPer, inPer, K, true));
        arena.k.conv(histAt + (g * inPer * capacity + pos) * 4, capacity, dstAt + g * outPer * stride * 4, stride, wAt, 2, inPer, K, d, n, 0);
      }
      const got = arena.read(dstAt, groups * outPer * stride);
      for (let g = 0; g < groups; g++) {
        for (let o = 0; o < outPer; o++) {
          for (let t = 0; t < n; t++) {
            let acc = weights[groups * outPer * inPer * K + g * outPer + o]!;
            for (let i = 0; i < inPer; i++) {
              for (let k = 0; k < K; k++) {
                acc += weights[((g * outPer + o) * inPer + i) * K + k]! * hist[(g * inPer + i) * capacity + pos + t - d * (K - 1 - k)]!;
              }
            }
            expect(got[(g * outPer + o) * stride + t]).toBeCloseTo(acc, 5);
          }
        }
      }
    });
  });
}
