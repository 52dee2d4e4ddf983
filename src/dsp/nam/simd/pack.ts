/**
 * Weight packers for the WebAssembly SIMD kernels (`assembly/kernels.ts` documents the layouts the
 * kernels read). Run once at load; the results are copied into the model's WebAssembly.Memory at a
 * 16-byte aligned offset.
 */

/** Floats in one tile of packed conv weights: (inCh·K + 1)·16. */
export function convTileFloats(inCh: number, K: number): number {
  return (inCh * K + 1) * 16;
}

/** Number of tiles of 4 output channels. */
export function convTiles(outCh: number): number {
  return Math.ceil(outCh / 4);
}

/**
 * Packs one group's Conv1d weights for `conv`.
 *
 * `weights`: PyTorch order for ONE group — [out][in][k] (outCh·inCh·K values), then bias[out] when
 * `bias` (extra values are ignored). Result, per tile of 4 output channels (channels past outCh are
 * zeros):
 *   for each input channel i, each tap k: w(o0,i,k)×4, w(o1,i,k)×4, w(o2,i,k)×4, w(o3,i,k)×4
 *   then b0×4, b1×4, b2×4, b3×4 (zeros without bias)
 * so `convTiles(outCh) · convTileFloats(inCh, K)` floats in all.
 */
export function packConvWeights(weights: Float32Array, outCh: number, inCh: number, K: number, bias: boolean): Float32Array {
  const need = outCh * inCh * K + (bias ? outCh : 0);
  if (weights.length < need) throw new Error(`packConvWeights: need ${need} weights, got ${weights.length}`);
  const out = new Float32Array(convTiles(outCh) * convTileFloats(inCh, K));
  packConvTilesInto(out, weights, 0, bias ? outCh * inCh * K : -1, outCh, inCh, K, 0, convTiles(outCh));
  return out;
}

/**
 * Writes tiles [tileFrom, tileTo) of `packConvWeights`' layout into `out` (which holds all
 * `convTiles(outCh) · convTileFloats(inCh, K)` floats), so a big conv can be packed in slices.
 * The group's weights start at `weights[wOffset]` ([out][in][k]); its bias at `weights[biasOffset]`
 * (`biasOffset` < 0: no bias). Every float of those tiles is written (padding lanes with 0).
 */
export function packConvTilesInto(out: Float32Array, weights: Float32Array, wOffset: number, biasOffset: number, outCh: number, inCh: number, K: number, tileFrom: number, tileTo: number): void {
  const tileFloats = convTileFloats(inCh, K);
  out.fill(0, tileFrom * tileFloats, tileTo * tileFloats);
  const oEnd = Math.min(outCh, tileTo * 4);
  for (let o = tileFrom * 4; o < oEnd; o++) {
    const tile = o >> 2;
    const lane = o & 3;
    const base = tile * tileFloats;
    for (let i = 0; i < inCh; i++) {
      for (let k = 0; k < K; k++) {
        out.fill(weights[wOffset + (o * inCh + i) * K + k]!, base + (i * K + k) * 16 + lane * 4, base + (i * K + k) * 16 + lane * 4 + 4);
      }
    }
    if (biasOffset >= 0) {
      const b = weights[biasOffset + o]!;
      out.fill(b, base + inCh * K * 16 + lane * 4, base + inCh * K * 16 + lane * 4 + 4);
    }
  }
}

/** Sizes (in floats) of a mono-input LSTM's packed params and state; see `assembly/kernels.ts`. */
export interface LstmLayout {
  hidden: number;
  layers: number;
  /** hidden rounded up to a multiple of 4. */
  hiddenPadded: number;
  /** Packed params: layers, head, initial state. */
  paramsFloats: number;
  /** Float offset of the head (W then [bias, 0, 0, 0]) in the params. */
  headOffset: number;
  /** Float offset of the initial state (h0 for all layers, then c0) in the params. */
  initOffset: number;
  /** State: xh (4 + L·Hp), c (L·Hp), scratch (Hp). */
  stateFloats: number;
}

export function lstmLayout(hidden: number, layers: number): LstmLayout {
  const Hp = (hidden + 3) & ~3;
  let headOffset = 0;
  for (let l = 0; l < layers; l++) headOffset += (Hp / 4) * ((l === 0 ? 1 : Hp) + Hp + 1) * 16;
  const initOffset = headOffset + Hp + 4;
  return {
    hidden,
    layers,
    hiddenPadded: Hp,
    paramsFloats: initOffset + 2 * layers * Hp,
    headOffset,
    initOffset,
    stateFloats: 4 + 2 * layers * Hp + Hp,
  };
}

