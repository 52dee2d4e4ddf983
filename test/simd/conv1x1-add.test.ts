/**
 * `conv1x1_add` (dst = addend + W·src + b, the chained WaveNet layer's residual) against
 * `conv(…, K = 1, accumulate = 1)` on a dst holding the addend: the same bits (Object.is) over random
 * shapes, strides and n (odd ones too), with the addend in another buffer of another stride and with
 * dst = addend (in place); the addend is left unchanged, and nothing outside dst's tile rows ×
 * [0, n rounded up to 8) is written. Baseline and (where supported) relaxed builds.
 */
import { describe, expect, it } from 'vitest';
import { convTiles, packConvWeights } from '../../src/dsp/nam/simd/pack.ts';
import { Arena, VARIANTS, randInt, rng } from './harness.ts';

const CASES = 120;

/** Index of the first float where a and b differ (Object.is), or −1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

for (const variant of VARIANTS) {
  describe(`conv1x1_add (${variant.name})`, () => {
    const arena = new Arena(variant.relaxed, 64);

    it(`= conv(accumulate) over the addend, bit for bit, on ${CASES} shapes`, () => {
      const r = rng(31);
      for (let c = 0; c < CASES; c++) {
        arena.reset();
        const inCh = randInt(r, 1, 17);
        const outCh = randInt(r, 1, 17);
        const bias = r() < 0.8;
        const n = r() < 0.3 ? randInt(r, 1, 17) : randInt(r, 1, 300);
        const n8 = Math.ceil(n / 8) * 8;
        const tiles = convTiles(outCh);
        const rows = tiles * 4;
        const srcStride = n8 + 8 * randInt(r, 0, 2);
        const dstStride = n8 + 4 * randInt(r, 0, 5); // a history's stride: a multiple of 4
        const addStride = n8 + 4 * randInt(r, 0, 5);
        const guard = 16;
        const label = `case ${c}: inCh ${inCh} outCh ${outCh} n ${n} strides ${srcStride}/${addStride}/${dstStride}`;

        const src = new Float32Array(Math.ceil(inCh / 4) * 4 * srcStride).map(() => 2 * r() - 1);
        const weights = new Float32Array(outCh * inCh + (bias ? outCh : 0)).map(() => (2 * r() - 1) * 0.5);
        const addend = new Float32Array(rows * addStride + guard).map(() => 2 * r() - 1);
        const dst0 = new Float32Array(rows * dstStride + guard).map(() => 2 * r() - 1);
        const srcAt = arena.put(src);
        const wAt = arena.put(packConvWeights(weights, outCh, inCh, 1, bias));

        // Reference: conv accumulating into a dst-shaped copy of the addend.
        const ref0 = dst0.slice();
        for (let o = 0; o < rows; o++) for (let t = 0; t < n8; t++) ref0[o * dstStride + t] = addend[o * addStride + t]!;
        const refAt = arena.put(ref0);
        arena.k.conv(srcAt, srcStride, refAt, dstStride, wAt, tiles, inCh, 1, 1, n, 1);
        const want = arena.read(refAt, ref0.length);

        // Separate addend: dst gets exactly conv's result, outside the tile rows × n8 stays as it was.
        const addAt = arena.put(addend);
        const dstAt = arena.put(dst0);
        arena.k.conv1x1_add(srcAt, srcStride, addAt, addStride, dstAt, dstStride, wAt, tiles, inCh, n);
        expect(firstDifference(arena.read(dstAt, dst0.length), want), `${label}: dst`).toBe(-1);
        expect(firstDifference(arena.read(addAt, addend.length), addend), `${label}: addend untouched`).toBe(-1);

        // In place (dst = addend, as `wavenet_layer` runs it).
        const inPlaceAt = arena.put(ref0);
        arena.k.conv1x1_add(srcAt, srcStride, inPlaceAt, dstStride, inPlaceAt, dstStride, wAt, tiles, inCh, n);
        expect(firstDifference(arena.read(inPlaceAt, ref0.length), want), `${label}: in place`).toBe(-1);
      }
    });

    it('n = 0 writes nothing', () => {
      arena.reset();
      const dst0 = new Float32Array(64).fill(7);
      const at = arena.put(dst0);
      const wAt = arena.put(packConvWeights(new Float32Array(4 * 2 + 4).fill(1), 4, 2, 1, true));
      const srcAt = arena.put(new Float32Array(64).fill(1));
      arena.k.conv1x1_add(srcAt, 8, at, 8, at, 8, wAt, 1, 2, 0);
      expect(Array.from(arena.read(at, 64))).toEqual(Array.from(dst0));
    });
  });
}
