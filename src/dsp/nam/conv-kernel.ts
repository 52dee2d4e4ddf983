/**
 * The one convolution kernel every NAM layer uses: a grouped, dilated, causal Conv1d over planar
 * float32 buffers (a 1x1 conv is the K = 1 case).
 *
 * Weights arrive in PyTorch `Conv1d` order — for each group, each output channel of the group,
 * each input channel of the group, each tap k — followed by the optional bias. Tap k reads the
 * sample `dilation·(K−1−k)` back, so the last tap is the current sample.
 *
 * For speed the weights are repacked once, at load, into tiles of 4 output channels:
 * `[tile][inChannel][tap][4]`, and the kernel keeps a 4 × 2 (channels × samples) register block of
 * accumulators in locals. Output channels that do not fill a tile use a plain per-channel loop
 * over weights kept in PyTorch order.
 *
 *   for each group g, tile of 4 outputs o..o+3, pair of samples t, t+1:
 *     acc = bias
 *     for each input channel i of g, tap k:
 *       p = srcOffset + i·srcStride + t − dilation·(K−1−k)
 *       acc[o+j][t+s] += W[o+j][i][k] · src[p+s]
 *     dst[o+j][t+s] = acc (or += acc when accumulating)
 *
 * The source is read at negative offsets for past samples, so callers hand it a history buffer
 * (see `conv1d.ts`) or, for 1x1 convs, any planar buffer. Nothing here allocates after construction.
 */

const TILE = 4;

export interface ConvShape {
  inChannels: number;
  outChannels: number;
  kernelSize: number;
  dilation: number;
  groups: number;
  bias: boolean;
}

/** Number of weights a conv of this shape reads from a .nam file. */
export function convWeightCount(s: ConvShape): number {
  return s.outChannels * (s.inChannels / s.groups) * s.kernelSize + (s.bias ? s.outChannels : 0);
}

/** What every conv implementation offers (the plain `ConvKernel` below, or the SIMD one). */
export interface ConvRunner {
  readonly shape: ConvShape;
  run(src: Float32Array, srcOffset: number, srcStride: number, dst: Float32Array, dstOffset: number, dstStride: number, n: number, accumulate: boolean): void;
}

export class ConvKernel implements ConvRunner {
  readonly shape: ConvShape;
  private readonly inPerGroup: number;
  private readonly outPerGroup: number;
  private readonly tilesPerGroup: number;
  /** Tiled weights: group-major, then tile, input channel, tap, 4 lanes. */
  private readonly tiled: Float32Array;
  /** Weights of the leftover channels (outPerGroup % 4) per group, PyTorch order. */
  private readonly rest: Float32Array;
  private readonly biasValues: Float32Array;

  /** `weights` must hold exactly `convWeightCount(shape)` values in file order. */
  constructor(shape: ConvShape, weights: Float32Array) {
    this.shape = shape;
    const { inChannels, outChannels, kernelSize: K, groups } = shape;
    this.inPerGroup = inChannels / groups;
    this.outPerGroup = outChannels / groups;
    this.tilesPerGroup = Math.floor(this.outPerGroup / TILE);
    const restPerGroup = this.outPerGroup - this.tilesPerGroup * TILE;
    const perOut = this.inPerGroup * K;
    this.tiled = new Float32Array(groups * this.tilesPerGroup * TILE * perOut);
    this.rest = new Float32Array(groups * restPerGroup * perOut);
    this.biasValues = new Float32Array(outChannels);

    let src = 0;
    for (let g = 0; g < groups; g++) {
      for (let o = 0; o < this.outPerGroup; o++) {
        const tile = Math.floor(o / TILE);
        const lane = o % TILE;
        for (let i = 0; i < this.inPerGroup; i++) {
          for (let k = 0; k < K; k++) {
            const w = weights[src++]!;
            if (tile < this.tilesPerGroup) {
              const base = ((g * this.tilesPerGroup + tile) * this.inPerGroup + i) * K + k;
              this.tiled[base * TILE + lane] = w;
            } else {
              const r = o - this.tilesPerGroup * TILE;
              this.rest[((g * restPerGroup + r) * this.inPerGroup + i) * K + k] = w;
            }
          }
        }
      }
    }
    if (shape.bias) for (let o = 0; o < outChannels; o++) this.biasValues[o] = weights[src++]!;
  }