/**
 * Packs a mono-input LSTM from its .nam weights for `lstm_process`:
 * per layer l (I_l = 1 for l = 0, H after): W [4H × (I_l + H)] row-major with gate rows i, f, g, o
 * and columns x then h, bias [4H], h0 [H], c0 [H]; then head W [H] and head bias (1).
 *
 * Packed (Hp = H rounded up to 4; see `lstmLayout` for the offsets):
 *   per layer, per block b of 4 hidden units u = 4b..4b+3, per column j of [x_l (1 or Hp), h_l (Hp)]:
 *     16 floats: W[q·H + u][j] for q = i, f, g, o (4 units each; padded units and columns are 0)
 *   then per block 16 floats of bias in the same order;
 *   head W (Hp), [head bias, 0, 0, 0]; h0 (L × Hp); c0 (L × Hp).
 */
export function packLstm(weights: Float32Array, hidden: number, layers: number): Float32Array {
  const H = hidden;
  const layout = lstmLayout(H, layers);
  const Hp = layout.hiddenPadded;
  const out = new Float32Array(layout.paramsFloats);
  let src = 0;
  let dst = 0;
  const take = (): number => {
    if (src >= weights.length) throw new Error(`packLstm: ran out of weights at ${src}`);
    return weights[src++]!;
  };
  for (let l = 0; l < layers; l++) {
    const inSize = l === 0 ? 1 : H; // columns in the file
    const inPadded = l === 0 ? 1 : Hp; // columns in the packed layout
    const fileCols = inSize + H;
    const cols = inPadded + Hp;
    const W = weights.subarray(src, src + 4 * H * fileCols);
    src += 4 * H * fileCols;
    const B = weights.subarray(src, src + 4 * H);
    src += 4 * H;
    if (B.length < 4 * H) throw new Error('packLstm: ran out of weights');
    for (let b = 0; b < Hp / 4; b++) {
      for (let j = 0; j < cols; j++) {
        // Packed column j → file column (x columns, then h columns), or none for padding.
        const fileJ = j < inPadded ? (j < inSize ? j : -1) : j - inPadded < H ? inSize + (j - inPadded) : -1;
        for (let q = 0; q < 4; q++) {
          for (let lane = 0; lane < 4; lane++) {
            const u = 4 * b + lane;
            if (u < H && fileJ >= 0) out[dst + q * 4 + lane] = W[(q * H + u) * fileCols + fileJ]!;
          }
        }
        dst += 16;
      }
      for (let q = 0; q < 4; q++) {
        for (let lane = 0; lane < 4; lane++) {
          const u = 4 * b + lane;
          if (u < H) out[dst + q * 4 + lane] = B[q * H + u]!;
        }
      }
      dst += 16;
    }
    for (let u = 0; u < H; u++) out[layout.initOffset + l * Hp + u] = take();
    for (let u = 0; u < H; u++) out[layout.initOffset + (layers + l) * Hp + u] = take();
  }
  for (let u = 0; u < H; u++) out[layout.headOffset + u] = take();
  out[layout.headOffset + Hp] = take();
  if (src !== weights.length) throw new Error(`packLstm: expected ${src} weights, got ${weights.length}`);
  return out;
}

/** Floats in one tile of `packWinogradWeights`: (4·inCh + 1)·16. */
export function winogradTileFloats(inCh: number): number {
  return (4 * inCh + 1) * 16;
}

/**
 * Packs one group's K = 3 Conv1d weights ([out][in][3] from `weights[wOffset]`, bias[out] from
 * `weights[biasOffset]` when ≥ 0) for `conv_wino`, tiles [tileFrom, tileTo) of
 * `convTiles(outCh) · winogradTileFloats(inCh)` floats. With W_k the out × in matrix of tap k, the
 * Winograd F(2,3) matrices are G0 = W0, G1 = (W0+W1+W2)/2, G2 = (W0−W1+W2)/2, G3 = W2. Per tile of
 * 4 outputs: the sets G1, G2, G0, G3 (the kernel's pass order), each for each input channel i
 * g(o0,i)×4 g(o1,i)×4 g(o2,i)×4 g(o3,i)×4; then the bias ×4 per output (it goes with G1, whose
 * product is in both outputs of a pair). Channels past outCh are zeros.
 */
export function packWinogradTilesInto(out: Float32Array, weights: Float32Array, wOffset: number, biasOffset: number, outCh: number, inCh: number, tileFrom: number, tileTo: number): void {
  // In pass order: G1, G2, G0, G3.
  packTransformedTilesInto(out, weights, wOffset, biasOffset, outCh, inCh, tileFrom, tileTo, 4, (w0, w1, w2) => [(w0 + w1 + w2) / 2, (w0 - w1 + w2) / 2, w0, w2]);
}

/** A tap triple's transformed weights, in a kernel's pass order. */
type TapTransform = (w0: number, w1: number, w2: number) => readonly number[];

