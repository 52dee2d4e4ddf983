/**
 * A float64 oracle and random inputs for K = 3 dilated convs (the Winograd kernel tests): weights in
 * PyTorch order [out][in][k] then the bias, inputs given from sample −2d.
 */

/** Random weights in [−1, 1): outCh·inCh·3, then outCh biases when `bias`. */
export function randomWeights(r: () => number, outCh: number, inCh: number, bias: boolean): Float32Array {
  return new Float32Array(outCh * inCh * 3 + (bias ? outCh : 0)).map(() => 2 * r() - 1);
}

/** inCh rows of 2d + n float32-representable samples in [−1, 1): the 2d before the block, then the block. */
export function randomInput(r: () => number, inCh: number, d: number, n: number): Float64Array[] {
  return Array.from({ length: inCh }, () => new Float64Array(2 * d + n).map(() => Math.fround(2 * r() - 1)));
}

/** Float64 direct conv: y[o][t] = b[o] + Σ_i Σ_k W[o][i][k]·x[i][t − d·(2−k)], x given from sample −2d. */
export function directOracle(w: Float32Array, bias: boolean, outCh: number, inCh: number, d: number, x: Float64Array[], n: number): Float64Array[] {
  return Array.from({ length: outCh }, (_, o) =>
    new Float64Array(n).map((_, t) => {
      let acc = bias ? w[outCh * inCh * 3 + o]! : 0;
      for (let i = 0; i < inCh; i++) for (let k = 0; k < 3; k++) acc += w[(o * inCh + i) * 3 + k]! * x[i]![2 * d + t - d * (2 - k)]!;
      return acc;
    }),
  );
}