  /**
   * dst[o][t] (=|+=) bias[o] + Σ W · src, for t in [0, n).
   * Channel c of the source starts at `srcOffset + c·srcStride` (the current sample t is at +t);
   * channel o of the destination at `dstOffset + o·dstStride`.
   */
  run(
    src: Float32Array,
    srcOffset: number,
    srcStride: number,
    dst: Float32Array,
    dstOffset: number,
    dstStride: number,
    n: number,
    accumulate: boolean,
  ): void {
    const { kernelSize: K, dilation: d, groups } = this.shape;
    const inPer = this.inPerGroup;
    const outPer = this.outPerGroup;
    const tiles = this.tilesPerGroup;
    const W = this.tiled;
    const B = this.biasValues;
    const nEven = n & ~1;
    const back0 = d * (K - 1);

    for (let g = 0; g < groups; g++) {
      const srcGroup = srcOffset + g * inPer * srcStride - back0;
      for (let tile = 0; tile < tiles; tile++) {
        const o = g * outPer + tile * TILE;
        const wBase = (g * tiles + tile) * inPer * K * TILE;
        const b0 = B[o]!;
        const b1 = B[o + 1]!;
        const b2 = B[o + 2]!;
        const b3 = B[o + 3]!;
        const d0 = dstOffset + o * dstStride;
        const d1 = d0 + dstStride;
        const d2 = d1 + dstStride;
        const d3 = d2 + dstStride;
        for (let t = 0; t < nEven; t += 2) {
          let a00 = b0, a01 = b0, a10 = b1, a11 = b1, a20 = b2, a21 = b2, a30 = b3, a31 = b3;
          let wp = wBase;
          let row = srcGroup + t;
          if (K === 1) {
            // 1x1 convs (mixins, layer1x1, rechannels): no tap loop.
            for (let i = 0; i < inPer; i++) {
              const x0 = src[row]!;
              const x1 = src[row + 1]!;
              const w0 = W[wp]!;
              const w1 = W[wp + 1]!;
              const w2 = W[wp + 2]!;
              const w3 = W[wp + 3]!;
              a00 += w0 * x0; a01 += w0 * x1;
              a10 += w1 * x0; a11 += w1 * x1;
              a20 += w2 * x0; a21 += w2 * x1;
              a30 += w3 * x0; a31 += w3 * x1;
              wp += TILE;
              row += srcStride;
            }
          } else {
            for (let i = 0; i < inPer; i++) {
              let p = row;
              for (let k = 0; k < K; k++) {
                const x0 = src[p]!;
                const x1 = src[p + 1]!;
                const w0 = W[wp]!;
                const w1 = W[wp + 1]!;
                const w2 = W[wp + 2]!;
                const w3 = W[wp + 3]!;
                a00 += w0 * x0; a01 += w0 * x1;
                a10 += w1 * x0; a11 += w1 * x1;
                a20 += w2 * x0; a21 += w2 * x1;
                a30 += w3 * x0; a31 += w3 * x1;
                wp += TILE;
                p += d;
              }
              row += srcStride;
            }
          }
          if (accumulate) {
            dst[d0 + t] += a00; dst[d0 + t + 1] += a01;
            dst[d1 + t] += a10; dst[d1 + t + 1] += a11;
            dst[d2 + t] += a20; dst[d2 + t + 1] += a21;
            dst[d3 + t] += a30; dst[d3 + t + 1] += a31;
          } else {
            dst[d0 + t] = a00; dst[d0 + t + 1] = a01;
            dst[d1 + t] = a10; dst[d1 + t + 1] = a11;
            dst[d2 + t] = a20; dst[d2 + t + 1] = a21;
            dst[d3 + t] = a30; dst[d3 + t + 1] = a31;
          }
        }
        if (nEven < n) {
          const t = nEven;
          let a0 = b0, a1 = b1, a2 = b2, a3 = b3;
          let wp = wBase;
          let row = srcGroup + t;
          for (let i = 0; i < inPer; i++) {
            let p = row;
            for (let k = 0; k < K; k++) {
              const x = src[p]!;
              a0 += W[wp]! * x;
              a1 += W[wp + 1]! * x;
              a2 += W[wp + 2]! * x;
              a3 += W[wp + 3]! * x;
              wp += TILE;
              p += d;
            }
            row += srcStride;
          }
          if (accumulate) {
            dst[d0 + t] += a0; dst[d1 + t] += a1; dst[d2 + t] += a2; dst[d3 + t] += a3;
          } else {
            dst[d0 + t] = a0; dst[d1 + t] = a1; dst[d2 + t] = a2; dst[d3 + t] = a3;
          }
        }
      }
      this.runRest(g, src, srcGroup, srcStride, dst, dstOffset, dstStride, n, accumulate);
    }
  }

  /** Output channels of group g beyond the last full tile, one channel at a time. */
  private runRest(
    g: number,
    src: Float32Array,
    srcGroup: number,
    srcStride: number,
    dst: Float32Array,
    dstOffset: number,
    dstStride: number,
    n: number,
    accumulate: boolean,
  ): void {
    const { kernelSize: K, dilation: d } = this.shape;
    const inPer = this.inPerGroup;
    const restPer = this.outPerGroup - this.tilesPerGroup * TILE;
    const R = this.rest;
    for (let r = 0; r < restPer; r++) {
      const o = g * this.outPerGroup + this.tilesPerGroup * TILE + r;
      const bias = this.biasValues[o]!;
      const wBase = (g * restPer + r) * inPer * K;
      const dRow = dstOffset + o * dstStride;
      for (let t = 0; t < n; t++) {
        let acc = bias;
        let wp = wBase;
        let row = srcGroup + t;
        for (let i = 0; i < inPer; i++) {
          let p = row;
          for (let k = 0; k < K; k++) {
            acc += R[wp++]! * src[p]!;
            p += d;
          }
          row += srcStride;
        }
        if (accumulate) dst[dRow + t] += acc;
        else dst[dRow + t] = acc;
      }
    }
  }
}