/**
 * The layout both Winograd packs share: per tile of 4 outputs, `sets` sets of transformed weights,
 * each for each input channel i g(o0,i)×4 … g(o3,i)×4, then the bias ×4 per output; channels past
 * outCh are zeros.
 */
function packTransformedTilesInto(
  out: Float32Array,
  weights: Float32Array,
  wOffset: number,
  biasOffset: number,
  outCh: number,
  inCh: number,
  tileFrom: number,
  tileTo: number,
  sets: number,
  transform: TapTransform,
): void {
  const tileFloats = (sets * inCh + 1) * 16;
  out.fill(0, tileFrom * tileFloats, tileTo * tileFloats);
  const oEnd = Math.min(outCh, tileTo * 4);
  for (let o = tileFrom * 4; o < oEnd; o++) {
    const base = (o >> 2) * tileFloats + (o & 3) * 4;
    for (let i = 0; i < inCh; i++) {
      const at = wOffset + (o * inCh + i) * 3;
      const g = transform(weights[at]!, weights[at + 1]!, weights[at + 2]!);
      for (let set = 0; set < sets; set++) {
        const p = base + (set * inCh + i) * 16;
        out.fill(g[set]!, p, p + 4);
      }
    }
    if (biasOffset >= 0) {
      const p = base + sets * inCh * 16;
      out.fill(weights[biasOffset + o]!, p, p + 4);
    }
  }
}

/** `packWinogradTilesInto` for all tiles of a whole (ungrouped) K = 3 conv; weights as `packConvWeights`. */
export function packWinogradWeights(weights: Float32Array, outCh: number, inCh: number, bias: boolean): Float32Array {
  return packWholeConv('packWinogradWeights', winogradTileFloats(inCh), packWinogradTilesInto, weights, outCh, inCh, bias);
}

type TilePacker = typeof packWinogradTilesInto;

/** All tiles of a whole (ungrouped) K = 3 conv through `packInto`, after checking the weight count. */
function packWholeConv(name: string, tileFloats: number, packInto: TilePacker, weights: Float32Array, outCh: number, inCh: number, bias: boolean): Float32Array {
  const need = outCh * inCh * 3 + (bias ? outCh : 0);
  if (weights.length < need) throw new Error(`${name}: need ${need} weights, got ${weights.length}`);
  const out = new Float32Array(convTiles(outCh) * tileFloats);
  packInto(out, weights, 0, bias ? outCh * inCh * 3 : -1, outCh, inCh, 0, convTiles(outCh));
  return out;
}

/** Floats in one tile of `packWinograd4Weights`: (6·inCh + 1)·16. */
export function winograd4TileFloats(inCh: number): number {
  return (6 * inCh + 1) * 16;
}

/**
 * Packs one group's K = 3 Conv1d weights (as `packWinogradTilesInto`) for `conv_wino4`, the
 * Winograd F(4,3) path, tiles [tileFrom, tileTo) of `convTiles(outCh) · winograd4TileFloats(inCh)`
 * floats. With W_k the out × in matrix of tap k, G = [[1/4, 0, 0], [−1/6, −1/6, −1/6],
 * [−1/6, 1/6, −1/6], [1/24, 1/12, 1/6], [1/24, −1/12, 1/6], [0, 0, 1]] gives G_j = Σ_k G[j][k]·W_k
 * (computed in float64, rounded once). Per tile of 4 outputs: the sets G1, G2, G3, G4, G0, G5 (the
 * kernel's pass order), each for each input channel g(o0,i)×4 … g(o3,i)×4; then the bias ×4 per
 * output (it goes with G1, whose product is in all four outputs of a quad with coefficient 1).
 * Channels past outCh are zeros.
 */
export function packWinograd4TilesInto(out: Float32Array, weights: Float32Array, wOffset: number, biasOffset: number, outCh: number, inCh: number, tileFrom: number, tileTo: number): void {
  // In pass order: G1, G2, G3, G4, G0, G5.
  packTransformedTilesInto(out, weights, wOffset, biasOffset, outCh, inCh, tileFrom, tileTo, 6, (w0, w1, w2) => [
    -(w0 + w1 + w2) / 6,
    -(w0 - w1 + w2) / 6,
    w0 / 24 + w1 / 12 + w2 / 6,
    w0 / 24 - w1 / 12 + w2 / 6,
    w0 / 4,
    w2,
  ]);
}

/** `packWinograd4TilesInto` for all tiles of a whole (ungrouped) K = 3 conv; weights as `packConvWeights`. */
export function packWinograd4Weights(weights: Float32Array, outCh: number, inCh: number, bias: boolean): Float32Array {
  return packWholeConv('packWinograd4Weights', winograd4TileFloats(inCh), packWinograd4TilesInto, weights, outCh, inCh, bias);
}
