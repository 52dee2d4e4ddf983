/**
 * WebAssembly 128-bit SIMD kernels for the NAM engine, in AssemblyScript.
 *
 * GENERATED ARTIFACT: `scripts/build-simd-kernels.ts` (`npm run build:simd`) compiles this file
 * twice (baseline SIMD, and relaxed SIMD where every multiply-add is `f32x4.relaxed_madd`) into
 * `src/dsp/nam/simd/kernels-wasm.ts`. A test checks that the committed binary equals a fresh build,
 * so edit this file and rebuild; never edit the generated file.
 *
 * Build: `--runtime stub --importMemory --noExportMemory --initialMemory 0 --use abort=`: the
 * module imports only `env.memory`, has no data segments, no globals, no start function, never
 * allocates and never grows the memory. Nothing in here touches memory outside the pointers it is
 * given (plus the documented slack below).
 *
 * ── Memory conventions (all pointers are BYTE offsets into env.memory, all data f32) ──────────────
 * - Planar block buffers: channel c at `ptr + 4·c·stride`; `stride` (floats) is a multiple of 8;
 *   every buffer is 16-byte aligned; channel counts are padded up to a multiple of 4 (padding rows
 *   may be read and written freely). Kernels process whole groups of 8 samples: conv reads and
 *   writes samples up to n rounded up to a multiple of 8; elementwise kernels treat `count` as
 *   rounded up to a multiple of 4.
 * - Histories (dilated convs): channel c at `hist + 4·c·capacity`; the current block starts at
 *   float index `pos` of each channel; tap k of a size-K kernel at dilation d reads
 *   `pos + t − d·(K−1−k)`. The conv takes `src` = byte address of (channel 0, sample pos) and
 *   `srcStride` = capacity. For 1x1 convs `src` is a planar buffer and `srcStride` its stride.
 *   Source loads are unaligned v128 loads (fine in WASM); dst stores are aligned.
 *
 * ── Exports ───────────────────────────────────────────────────────────────────────────────────────
 * conv(src, srcStride, dst, dstStride, w, tiles, inCh, K, dilation, n, accumulate)
 *   Dense causal dilated Conv1d (the engine calls it once per group, with offset pointers).
 *   Packed weights at `w` (see `packConvWeights` in pack.ts), per tile of 4 output channels:
 *     for each input channel i, each tap k: 16 floats w(o0,i,k)×4 w(o1,i,k)×4 w(o2,i,k)×4 w(o3,i,k)×4
 *     then the tile's bias b0×4 b1×4 b2×4 b3×4 (zeros without bias)
 *   i.e. a tile is (inCh·K + 1)·16 floats. Writes (or, accumulate = 1, adds into) dst rows
 *   tile·4 … tile·4+3 for every tile, samples [0, n rounded up to 8).
 * conv_wino(src, srcStride, dst, dstStride, w, tiles, inCh, dilation, n, accumulate, scratch, segPairs)
 *   The K = 3 conv by Winograd F(2,3) (4 products per output pair instead of 6) for dilations
 *   d ≥ 4 with d % 4 = 0 and n a multiple of 2·lcm(d, 8), or d = 1, 2 and n a multiple of 16
 *   (pairs de-interleaved by shuffles); weights from `packWinogradWeights`,
 *   scratch as documented at the function. Writes (or adds into) dst rows of every tile, samples [0, n).
 *
 * conv_wino4(src, srcStride, dst, dstStride, w, tiles, inCh, dilation, n, accumulate, scratch, segQuads)
 *   The K = 3 conv by Winograd F(4,3) (6 products per output quad instead of 12) for d ≥ 4, d % 4 = 0
 *   and n a multiple of 4·lcm(d, 8), or d = 1, 2 and n a multiple of 32 (quads de-interleaved by
 *   shuffles); weights from `packWinograd4Weights`, scratch at the function.
 *
 * conv_wino_phase(src, srcStride, dst, dstStride, w, wDirect, tiles, inCh, dilation, n, accumulate, scratch, state)
 *   The same conv for any block size, Winograd pairs (t, t+d) taken by absolute time through a
 *   per-conv clock and carry (d ≥ 8, d % 8 = 0): pairs may straddle blocks; documented at the function.
 *
 * Activations, in place over `count` floats (rounded up to a multiple of 4):
 *   tanh_exact(ptr, count)      Eigen's float rational tanh (activations.ts `preciseTanh`), in f32
 *   tanh_fast(ptr, count)       the core's fast_tanh (activations.ts `fastTanh`), in f32
 *   sigmoid_exact(ptr, count)   0.5·(1 + tanh_exact(x/2))
 *   sigmoid_fast(ptr, count)    0.5·(fast_tanh(x/2) + 1)
 *   relu(ptr, count)            x > 0 ? x : 0   (NaN → 0, as activations.ts)
 *   leaky_relu(ptr, count, slope)
 *   hardtanh(ptr, count)
 *   leaky_hardtanh(ptr, count, minVal, maxVal, minSlope, maxSlope)
 *   softsign(ptr, count)        x / (1 + |x|)
 *   silu_exact(ptr, count)      x · sigmoid_exact(x)
 *   hardswish(ptr, count)       x ≤ −3 ? 0 : x ≥ 3 ? x : x(x+3)/6
 *
 * Elementwise (count rounded up to a multiple of 4):
 *   add(dst, src, count)                          dst += src
 *   copy(dst, src, count)                         dst = src
 *   scale(dst, src, count, k)                     dst = k·src
 *   gate_mul(top, bottom, count)                  top *= bottom
 *   copy_rows(dst, dstStride, src, srcStride, rows, count)   rows of count floats, strides in floats
 *   blend(top, pre, alpha, count)                 top = alpha·top + (1−alpha)·pre
 *   film(dst, x, scale, shift, count, hasShift)   dst = x·scale (+ shift when hasShift ≠ 0)
 *   flush_denormals(ptr, count)                   |v| < 1e-30 → 0 (NaN and ±Inf kept)
 *
 * wavenet_layer(desc, x, cond, acc, n, pos)
 *   A whole plain WaveNet layer (history append, conv, mixin, activation/gating, head add, layer1x1)
 *   in one call, from a descriptor of integer slots (f64); documented at the function. A tanh
 *   layer without gating (B a multiple of 4, n of 8) runs the mixin, tanh and head add in the
 *   conv's (or Winograd conv's) epilogue, on registers (`layerOut`): the same bits, fewer passes.
 * wavenet_layer_chain(desc, cond, acc, n, pos, out, outStride)
 *   The same layer whose input is already in its history at pos (the previous layer wrote it
 *   there): no history append, and x_next = x + layer1x1(z) goes to `out` (the next layer's
 *   history, or the array's output) instead of over x. Same bits as `wavenet_layer`.
 * conv1x1_add(src, srcStride, addend, addendStride, dst, dstStride, w, tiles, inCh, n)
 *   dst = addend + (W·src + b) for a 1x1 conv packed as `conv` with K = 1: `conv(…, accumulate = 1)`
 *   with the old dst read from another buffer (same operations, same order, same bits).
 *
 * LSTM (mono input; see `packLstm`/`lstmLayout` in pack.ts). Hp = H rounded up to a multiple of 4.
 *   Params at `params` (floats; 16-byte aligned):
 *     for each layer l (cols_l = 1 + Hp for l = 0, 2·Hp after; columns are [x_l, h_l]):
 *       for each block b of 4 hidden units (Hp/4 blocks):
 *         for each column j: 16 floats W[i-row u][j] (u = 4b..4b+3), then the f, g, o rows alike
 *         then 16 floats: the bias of those 16 rows, same order
 *     head: Hp floats (head W, zero padded), then 4 floats [head bias, 0, 0, 0]
 *     initial state: h0 (L × Hp), then c0 (L × Hp)
 *   State at `state` (floats; 16-byte aligned): 4 + 2·L·Hp + Hp floats
 *     xh   [0, 0, 0, x | h_0 (Hp) | … | h_{L−1} (Hp)]   (layer l's [x_l, h_l] is contiguous)
 *     c    [c_0 (Hp) | … | c_{L−1} (Hp)]
 *     hnew [Hp] scratch
 *   Padded hidden units have zero weights and bias and zero initial state, so they stay 0.
 *   lstm_reset(params, state, H, L)   state := exported h0/c0 (x slot zeroed)
 *   lstm_process(params, state, input, output, n, H, L, fast)
 *     per sample s: x = input[s]; for each layer: gates = W·[x_l, h_l] + b; c = σ(f)·c + σ(i)·tanh(g);
 *     h = σ(o)·tanh(c) (all of a layer's c and h from the old h); output[s] = headW·h_last + bias.
 *     fast = 0: tanh_exact / sigmoid_exact; fast ≠ 0: fast_tanh / fast_sigmoid (the core's switch).
 *     input/output are plain f32 arrays of n samples (no slack needed) and may be the same array.
 *     L = 0 copies input to output (the core passes the input through).
 */

// ── Multiply-add: relaxed_madd in the relaxed build, mul + add in the baseline ─────────────────────

/** a·b + c. */
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

/** Bytes covered by `count` floats rounded up to a multiple of 4. */
@inline
function span(count: i32): usize {
  return <usize>((count + 3) & ~3) << 2;
}

// ── Convolution ─────────────────────────────────────────────────────────────────────────────────

/**
 * The fused layer epilogue for one time vector of 4 z rows (v0…v3, the conv's sums at z address q,
 * rows `step` bytes apart): the mixin of cond (address c, rows `condStep` apart; tile weights mt,
 * mIn input rows, as `conv` with K = 1 packs them) added as the mixin conv's accumulate adds it,
 * then tanh (fast or exact), stored to z, and added into acc (address r, rows `step` apart) as
 * `add` does: the same operations, in the same order, as the separate kernels.
 */
@inline
function layerOut(
  q: usize,
  r: usize,
  c: usize,
  step: usize,
  condStep: usize,
  mt: usize,
  mIn: i32,
  fast: i32,
  v0: v128,
  v1: v128,
  v2: v128,
  v3: v128,
): void {
  const mb = mt + (<usize>mIn << 6);
  let m0 = v128.load(mb, 0);
  let m1 = v128.load(mb, 16);
  let m2 = v128.load(mb, 32);
  let m3 = v128.load(mb, 48);
  let p = c;
  for (let wp = mt; wp < mb; wp += 64) {
    const x = v128.load(p);
    m0 = madd(v128.load(wp, 0), x, m0);
    m1 = madd(v128.load(wp, 16), x, m1);
    m2 = madd(v128.load(wp, 32), x, m2);
    m3 = madd(v128.load(wp, 48), x, m3);
    p += condStep;
  }
  v0 = f32x4.add(m0, v0);
  v1 = f32x4.add(m1, v1);
  v2 = f32x4.add(m2, v2);
  v3 = f32x4.add(m3, v3);
  if (fast) {
    v0 = vtanhFast(v0);
    v1 = vtanhFast(v1);
    v2 = vtanhFast(v2);
    v3 = vtanhFast(v3);
  } else {
    v0 = vtanhExact(v0);
    v1 = vtanhExact(v1);
    v2 = vtanhExact(v2);
    v3 = vtanhExact(v3);
  }
  v128.store(q, v0);
  v128.store(q + step, v1);
  v128.store(q + 2 * step, v2);
  v128.store(q + 3 * step, v3);
  v128.store(r, f32x4.add(v128.load(r), v0));
  v128.store(r + step, f32x4.add(v128.load(r + step), v1));
  v128.store(r + 2 * step, f32x4.add(v128.load(r + 2 * step), v2));
  v128.store(r + 3 * step, f32x4.add(v128.load(r + 3 * step), v3));
}

export function conv(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  w: usize,
  tiles: i32,
  inCh: i32,
  K: i32,
  dilation: i32,
  n: i32,
  accumulate: i32,
): void {
  convCore(src, srcStride, dst, dstStride, w, tiles, inCh, K, dilation, n, accumulate, false, 0, 0, 0, 0, 0, 0);
}

/**
 * A plain layer's dilated conv with its epilogue fused (`wavenet_layer`, not gated, B = 4·tiles,
 * tanh, n a multiple of 8): per tile and 8 samples, the conv's sums, then the same operations in the
 * same order as the separate kernels: z = mixin(cond) + z (mixin weights `mw`, `mIn` rows of
 * cond), z = tanh(z) (exact or fast: `fast`), stored, and acc += z. Same bits as the unfused calls.
 */
function conv_layer_fused(
  src: usize,
  srcStride: i32,
  dst: usize,
  stride: i32,
  w: usize,
  tiles: i32,
  inCh: i32,
  K: i32,
  dilation: i32,
  n: i32,
  mw: usize,
  mIn: i32,
  cond: usize,
  acc: usize,
  fast: i32,
): void {
  convCore(src, srcStride, dst, stride, w, tiles, inCh, K, dilation, n, 0, true, mw, mIn, cond, acc, fast, stride);
}

/** The conv; with `fused` (a constant) the layer epilogue of `conv_layer_fused`. */
@inline
function convCore(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  w: usize,
  tiles: i32,
  inCh: i32,
  K: i32,
  dilation: i32,
  n: i32,
  accumulate: i32,
  fused: bool,
  mw: usize,
  mIn: i32,
  cond: usize,
  acc: usize,
  fast: i32,
  condStride: i32,
): void {
  const srcStep = <usize>srcStride << 2;
  const dstStep = <usize>dstStride << 2;
  // Between input channels of one tap: K taps of 16 floats.
  const wStep = <usize>K << 6;
  const wTaps = <usize>(inCh * K) << 6;
  const tileBytes = wTaps + 64;
  const n8 = (n + 7) & ~7;
  const back = dilation * (K - 1);
  if (inCh <= 0 || n8 <= 0) {
    // No inputs: the output is the bias.
    for (let tile = 0; tile < tiles; tile++) {
      const b = w + <usize>tile * tileBytes + wTaps;
      let d = dst + <usize>(tile << 2) * dstStep;
      for (let j = 0; j < 4; j++) {
        const bv = v128.load(b + (<usize>j << 4));
        for (let t = 0; t < n8; t += 4) {
          const q = d + (<usize>t << 2);
          v128.store(q, accumulate ? f32x4.add(v128.load(q), bv) : bv);
        }
        d += dstStep;
      }
    }
    return;
  }
  const chanEnd = <usize>inCh * srcStep;
  const condStep = <usize>condStride << 2;
  const mTaps = <usize>mIn << 6;
  const mTileBytes = mTaps + 64;
  for (let tile = 0; tile < tiles; tile++) {
    const wt = w + <usize>tile * tileBytes;
    const d0 = dst + <usize>(tile << 2) * dstStep;
    for (let t = 0; t < n8; t += 8) {
      let a00 = v128.load(wt + wTaps, 0);
      let a10 = v128.load(wt + wTaps, 16);
      let a20 = v128.load(wt + wTaps, 32);
      let a30 = v128.load(wt + wTaps, 48);
      let a01 = a00;
      let a11 = a10;
      let a21 = a20;
      let a31 = a30;
      let wk = wt;
      let off = t - back;
      for (let k = 0; k < K; k++) {
        // One pass over the input channels per tap; the tap's time offset is folded into p.
        let p = src + (<usize>off << 2);
        const pEnd = p + chanEnd;
        let wp = wk;
        do {
          const x0 = v128.load(p, 0);
          const x1 = v128.load(p, 16);
          let wv = v128.load(wp, 0);
          a00 = madd(wv, x0, a00);
          a01 = madd(wv, x1, a01);
          wv = v128.load(wp, 16);
          a10 = madd(wv, x0, a10);
          a11 = madd(wv, x1, a11);
          wv = v128.load(wp, 32);
          a20 = madd(wv, x0, a20);
          a21 = madd(wv, x1, a21);
          wv = v128.load(wp, 48);
          a30 = madd(wv, x0, a30);
          a31 = madd(wv, x1, a31);
          p += srcStep;
          wp += wStep;
        } while (p != pEnd);
        wk += 64;
        off += dilation;
      }
      const q0 = d0 + (<usize>t << 2);
      const q1 = q0 + dstStep;
      const q2 = q1 + dstStep;
      const q3 = q2 + dstStep;
      if (fused) {
        const mt = mw + <usize>tile * mTileBytes;
        const r0 = acc + (<usize>(tile << 2) * dstStep) + (<usize>t << 2);
        const c0 = cond + (<usize>t << 2);
        layerOut(q0, r0, c0, dstStep, condStep, mt, mIn, fast, a00, a10, a20, a30);
        layerOut(q0 + 16, r0 + 16, c0 + 16, dstStep, condStep, mt, mIn, fast, a01, a11, a21, a31);
        continue;
      } else if (accumulate) {
        a00 = f32x4.add(a00, v128.load(q0, 0));
        a01 = f32x4.add(a01, v128.load(q0, 16));
        a10 = f32x4.add(a10, v128.load(q1, 0));
        a11 = f32x4.add(a11, v128.load(q1, 16));
        a20 = f32x4.add(a20, v128.load(q2, 0));
        a21 = f32x4.add(a21, v128.load(q2, 16));
        a30 = f32x4.add(a30, v128.load(q3, 0));
        a31 = f32x4.add(a31, v128.load(q3, 16));
      }
      v128.store(q0, a00, 0);
      v128.store(q0, a01, 16);
      v128.store(q1, a10, 0);
      v128.store(q1, a11, 16);
      v128.store(q2, a20, 0);
      v128.store(q2, a21, 16);
      v128.store(q3, a30, 0);
      v128.store(q3, a31, 16);
    }
  }
}

// ── Winograd F(2,3) convolution (K = 3, dilation d ≥ 4, d % 4 = 0) ──────────────────────────────

/**
 * conv_wino(src, srcStride, dst, dstStride, w, tiles, inCh, dilation, n, accumulate, scratch, segPairs)
 *
 * The same result as `conv(…, K = 3, dilation, …)` with 4 matrix products per output PAIR
 * (y[t], y[t+d]) instead of 6. For x0..x3 = x[t−2d], x[t−d], x[t], x[t+d] (per input channel):
 *   u0 = x0 − x2, u1 = x1 + x2, u2 = x2 − x1, u3' = x3 − x1
 *   m_i = G_i·u_i (G0 = W0, G1 = (W0+W1+W2)/2 with the bias, G2 = (W0−W1+W2)/2, G3 = W2)
 *   y[t] = (m1 + m2) + m0,  y[t+d] = (m1 − m2) + m3'
 * The block is cut into runs of 2d samples: the first d are the "t" of each pair, the last d the
 * "t+d". Time runs 4 pairs per vector and 2 vectors per step, so each segment of the block holds a
 * multiple of 8 pairs: the caller passes n a multiple of 2·lcm(d, 8), and `segPairs` (pairs per
 * segment) a multiple of lcm(d, 8).
 *
 * Per segment: (1) the input transform writes u into the scratch, per input channel c at
 * `scratch + c·(16·segPairs + 64)` bytes, per vector of 4 pairs 64 bytes: u0, u1, u2, u3'; then
 * (2) per tile of 4 outputs and 8 pairs, four passes over the input channels (8 accumulators each,
 * like `conv`): m1 (kept in 128 bytes of scratch after the u rows), m2 (then y[t+d] = m1 − m2 is
 * stored and m1 + m2 kept), + m0 (y[t] stored), + m3' (y[t+d] completed).
 *
 * w: per tile, the sets G1, G2, G0, G3 in that order, each for each input channel 16 floats
 *    (4 outputs × 4 lanes, as `conv` with K = 1), then G1's bias (16 floats): `packWinogradWeights`.
 * scratch: inCh·(4·segPairs + 16) + 32 floats (d = 1, 2: + 96 instead of + 32), 16-byte aligned. d = 1, 2:
 * `winoSmallCore` (n a multiple of 16, segPairs of 8).
 */
export function conv_wino(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  w: usize,
  tiles: i32,
  inCh: i32,
  dilation: i32,
  n: i32,
  accumulate: i32,
  scratch: usize,
  segPairs: i32,
): void {
  if (dilation < 4) {
    winoSmallCore(src, srcStride, dst, dstStride, w, tiles, inCh, dilation, n, accumulate, scratch, segPairs, false, 0, 0, 0, 0, 0);
  } else {
    winoCore(src, srcStride, dst, dstStride, w, tiles, inCh, dilation, n, accumulate, scratch, segPairs, false, 0, 0, 0, 0, 0);
  }
}

/** `conv_wino` (accumulate = 0) with the layer epilogue of `conv_layer_fused` (`layerOut`). */
function conv_wino_layer_fused(
  src: usize,
  srcStride: i32,
  dst: usize,
  stride: i32,
  w: usize,
  tiles: i32,
  inCh: i32,
  dilation: i32,
  n: i32,
  scratch: usize,
  segPairs: i32,
  mw: usize,
  mIn: i32,
  cond: usize,
  acc: usize,
  fast: i32,
): void {
  if (dilation < 4) {
    winoSmallCore(src, srcStride, dst, stride, w, tiles, inCh, dilation, n, 0, scratch, segPairs, true, mw, mIn, cond, acc, fast);
  } else {
    winoCore(src, srcStride, dst, stride, w, tiles, inCh, dilation, n, 0, scratch, segPairs, true, mw, mIn, cond, acc, fast);
  }
}

/** The Winograd conv; with `fused` (a constant) the layer epilogue at each final output. */
@inline
function winoCore(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  w: usize,
  tiles: i32,
  inCh: i32,
  dilation: i32,
  n: i32,
  accumulate: i32,
  scratch: usize,
  segPairs: i32,
  fused: bool,
  mw: usize,
  mIn: i32,
  cond: usize,
  acc: usize,
  fast: i32,
): void {
  const mTileBytes = (<usize>mIn << 6) + 64;
  const d = dilation;
  const dB = <usize>d << 2;
  const srcStep = <usize>srcStride << 2;
  const dstStep = <usize>dstStride << 2;
  // One channel's u rows, padded so channels are never a multiple of 4 KiB apart.
  const chStep = (<usize>segPairs << 4) + 64;
  const chanEnd = <usize>inCh * chStep;
  const keep = scratch + chanEnd;
  const setBytes = <usize>inCh << 6;
  const tileBytes = (setBytes << 2) + 64;
  const seg = segPairs << 1;
  for (let s0 = 0; s0 < n; s0 += seg) {
    const vectors = (min(s0 + seg, n) - s0) >> 3;
    // 1. Input transform.
    for (let c = 0; c < inCh; c++) {
      let p = src + <usize>c * srcStep + (<usize>s0 << 2);
      let u = scratch + <usize>c * chStep;
      let left = dB;
      for (let k = 0; k < vectors; k++) {
        const x1 = v128.load(p - dB);
        const x2 = v128.load(p);
        v128.store(u, f32x4.sub(v128.load(p - (dB << 1)), x2), 0);
        v128.store(u, f32x4.add(x1, x2), 16);
        v128.store(u, f32x4.sub(x2, x1), 32);
        v128.store(u, f32x4.sub(v128.load(p + dB), x1), 48);
        u += 64;
        p += 16;
        left -= 16;
        if (left == 0) {
          // End of the first half of a run of 2d: skip its second half.
          p += dB;
          left = dB;
        }
      }
    }
    // 2. Products and output transform, per tile and 8 pairs.
    for (let tile = 0; tile < tiles; tile++) {
      const w1 = w + <usize>tile * tileBytes;
      const w2 = w1 + setBytes;
      const w0 = w2 + setBytes;
      const w3 = w0 + setBytes;
      const y0 = dst + <usize>(tile << 2) * dstStep;
      const accRows = acc + <usize>(tile << 2) * dstStep;
      const mt = mw + <usize>tile * mTileBytes;
      for (let v = 0; v < vectors; v += 2) {
        // Samples of the first output of each pair, for vectors v and v + 1.
        const qa = v << 2;
        const qb = qa + 4;
        const ta = y0 + (<usize>(s0 + qa + (qa / d) * d) << 2);
        const tb = y0 + (<usize>(s0 + qb + (qb / d) * d) << 2);
        const u0 = scratch + (<usize>v << 6);
        const uEnd = u0 + chanEnd;
        // m1 = G1·u1 + bias
        let a0 = v128.load(w3 + setBytes, 0);
        let a1 = v128.load(w3 + setBytes, 16);
        let a2 = v128.load(w3 + setBytes, 32);
        let a3 = v128.load(w3 + setBytes, 48);
        let b0 = a0;
        let b1 = a1;
        let b2 = a2;
        let b3 = a3;
        let p = u0 + 16;
        let wp = w1;
        do {
          const ua = v128.load(p, 0);
          const ub = v128.load(p, 64);
          let wv = v128.load(wp, 0);
          a0 = madd(wv, ua, a0);
          b0 = madd(wv, ub, b0);
          wv = v128.load(wp, 16);
          a1 = madd(wv, ua, a1);
          b1 = madd(wv, ub, b1);
          wv = v128.load(wp, 32);
          a2 = madd(wv, ua, a2);
          b2 = madd(wv, ub, b2);
          wv = v128.load(wp, 48);
          a3 = madd(wv, ua, a3);
          b3 = madd(wv, ub, b3);
          p += chStep;
          wp += 64;
        } while (p != uEnd + 16);
        v128.store(keep, a0, 0);
        v128.store(keep, a1, 16);
        v128.store(keep, a2, 32);
        v128.store(keep, a3, 48);
        v128.store(keep, b0, 64);
        v128.store(keep, b1, 80);
        v128.store(keep, b2, 96);
        v128.store(keep, b3, 112);
        // m2 = G2·u2
        a0 = f32x4.splat(0);
        a1 = a0;
        a2 = a0;
        a3 = a0;
        b0 = a0;
        b1 = a0;
        b2 = a0;
        b3 = a0;
        p = u0 + 32;
        wp = w2;
        do {
          const ua = v128.load(p, 0);
          const ub = v128.load(p, 64);
          let wv = v128.load(wp, 0);
          a0 = madd(wv, ua, a0);
          b0 = madd(wv, ub, b0);
          wv = v128.load(wp, 16);
          a1 = madd(wv, ua, a1);
          b1 = madd(wv, ub, b1);
          wv = v128.load(wp, 32);
          a2 = madd(wv, ua, a2);
          b2 = madd(wv, ub, b2);
          wv = v128.load(wp, 48);
          a3 = madd(wv, ua, a3);
          b3 = madd(wv, ub, b3);
          p += chStep;
          wp += 64;
        } while (p != uEnd + 32);
        // y[t+d] = m1 − m2 (so far), and m1 + m2 carried on.
        let m1 = v128.load(keep, 0);
        wino_put(ta + dB, f32x4.sub(m1, a0), accumulate);
        a0 = f32x4.add(m1, a0);
        m1 = v128.load(keep, 16);
        wino_put(ta + dB + dstStep, f32x4.sub(m1, a1), accumulate);
        a1 = f32x4.add(m1, a1);
        m1 = v128.load(keep, 32);
        wino_put(ta + dB + 2 * dstStep, f32x4.sub(m1, a2), accumulate);
        a2 = f32x4.add(m1, a2);
        m1 = v128.load(keep, 48);
        wino_put(ta + dB + 3 * dstStep, f32x4.sub(m1, a3), accumulate);
        a3 = f32x4.add(m1, a3);
        m1 = v128.load(keep, 64);
        wino_put(tb + dB, f32x4.sub(m1, b0), accumulate);
        b0 = f32x4.add(m1, b0);
        m1 = v128.load(keep, 80);
        wino_put(tb + dB + dstStep, f32x4.sub(m1, b1), accumulate);
        b1 = f32x4.add(m1, b1);
        m1 = v128.load(keep, 96);
        wino_put(tb + dB + 2 * dstStep, f32x4.sub(m1, b2), accumulate);
        b2 = f32x4.add(m1, b2);
        m1 = v128.load(keep, 112);
        wino_put(tb + dB + 3 * dstStep, f32x4.sub(m1, b3), accumulate);
        b3 = f32x4.add(m1, b3);
        // y[t] = m1 + m2 + G0·u0
        p = u0;
        wp = w0;
        do {
          const ua = v128.load(p, 0);
          const ub = v128.load(p, 64);
          let wv = v128.load(wp, 0);
          a0 = madd(wv, ua, a0);
          b0 = madd(wv, ub, b0);
          wv = v128.load(wp, 16);
          a1 = madd(wv, ua, a1);
          b1 = madd(wv, ub, b1);
          wv = v128.load(wp, 32);
          a2 = madd(wv, ua, a2);
          b2 = madd(wv, ub, b2);
          wv = v128.load(wp, 48);
          a3 = madd(wv, ua, a3);
          b3 = madd(wv, ub, b3);
          p += chStep;
          wp += 64;
        } while (p != uEnd);
        if (fused) {
          layerOut(ta, accRows + (ta - y0), cond + (ta - y0), dstStep, dstStep, mt, mIn, fast, a0, a1, a2, a3);
          layerOut(tb, accRows + (tb - y0), cond + (tb - y0), dstStep, dstStep, mt, mIn, fast, b0, b1, b2, b3);
        } else {
          wino_put(ta, a0, accumulate);
          wino_put(ta + dstStep, a1, accumulate);
          wino_put(ta + 2 * dstStep, a2, accumulate);
          wino_put(ta + 3 * dstStep, a3, accumulate);
          wino_put(tb, b0, accumulate);
          wino_put(tb + dstStep, b1, accumulate);
          wino_put(tb + 2 * dstStep, b2, accumulate);
          wino_put(tb + 3 * dstStep, b3, accumulate);
        }
        // y[t+d] += G3·u3'
        a0 = v128.load(ta + dB);
        a1 = v128.load(ta + dB + dstStep);
        a2 = v128.load(ta + dB + 2 * dstStep);
        a3 = v128.load(ta + dB + 3 * dstStep);
        b0 = v128.load(tb + dB);
        b1 = v128.load(tb + dB + dstStep);
        b2 = v128.load(tb + dB + 2 * dstStep);
        b3 = v128.load(tb + dB + 3 * dstStep);
        p = u0 + 48;
        wp = w3;
        do {
          const ua = v128.load(p, 0);
          const ub = v128.load(p, 64);
          let wv = v128.load(wp, 0);
          a0 = madd(wv, ua, a0);
          b0 = madd(wv, ub, b0);
          wv = v128.load(wp, 16);
          a1 = madd(wv, ua, a1);
          b1 = madd(wv, ub, b1);
          wv = v128.load(wp, 32);
          a2 = madd(wv, ua, a2);
          b2 = madd(wv, ub, b2);
          wv = v128.load(wp, 48);
          a3 = madd(wv, ua, a3);
          b3 = madd(wv, ub, b3);
          p += chStep;
          wp += 64;
        } while (p != uEnd + 48);
        if (fused) {
          const sa = ta + dB - y0;
          const sb = tb + dB - y0;
          layerOut(ta + dB, accRows + sa, cond + sa, dstStep, dstStep, mt, mIn, fast, a0, a1, a2, a3);
          layerOut(tb + dB, accRows + sb, cond + sb, dstStep, dstStep, mt, mIn, fast, b0, b1, b2, b3);
        } else {
          v128.store(ta + dB, a0);
          v128.store(ta + dB + dstStep, a1);
          v128.store(ta + dB + 2 * dstStep, a2);
          v128.store(ta + dB + 3 * dstStep, a3);
          v128.store(tb + dB, b0);
          v128.store(tb + dB + dstStep, b1);
          v128.store(tb + dB + 2 * dstStep, b2);
          v128.store(tb + dB + 3 * dstStep, b3);
        }
      }
    }
  }
}

/**
 * `conv_wino` for d = 1 or 2 (n a multiple of 16, segPairs a multiple of 8): the pairs (t, t+d)
 * interleave within groups of 2d samples, so the input transform de-interleaves each 8 samples
 * into the firsts and seconds of 4 pairs with shuffles (d = 1: even/odd samples, d = 2: pairs of
 * samples) and the output transform re-interleaves them; the products are `winoCore`'s. Outputs
 * of a step wait in 256 bytes of scratch after `keep` (scratch: inCh·(4·segPairs + 16) + 96 floats).
 */
@inline
function winoSmallCore(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  w: usize,
  tiles: i32,
  inCh: i32,
  dilation: i32,
  n: i32,
  accumulate: i32,
  scratch: usize,
  segPairs: i32,
  fused: bool,
  mw: usize,
  mIn: i32,
  cond: usize,
  acc: usize,
  fast: i32,
): void {
  const mTileBytes = (<usize>mIn << 6) + 64;
  const two = dilation == 2;
  // x[t − 2d] of the group's first sample, in bytes.
  const backB = <usize>dilation << 3;
  const srcStep = <usize>srcStride << 2;
  const dstStep = <usize>dstStride << 2;
  const chStep = (<usize>segPairs << 4) + 64;
  const chanEnd = <usize>inCh * chStep;
  const keep = scratch + chanEnd;
  const secs = keep + 128;
  const firsts = keep + 256;
  const setBytes = <usize>inCh << 6;
  const tileBytes = (setBytes << 2) + 64;
  const seg = segPairs << 1;
  for (let s0 = 0; s0 < n; s0 += seg) {
    const vectors = (min(s0 + seg, n) - s0) >> 3;
    // 1. Input transform, 8 samples (4 pairs) per vector of u.
    for (let c = 0; c < inCh; c++) {
      let p = src + <usize>c * srcStep + (<usize>s0 << 2);
      let u = scratch + <usize>c * chStep;
      for (let k = 0; k < vectors; k++) {
        const A = v128.load(p, 0);
        const B = v128.load(p, 16);
        const C = v128.load(p - backB, 0);
        const D = v128.load(p - backB, 16);
        let x0: v128;
        let x1: v128;
        let x2: v128;
        let x3: v128;
        if (two) {
          x2 = v128.shuffle<f32>(A, B, 0, 1, 4, 5);
          x3 = v128.shuffle<f32>(A, B, 2, 3, 6, 7);
          x0 = v128.shuffle<f32>(C, D, 0, 1, 4, 5);
          x1 = v128.shuffle<f32>(C, D, 2, 3, 6, 7);
        } else {
          x2 = v128.shuffle<f32>(A, B, 0, 2, 4, 6);
          x3 = v128.shuffle<f32>(A, B, 1, 3, 5, 7);
          x0 = v128.shuffle<f32>(C, D, 0, 2, 4, 6);
          x1 = v128.shuffle<f32>(C, D, 1, 3, 5, 7);
        }
        v128.store(u, f32x4.sub(x0, x2), 0);
        v128.store(u, f32x4.add(x1, x2), 16);
        v128.store(u, f32x4.sub(x2, x1), 32);
        v128.store(u, f32x4.sub(x3, x1), 48);
        u += 64;
        p += 32;
      }
    }
    // 2. Products per tile and 8 pairs (16 samples); output transform re-interleaves.
    for (let tile = 0; tile < tiles; tile++) {
      const w1 = w + <usize>tile * tileBytes;
      const w2 = w1 + setBytes;
      const w0 = w2 + setBytes;
      const w3 = w0 + setBytes;
      const y0 = dst + <usize>(tile << 2) * dstStep;
      const accRows = acc + <usize>(tile << 2) * dstStep;
      const mt = mw + <usize>tile * mTileBytes;
      for (let v = 0; v < vectors; v += 2) {
        const u0 = scratch + (<usize>v << 6);
        const uEnd = u0 + chanEnd;
        // m1 = G1·u1 + bias
        let a0 = v128.load(w3 + setBytes, 0);
        let a1 = v128.load(w3 + setBytes, 16);
        let a2 = v128.load(w3 + setBytes, 32);
        let a3 = v128.load(w3 + setBytes, 48);
        let b0 = a0;
        let b1 = a1;
        let b2 = a2;
        let b3 = a3;
        let p = u0 + 16;
        let wp = w1;
        do {
          const ua = v128.load(p, 0);
          const ub = v128.load(p, 64);
          let wv = v128.load(wp, 0);
          a0 = madd(wv, ua, a0);
          b0 = madd(wv, ub, b0);
          wv = v128.load(wp, 16);
          a1 = madd(wv, ua, a1);
          b1 = madd(wv, ub, b1);
          wv = v128.load(wp, 32);
          a2 = madd(wv, ua, a2);
          b2 = madd(wv, ub, b2);
          wv = v128.load(wp, 48);
          a3 = madd(wv, ua, a3);
          b3 = madd(wv, ub, b3);
          p += chStep;
          wp += 64;
        } while (p != uEnd + 16);
        v128.store(keep, a0, 0);
        v128.store(keep, a1, 16);
        v128.store(keep, a2, 32);
        v128.store(keep, a3, 48);
        v128.store(keep, b0, 64);
        v128.store(keep, b1, 80);
        v128.store(keep, b2, 96);
        v128.store(keep, b3, 112);
        // m2 = G2·u2
        a0 = f32x4.splat(0);
        a1 = a0;
        a2 = a0;
        a3 = a0;
        b0 = a0;
        b1 = a0;
        b2 = a0;
        b3 = a0;
        p = u0 + 32;
        wp = w2;
        do {
          const ua = v128.load(p, 0);
          const ub = v128.load(p, 64);
          let wv = v128.load(wp, 0);
          a0 = madd(wv, ua, a0);
          b0 = madd(wv, ub, b0);
          wv = v128.load(wp, 16);
          a1 = madd(wv, ua, a1);
          b1 = madd(wv, ub, b1);
          wv = v128.load(wp, 32);
          a2 = madd(wv, ua, a2);
          b2 = madd(wv, ub, b2);
          wv = v128.load(wp, 48);
          a3 = madd(wv, ua, a3);
          b3 = madd(wv, ub, b3);
          p += chStep;
          wp += 64;
        } while (p != uEnd + 32);
        // Seconds so far m1 − m2 (kept), firsts m1 + m2 carried on.
        let m1 = v128.load(keep, 0);
        v128.store(secs, f32x4.sub(m1, a0), 0);
        a0 = f32x4.add(m1, a0);
        m1 = v128.load(keep, 16);
        v128.store(secs, f32x4.sub(m1, a1), 16);
        a1 = f32x4.add(m1, a1);
        m1 = v128.load(keep, 32);
        v128.store(secs, f32x4.sub(m1, a2), 32);
        a2 = f32x4.add(m1, a2);
        m1 = v128.load(keep, 48);
        v128.store(secs, f32x4.sub(m1, a3), 48);
        a3 = f32x4.add(m1, a3);
        m1 = v128.load(keep, 64);
        v128.store(secs, f32x4.sub(m1, b0), 64);
        b0 = f32x4.add(m1, b0);
        m1 = v128.load(keep, 80);
        v128.store(secs, f32x4.sub(m1, b1), 80);
        b1 = f32x4.add(m1, b1);
        m1 = v128.load(keep, 96);
        v128.store(secs, f32x4.sub(m1, b2), 96);
        b2 = f32x4.add(m1, b2);
        m1 = v128.load(keep, 112);
        v128.store(secs, f32x4.sub(m1, b3), 112);
        b3 = f32x4.add(m1, b3);
        // Firsts = m1 + m2 + G0·u0, kept.
        p = u0;
        wp = w0;
        do {
          const ua = v128.load(p, 0);
          const ub = v128.load(p, 64);
          let wv = v128.load(wp, 0);
          a0 = madd(wv, ua, a0);
          b0 = madd(wv, ub, b0);
          wv = v128.load(wp, 16);
          a1 = madd(wv, ua, a1);
          b1 = madd(wv, ub, b1);
          wv = v128.load(wp, 32);
          a2 = madd(wv, ua, a2);
          b2 = madd(wv, ub, b2);
          wv = v128.load(wp, 48);
          a3 = madd(wv, ua, a3);
          b3 = madd(wv, ub, b3);
          p += chStep;
          wp += 64;
        } while (p != uEnd);
        v128.store(firsts, a0, 0);
        v128.store(firsts, a1, 16);
        v128.store(firsts, a2, 32);
        v128.store(firsts, a3, 48);
        v128.store(firsts, b0, 64);
        v128.store(firsts, b1, 80);
        v128.store(firsts, b2, 96);
        v128.store(firsts, b3, 112);
        // Seconds += G3·u3'
        a0 = v128.load(secs, 0);
        a1 = v128.load(secs, 16);
        a2 = v128.load(secs, 32);
        a3 = v128.load(secs, 48);
        b0 = v128.load(secs, 64);
        b1 = v128.load(secs, 80);
        b2 = v128.load(secs, 96);
        b3 = v128.load(secs, 112);
        p = u0 + 48;
        wp = w3;
        do {
          const ua = v128.load(p, 0);
          const ub = v128.load(p, 64);
          let wv = v128.load(wp, 0);
          a0 = madd(wv, ua, a0);
          b0 = madd(wv, ub, b0);
          wv = v128.load(wp, 16);
          a1 = madd(wv, ua, a1);
          b1 = madd(wv, ub, b1);
          wv = v128.load(wp, 32);
          a2 = madd(wv, ua, a2);
          b2 = madd(wv, ub, b2);
          wv = v128.load(wp, 48);
          a3 = madd(wv, ua, a3);
          b3 = madd(wv, ub, b3);
          p += chStep;
          wp += 64;
        } while (p != uEnd + 48);
        // Re-interleave: vector v's pairs cover samples [8v, 8v + 8) of the segment, v + 1's the next 8.
        const q = y0 + (<usize>(s0 + (v << 3)) << 2);
        smallOut(q, accRows + (q - y0), cond + (q - y0), dstStep, accumulate, fused, mt, mIn, fast, two, firsts, a0, a1, a2, a3);
        smallOut(q + 32, accRows + (q - y0) + 32, cond + (q - y0) + 32, dstStep, accumulate, fused, mt, mIn, fast, two, firsts + 64, b0, b1, b2, b3);
      }
    }
  }
}

/**
 * 8 samples × 4 rows of `winoSmallCore`'s output at q: firsts (4 rows at f, 16 bytes apart) and
 * seconds s0…s3 re-interleaved into sample order, then stored (added) or through `layerOut`.
 */
@inline
function smallOut(
  q: usize,
  r: usize,
  c: usize,
  dstStep: usize,
  accumulate: i32,
  fused: bool,
  mt: usize,
  mIn: i32,
  fast: i32,
  two: bool,
  f: usize,
  s0: v128,
  s1: v128,
  s2: v128,
  s3: v128,
): void {
  const f0 = v128.load(f, 0);
  const f1 = v128.load(f, 16);
  const f2 = v128.load(f, 32);
  const f3 = v128.load(f, 48);
  let lo0: v128, lo1: v128, lo2: v128, lo3: v128, hi0: v128, hi1: v128, hi2: v128, hi3: v128;
  if (two) {
    lo0 = v128.shuffle<f32>(f0, s0, 0, 1, 4, 5);
    lo1 = v128.shuffle<f32>(f1, s1, 0, 1, 4, 5);
    lo2 = v128.shuffle<f32>(f2, s2, 0, 1, 4, 5);
    lo3 = v128.shuffle<f32>(f3, s3, 0, 1, 4, 5);
    hi0 = v128.shuffle<f32>(f0, s0, 2, 3, 6, 7);
    hi1 = v128.shuffle<f32>(f1, s1, 2, 3, 6, 7);
    hi2 = v128.shuffle<f32>(f2, s2, 2, 3, 6, 7);
    hi3 = v128.shuffle<f32>(f3, s3, 2, 3, 6, 7);
  } else {
    lo0 = v128.shuffle<f32>(f0, s0, 0, 4, 1, 5);
    lo1 = v128.shuffle<f32>(f1, s1, 0, 4, 1, 5);
    lo2 = v128.shuffle<f32>(f2, s2, 0, 4, 1, 5);
    lo3 = v128.shuffle<f32>(f3, s3, 0, 4, 1, 5);
    hi0 = v128.shuffle<f32>(f0, s0, 2, 6, 3, 7);
    hi1 = v128.shuffle<f32>(f1, s1, 2, 6, 3, 7);
    hi2 = v128.shuffle<f32>(f2, s2, 2, 6, 3, 7);
    hi3 = v128.shuffle<f32>(f3, s3, 2, 6, 3, 7);
  }
  if (fused) {
    layerOut(q, r, c, dstStep, dstStep, mt, mIn, fast, lo0, lo1, lo2, lo3);
    layerOut(q + 16, r + 16, c + 16, dstStep, dstStep, mt, mIn, fast, hi0, hi1, hi2, hi3);
  } else {
    wino_put(q, lo0, accumulate);
    wino_put(q + dstStep, lo1, accumulate);
    wino_put(q + 2 * dstStep, lo2, accumulate);
    wino_put(q + 3 * dstStep, lo3, accumulate);
    wino_put(q + 16, hi0, accumulate);
    wino_put(q + 16 + dstStep, hi1, accumulate);
    wino_put(q + 16 + 2 * dstStep, hi2, accumulate);
    wino_put(q + 16 + 3 * dstStep, hi3, accumulate);
  }
}

/** Stores v at q, or adds it to what is there when accumulating. */
@inline
function wino_put(q: usize, v: v128, accumulate: i32): void {
  v128.store(q, accumulate ? f32x4.add(v, v128.load(q)) : v);
}

// ── Winograd F(4,3) convolution (K = 3, dilation 1, 2, or d ≥ 4 with d % 4 = 0) ─────────────────

/**
 * conv_wino4(src, srcStride, dst, dstStride, w, tiles, inCh, dilation, n, accumulate, scratch, segQuads)
 *
 * The same result as `conv(…, K = 3, dilation, …)` with 6 matrix products per output QUAD
 * (y[t], y[t+d], y[t+2d], y[t+3d]) instead of 12 (F(2,3): 8). For x0..x5 = x[t−2d] … x[t+3d]
 * (per input channel), B^T·x:
 *   u0 = 4x0 − 5x2 + x4,  u1 = −4x1 − 4x2 + x3 + x4,  u2 = 4x1 − 4x2 − x3 + x4,
 *   u3 = −2x1 − x2 + 2x3 + x4,  u4 = 2x1 − x2 − 2x3 + x4,  u5 = 4x1 − 5x3 + x5
 *   m_i = G_i·u_i (G = [W0/4, −(W0+W1+W2)/6 with the bias, −(W0−W1+W2)/6, W0/24 + W1/12 + W2/6,
 *   W0/24 − W1/12 + W2/6, W2]: `packWinograd4TilesInto`), and A^T·m with s = m1 + m2, e = m1 − m2,
 *   S = m3 + m4, E = m3 − m4:
 *   y[t] = (s + S) + m0,  y[t+d] = e + 2E,  y[t+2d] = s + 4S,  y[t+3d] = (e + 8E) + m5
 * The block is cut into runs of 4d samples, the first d of each run the "t" of its quads. Time runs
 * 4 quads per vector and 2 vectors per step: n is a multiple of 4·lcm(d, 8) and `segQuads` (quads
 * per segment) a multiple of lcm(d, 8).
 *
 * Per segment: (1) the input transform writes u into the scratch, per input channel c at
 * `scratch + c·(24·segQuads + 64)` bytes, per vector of 4 quads 96 bytes: u0 … u5; then (2) per
 * tile of 4 outputs and 8 quads, six passes over the input channels (8 accumulators each, like
 * `conv`) in the order m1, m2, m3, m4 (kept in 4·128 bytes of scratch after the u rows; then y[t+d]
 * and y[t+2d] are final, s + S and e + 8E kept), m0 (y[t] final), m5 (y[t+3d] final).
 *
 * w: per tile, the sets G1, G2, G3, G4, G0, G5 in that order, each for each input channel 16 floats
 *    (4 outputs × 4 lanes), then G1's bias (16 floats).
 * scratch: inCh·(6·segQuads + 16) + 128 floats, 16-byte aligned. d = 1, 2: `wino4SmallCore`
 * (n a multiple of 32, segQuads a multiple of 8; same weights and scratch).
 */
export function conv_wino4(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  w: usize,
  tiles: i32,
  inCh: i32,
  dilation: i32,
  n: i32,
  accumulate: i32,
  scratch: usize,
  segQuads: i32,
): void {
  if (dilation < 4) {
    wino4Small(src, srcStride, dst, dstStride, w, tiles, inCh, dilation, n, accumulate, scratch, segQuads);
  } else {
    wino4Core(src, srcStride, dst, dstStride, w, tiles, inCh, dilation, n, accumulate, scratch, segQuads, false, 0, 0, 0, 0, 0);
  }
}

/** `conv_wino4` (accumulate = 0) with the layer epilogue of `conv_layer_fused` (`layerOut`). */
function conv_wino4_layer_fused(
  src: usize,
  srcStride: i32,
  dst: usize,
  stride: i32,
  w: usize,
  tiles: i32,
  inCh: i32,
  dilation: i32,
  n: i32,
  scratch: usize,
  segQuads: i32,
  mw: usize,
  mIn: i32,
  cond: usize,
  acc: usize,
  fast: i32,
): void {
  if (dilation == 1) {
    wino4D1Fused(src, srcStride, dst, stride, w, tiles, inCh, n, scratch, segQuads, mw, mIn, cond, acc, fast);
  } else if (dilation == 2) {
    wino4D2Fused(src, srcStride, dst, stride, w, tiles, inCh, n, scratch, segQuads, mw, mIn, cond, acc, fast);
  } else {
    wino4Core(src, srcStride, dst, stride, w, tiles, inCh, dilation, n, 0, scratch, segQuads, true, mw, mIn, cond, acc, fast);
  }
}

/**
 * One product pass of `conv_wino4`: for 8 quads (u vectors at p and p + 96, channels chStep apart,
 * up to pEnd), out[j] = init[j] + Σ_c G(c)·u(c) for the tile's 4 rows × 2 vectors (128 bytes at
 * `out`: rows of vector a, then of vector b); `init` 0 starts from zeros, else 128 bytes like out.
 */
@inline
function wino4Pass(p: usize, pEnd: usize, chStep: usize, wp: usize, init: usize, initStep: usize, out: usize): void {
  let a0 = f32x4.splat(0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  let b0 = a0;
  let b1 = a0;
  let b2 = a0;
  let b3 = a0;
  if (init != 0) {
    a0 = v128.load(init, 0);
    a1 = v128.load(init, 16);
    a2 = v128.load(init, 32);
    a3 = v128.load(init, 48);
    b0 = v128.load(init + initStep, 0);
    b1 = v128.load(init + initStep, 16);
    b2 = v128.load(init + initStep, 32);
    b3 = v128.load(init + initStep, 48);
  }
  do {
    const ua = v128.load(p, 0);
    const ub = v128.load(p, 96);
    let wv = v128.load(wp, 0);
    a0 = madd(wv, ua, a0);
    b0 = madd(wv, ub, b0);
    wv = v128.load(wp, 16);
    a1 = madd(wv, ua, a1);
    b1 = madd(wv, ub, b1);
    wv = v128.load(wp, 32);
    a2 = madd(wv, ua, a2);
    b2 = madd(wv, ub, b2);
    wv = v128.load(wp, 48);
    a3 = madd(wv, ua, a3);
    b3 = madd(wv, ub, b3);
    p += chStep;
    wp += 64;
  } while (p != pEnd);
  v128.store(out, a0, 0);
  v128.store(out, a1, 16);
  v128.store(out, a2, 32);
  v128.store(out, a3, 48);
  v128.store(out, b0, 64);
  v128.store(out, b1, 80);
  v128.store(out, b2, 96);
  v128.store(out, b3, 112);
}

/** Four final output rows (v0…v3) at q: stored/added, or through the layer epilogue when `fused`. */
@inline
function wino4Emit(
  q: usize,
  y0: usize,
  dstStep: usize,
  accumulate: i32,
  fused: bool,
  accRows: usize,
  cond: usize,
  mt: usize,
  mIn: i32,
  fast: i32,
  v0: v128,
  v1: v128,
  v2: v128,
  v3: v128,
): void {
  if (fused) {
    const o = q - y0;
    layerOut(q, accRows + o, cond + o, dstStep, dstStep, mt, mIn, fast, v0, v1, v2, v3);
  } else {
    wino_put(q, v0, accumulate);
    wino_put(q + dstStep, v1, accumulate);
    wino_put(q + 2 * dstStep, v2, accumulate);
    wino_put(q + 3 * dstStep, v3, accumulate);
  }
}

/** y[t+d] = e + 2E and y[t+2d] = s + 4S for one vector's 4 rows (m1…m4 at k1…k4), s + S to k1, e + 8E to k2. */
@inline
function wino4Middle(
  k1: usize,
  k2: usize,
  k3: usize,
  k4: usize,
  q: usize,
  dB: usize,
  y0: usize,
  dstStep: usize,
  accumulate: i32,
  fused: bool,
  accRows: usize,
  cond: usize,
  mt: usize,
  mIn: i32,
  fast: i32,
): void {
  const two = f32x4.splat(2);
  const four = f32x4.splat(4);
  const eight = f32x4.splat(8);
  let m1 = v128.load(k1, 0);
  let m2 = v128.load(k2, 0);
  let m3 = v128.load(k3, 0);
  let m4 = v128.load(k4, 0);
  let s = f32x4.add(m1, m2);
  let e = f32x4.sub(m1, m2);
  let S = f32x4.add(m3, m4);
  let E = f32x4.sub(m3, m4);
  const p0 = madd(two, E, e);
  const r0 = madd(four, S, s);
  v128.store(k1, f32x4.add(s, S), 0);
  v128.store(k2, madd(eight, E, e), 0);
  m1 = v128.load(k1, 16);
  m2 = v128.load(k2, 16);
  m3 = v128.load(k3, 16);
  m4 = v128.load(k4, 16);
  s = f32x4.add(m1, m2);
  e = f32x4.sub(m1, m2);
  S = f32x4.add(m3, m4);
  E = f32x4.sub(m3, m4);
  const p1 = madd(two, E, e);
  const r1 = madd(four, S, s);
  v128.store(k1, f32x4.add(s, S), 16);
  v128.store(k2, madd(eight, E, e), 16);
  m1 = v128.load(k1, 32);
  m2 = v128.load(k2, 32);
  m3 = v128.load(k3, 32);
  m4 = v128.load(k4, 32);
  s = f32x4.add(m1, m2);
  e = f32x4.sub(m1, m2);
  S = f32x4.add(m3, m4);
  E = f32x4.sub(m3, m4);
  const p2 = madd(two, E, e);
  const r2 = madd(four, S, s);
  v128.store(k1, f32x4.add(s, S), 32);
  v128.store(k2, madd(eight, E, e), 32);
  m1 = v128.load(k1, 48);
  m2 = v128.load(k2, 48);
  m3 = v128.load(k3, 48);
  m4 = v128.load(k4, 48);
  s = f32x4.add(m1, m2);
  e = f32x4.sub(m1, m2);
  S = f32x4.add(m3, m4);
  E = f32x4.sub(m3, m4);
  const p3 = madd(two, E, e);
  const r3 = madd(four, S, s);
  v128.store(k1, f32x4.add(s, S), 48);
  v128.store(k2, madd(eight, E, e), 48);
  wino4Emit(q + dB, y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast, p0, p1, p2, p3);
  wino4Emit(q + (dB << 1), y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast, r0, r1, r2, r3);
}

/**
 * B^T·x of one vector of 4 quads (x0…x5 = x[t−2d] … x[t+3d] per lane) to u0…u5 at u (96 bytes).
 * With r = x4 − x2, e = x3 − x1, P = x4 − 4x2, Q = x3 − 4x1:
 * u0 = 4(x0 − x2) + r, u1 = P + Q, u2 = P − Q, u3 = r + 2e, u4 = r − 2e, u5 = (x5 − x3) − 4e.
 */
@inline
function wino4Input(
  u: usize,
  x0: v128,
  x1: v128,
  x2: v128,
  x3: v128,
  x4: v128,
  x5: v128,
  four: v128,
  mfour: v128,
  two: v128,
  mtwo: v128,
): void {
  const r = f32x4.sub(x4, x2);
  const e = f32x4.sub(x3, x1);
  const P = madd(mfour, x2, x4);
  const Q = madd(mfour, x1, x3);
  v128.store(u, madd(four, f32x4.sub(x0, x2), r), 0);
  v128.store(u, f32x4.add(P, Q), 16);
  v128.store(u, f32x4.sub(P, Q), 32);
  v128.store(u, madd(two, e, r), 48);
  v128.store(u, madd(mtwo, e, r), 64);
  v128.store(u, madd(mfour, e, f32x4.sub(x5, x3)), 80);
}

/** The F(4,3) conv; with `fused` (a constant) the layer epilogue at each final output. */
@inline
function wino4Core(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  w: usize,
  tiles: i32,
  inCh: i32,
  dilation: i32,
  n: i32,
  accumulate: i32,
  scratch: usize,
  segQuads: i32,
  fused: bool,
  mw: usize,
  mIn: i32,
  cond: usize,
  acc: usize,
  fast: i32,
): void {
  const mTileBytes = (<usize>mIn << 6) + 64;
  const d = dilation;
  const dB = <usize>d << 2;
  const srcStep = <usize>srcStride << 2;
  const dstStep = <usize>dstStride << 2;
  // One channel's u rows, padded so channels are never a multiple of 4 KiB apart.
  const chStep = <usize>segQuads * 24 + 64;
  const chanEnd = <usize>inCh * chStep;
  const k1 = scratch + chanEnd;
  const k2 = k1 + 128;
  const k3 = k2 + 128;
  const k4 = k3 + 128;
  const setBytes = <usize>inCh << 6;
  const tileBytes = setBytes * 6 + 64;
  const seg = segQuads << 2;
  const four = f32x4.splat(4);
  const mfour = f32x4.splat(-4);
  const two = f32x4.splat(2);
  const mtwo = f32x4.splat(-2);
  for (let s0 = 0; s0 < n; s0 += seg) {
    const vectors = (min(s0 + seg, n) - s0) >> 4;
    // 1. Input transform.
    for (let c = 0; c < inCh; c++) {
      let p = src + <usize>c * srcStep + (<usize>s0 << 2);
      let u = scratch + <usize>c * chStep;
      let left = dB;
      for (let k = 0; k < vectors; k++) {
        wino4Input(u, v128.load(p - (dB << 1)), v128.load(p - dB), v128.load(p), v128.load(p + dB), v128.load(p + (dB << 1)),
          v128.load(p + dB * 3), four, mfour, two, mtwo);
        u += 96;
        p += 16;
        left -= 16;
        if (left == 0) {
          // End of the quads' starts in a run of 4d: skip the other 3d.
          p += dB * 3;
          left = dB;
        }
      }
    }
    // 2. Products and output transform, per tile and 8 quads.
    for (let tile = 0; tile < tiles; tile++) {
      const w1 = w + <usize>tile * tileBytes;
      const w2 = w1 + setBytes;
      const w3 = w2 + setBytes;
      const w4 = w3 + setBytes;
      const w0 = w4 + setBytes;
      const w5 = w0 + setBytes;
      const bias = w5 + setBytes;
      const y0 = dst + <usize>(tile << 2) * dstStep;
      const accRows = acc + <usize>(tile << 2) * dstStep;
      const mt = mw + <usize>tile * mTileBytes;
      for (let v = 0; v < vectors; v += 2) {
        const qa = v << 2;
        const qb = qa + 4;
        const ta = y0 + (<usize>(s0 + qa + (qa / d) * 3 * d) << 2);
        const tb = y0 + (<usize>(s0 + qb + (qb / d) * 3 * d) << 2);
        const u0 = scratch + <usize>v * 96;
        const uEnd = u0 + chanEnd;
        wino4Pass(u0 + 16, uEnd + 16, chStep, w1, bias, 0, k1);
        wino4Pass(u0 + 32, uEnd + 32, chStep, w2, 0, 0, k2);
        wino4Pass(u0 + 48, uEnd + 48, chStep, w3, 0, 0, k3);
        wino4Pass(u0 + 64, uEnd + 64, chStep, w4, 0, 0, k4);
        wino4Middle(k1, k2, k3, k4, ta, dB, y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast);
        wino4Middle(k1 + 64, k2 + 64, k3 + 64, k4 + 64, tb, dB, y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast);
        // y[t] = (s + S) + m0, on registers to the output.
        let a0 = v128.load(k1, 0);
        let a1 = v128.load(k1, 16);
        let a2 = v128.load(k1, 32);
        let a3 = v128.load(k1, 48);
        let b0 = v128.load(k1, 64);
        let b1 = v128.load(k1, 80);
        let b2 = v128.load(k1, 96);
        let b3 = v128.load(k1, 112);
        let p: usize = 0;
        let wp: usize = 0;
        let pEnd = uEnd;
        p = u0;
        wp = w0;
        do {
          const ua = v128.load(p, 0);
          const ub = v128.load(p, 96);
          let wv = v128.load(wp, 0);
          a0 = madd(wv, ua, a0);
          b0 = madd(wv, ub, b0);
          wv = v128.load(wp, 16);
          a1 = madd(wv, ua, a1);
          b1 = madd(wv, ub, b1);
          wv = v128.load(wp, 32);
          a2 = madd(wv, ua, a2);
          b2 = madd(wv, ub, b2);
          wv = v128.load(wp, 48);
          a3 = madd(wv, ua, a3);
          b3 = madd(wv, ub, b3);
          p += chStep;
          wp += 64;
        } while (p != pEnd);
        wino4Emit(ta, y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast, a0, a1, a2, a3);
        wino4Emit(tb, y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast, b0, b1, b2, b3);
        // y[t+3d] = (e + 8E) + m5
        a0 = v128.load(k2, 0);
        a1 = v128.load(k2, 16);
        a2 = v128.load(k2, 32);
        a3 = v128.load(k2, 48);
        b0 = v128.load(k2, 64);
        b1 = v128.load(k2, 80);
        b2 = v128.load(k2, 96);
        b3 = v128.load(k2, 112);
        pEnd = uEnd + 80;
        p = u0 + 80;
        wp = w5;
        do {
          const ua = v128.load(p, 0);
          const ub = v128.load(p, 96);
          let wv = v128.load(wp, 0);
          a0 = madd(wv, ua, a0);
          b0 = madd(wv, ub, b0);
          wv = v128.load(wp, 16);
          a1 = madd(wv, ua, a1);
          b1 = madd(wv, ub, b1);
          wv = v128.load(wp, 32);
          a2 = madd(wv, ua, a2);
          b2 = madd(wv, ub, b2);
          wv = v128.load(wp, 48);
          a3 = madd(wv, ua, a3);
          b3 = madd(wv, ub, b3);
          p += chStep;
          wp += 64;
        } while (p != pEnd);
        const q3 = dB * 3;
        wino4Emit(ta + q3, y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast, a0, a1, a2, a3);
        wino4Emit(tb + q3, y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast, b0, b1, b2, b3);
      }
    }
  }
}

/**
 * `wino4SmallCore` plain (d = 1 or 2), and fused for d = 1 and for d = 2: each its own function, not
 * inlined into `conv_wino4` / `conv_wino4_layer_fused`. V8's code for one body holding several of
 * these cores came out much slower (measured at block 128, baseline SIMD, 16→16: the fused d ≥ 4
 * path 4.4 → 8.0 µs with the small cores in its body); the fused d = 1 and d = 2 forms are split
 * likewise (smaller bodies; d = 1 measured a few percent faster than sharing one).
 */
function wino4Small(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  w: usize,
  tiles: i32,
  inCh: i32,
  dilation: i32,
  n: i32,
  accumulate: i32,
  scratch: usize,
  segQuads: i32,
): void {
  if (dilation == 2) {
    wino4SmallCore(src, srcStride, dst, dstStride, w, tiles, inCh, 2, n, accumulate, scratch, segQuads, false, true, 0, 0, 0, 0, 0);
  } else {
    wino4SmallCore(src, srcStride, dst, dstStride, w, tiles, inCh, 1, n, accumulate, scratch, segQuads, false, false, 0, 0, 0, 0, 0);
  }
}

function wino4D1Fused(
  src: usize,
  srcStride: i32,
  dst: usize,
  stride: i32,
  w: usize,
  tiles: i32,
  inCh: i32,
  n: i32,
  scratch: usize,
  segQuads: i32,
  mw: usize,
  mIn: i32,
  cond: usize,
  acc: usize,
  fast: i32,
): void {
  wino4SmallCore(src, srcStride, dst, stride, w, tiles, inCh, 1, n, 0, scratch, segQuads, true, false, mw, mIn, cond, acc, fast);
}

function wino4D2Fused(
  src: usize,
  srcStride: i32,
  dst: usize,
  stride: i32,
  w: usize,
  tiles: i32,
  inCh: i32,
  n: i32,
  scratch: usize,
  segQuads: i32,
  mw: usize,
  mIn: i32,
  cond: usize,
  acc: usize,
  fast: i32,
): void {
  wino4SmallCore(src, srcStride, dst, stride, w, tiles, inCh, 2, n, 0, scratch, segQuads, true, true, mw, mIn, cond, acc, fast);
}

/**
 * `conv_wino4` for d = 1 or 2 (n a multiple of 32, segQuads a multiple of 8). The quads
 * (t, t+d, t+2d, t+3d) lie inside runs of 4d samples: d = 1 four consecutive samples (t % 4 = 0),
 * d = 2 two interleaved quads per 8 samples (t % 8 = 0 or 1). A vector of u holds 4 quads of
 * 16 samples s…s+15 (s % 16 = 0): d = 1 the quads at s, s+4, s+8, s+12 (lane q holds
 * x[s + 4q − 2 + j] for x_j: a 4×4 transpose of the samples, x0 and x1 one lane on from the previous
 * vector's x4 and x5); d = 2 the quads at s, s+1, s+8, s+9 (x_j from two samples of each of two
 * vectors 8 apart). The products are `wino4Core`'s (`wino4Pass`, same weights, same operations per
 * output); y[t+d] and y[t+2d] wait in the m1…m4 scratch (`wino4Keep`), y[t] on registers for d = 2
 * (re-interleaved with y[t+d] by `wino4Lanes`) or in the scratch for d = 1, y[t+3d] on registers;
 * then d = 2 pairs it with y[t+2d] (`wino4Lanes`), d = 1 transposes all four (`wino4Transposed`).
 * `interleaved` (a constant): d = 2. Scratch as `conv_wino4`.
 */
@inline
function wino4SmallCore(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  w: usize,
  tiles: i32,
  inCh: i32,
  dilation: i32,
  n: i32,
  accumulate: i32,
  scratch: usize,
  segQuads: i32,
  fused: bool,
  interleaved: bool,
  mw: usize,
  mIn: i32,
  cond: usize,
  acc: usize,
  fast: i32,
): void {
  const mTileBytes = (<usize>mIn << 6) + 64;
  const srcStep = <usize>srcStride << 2;
  const dstStep = <usize>dstStride << 2;
  const chStep = <usize>segQuads * 24 + 64;
  const chanEnd = <usize>inCh * chStep;
  const k1 = scratch + chanEnd;
  const k2 = k1 + 128;
  const k3 = k2 + 128;
  const k4 = k3 + 128;
  const setBytes = <usize>inCh << 6;
  const tileBytes = setBytes * 6 + 64;
  const seg = segQuads << 2;
  const four = f32x4.splat(4);
  const mfour = f32x4.splat(-4);
  const two = f32x4.splat(2);
  const mtwo = f32x4.splat(-2);
  for (let s0 = 0; s0 < n; s0 += seg) {
    const vectors = (min(s0 + seg, n) - s0) >> 4;
    // 1. Input transform, 16 samples (4 quads) per vector of u.
    for (let c = 0; c < inCh; c++) {
      let p = src + <usize>c * srcStep + (<usize>s0 << 2);
      let u = scratch + <usize>c * chStep;
      if (interleaved) {
        for (let k = 0; k < vectors; k++) {
          const Rm = v128.load(p - 16);
          const R0 = v128.load(p, 0);
          const R1 = v128.load(p, 16);
          const R2 = v128.load(p, 32);
          const R3 = v128.load(p, 48);
          wino4Input(
            u,
            v128.shuffle<f32>(Rm, R1, 0, 1, 4, 5),
            v128.shuffle<f32>(Rm, R1, 2, 3, 6, 7),
            v128.shuffle<f32>(R0, R2, 0, 1, 4, 5),
            v128.shuffle<f32>(R0, R2, 2, 3, 6, 7),
            v128.shuffle<f32>(R1, R3, 0, 1, 4, 5),
            v128.shuffle<f32>(R1, R3, 2, 3, 6, 7),
            four,
            mfour,
            two,
            mtwo,
          );
          u += 96;
          p += 64;
        }
      } else {
        // Lane 3 of the "previous x4, x5": x[s − 2], x[s − 1].
        const L = v128.load(p - 8);
        let x4p = v128.shuffle<f32>(L, L, 0, 0, 0, 0);
        let x5p = v128.shuffle<f32>(L, L, 1, 1, 1, 1);
        for (let k = 0; k < vectors; k++) {
          const R0 = v128.load(p, 0);
          const R1 = v128.load(p, 16);
          const R2 = v128.load(p, 32);
          const R3 = v128.load(p, 48);
          const T0 = v128.shuffle<f32>(R0, R1, 0, 4, 1, 5);
          const T1 = v128.shuffle<f32>(R0, R1, 2, 6, 3, 7);
          const T2 = v128.shuffle<f32>(R2, R3, 0, 4, 1, 5);
          const T3 = v128.shuffle<f32>(R2, R3, 2, 6, 3, 7);
          const x4 = v128.shuffle<f32>(T1, T3, 0, 1, 4, 5);
          const x5 = v128.shuffle<f32>(T1, T3, 2, 3, 6, 7);
          wino4Input(
            u,
            v128.shuffle<f32>(x4p, x4, 3, 4, 5, 6),
            v128.shuffle<f32>(x5p, x5, 3, 4, 5, 6),
            v128.shuffle<f32>(T0, T2, 0, 1, 4, 5),
            v128.shuffle<f32>(T0, T2, 2, 3, 6, 7),
            x4,
            x5,
            four,
            mfour,
            two,
            mtwo,
          );
          x4p = x4;
          x5p = x5;
          u += 96;
          p += 64;
        }
      }
    }
    // 2. Products per tile and 8 quads (32 samples); output transform, then re-interleaving.
    for (let tile = 0; tile < tiles; tile++) {
      const w1 = w + <usize>tile * tileBytes;
      const w2 = w1 + setBytes;
      const w3 = w2 + setBytes;
      const w4 = w3 + setBytes;
      const w0 = w4 + setBytes;
      const w5 = w0 + setBytes;
      const bias = w5 + setBytes;
      const y0 = dst + <usize>(tile << 2) * dstStep;
      const accRows = acc + <usize>(tile << 2) * dstStep;
      const mt = mw + <usize>tile * mTileBytes;
      for (let v = 0; v < vectors; v += 2) {
        const u0 = scratch + <usize>v * 96;
        const uEnd = u0 + chanEnd;
        wino4Pass(u0 + 16, uEnd + 16, chStep, w1, bias, 0, k1);
        wino4Pass(u0 + 32, uEnd + 32, chStep, w2, 0, 0, k2);
        wino4Pass(u0 + 48, uEnd + 48, chStep, w3, 0, 0, k3);
        wino4Pass(u0 + 64, uEnd + 64, chStep, w4, 0, 0, k4);
        wino4Keep(k1, k2, k3, k4);
        const q = y0 + (<usize>(s0 + (v << 4)) << 2);
        let a0: v128, a1: v128, a2: v128, a3: v128, b0: v128, b1: v128, b2: v128, b3: v128;
        let p: usize = 0;
        let pEnd: usize = 0;
        let wp: usize = 0;
        if (interleaved) {
          // y[t] = (s + S) + m0 on registers, with y[t+d] (k3): samples 0…3 and 8…11 of each vector.
          a0 = v128.load(k1, 0);
          a1 = v128.load(k1, 16);
          a2 = v128.load(k1, 32);
          a3 = v128.load(k1, 48);
          b0 = v128.load(k1, 64);
          b1 = v128.load(k1, 80);
          b2 = v128.load(k1, 96);
          b3 = v128.load(k1, 112);
          p = u0;
          pEnd = uEnd;
          wp = w0;
          do {
            const ua = v128.load(p, 0);
            const ub = v128.load(p, 96);
            let wv = v128.load(wp, 0);
            a0 = madd(wv, ua, a0);
            b0 = madd(wv, ub, b0);
            wv = v128.load(wp, 16);
            a1 = madd(wv, ua, a1);
            b1 = madd(wv, ub, b1);
            wv = v128.load(wp, 32);
            a2 = madd(wv, ua, a2);
            b2 = madd(wv, ub, b2);
            wv = v128.load(wp, 48);
            a3 = madd(wv, ua, a3);
            b3 = madd(wv, ub, b3);
            p += chStep;
            wp += 64;
          } while (p != pEnd);
          wino4Lanes(q, y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast, 0, true, k3, a0, a1, a2, a3);
          wino4Lanes(q + 64, y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast, 0, true, k3 + 64, b0, b1, b2, b3);
        } else {
          // y[t] = (s + S) + m0 to k1 (the transpose needs all four outputs of a quad).
          wino4Pass(u0, uEnd, chStep, w0, k1, 64, k1);
        }
        // y[t+3d] = (e + 8E) + m5 on registers.
        a0 = v128.load(k2, 0);
        a1 = v128.load(k2, 16);
        a2 = v128.load(k2, 32);
        a3 = v128.load(k2, 48);
        b0 = v128.load(k2, 64);
        b1 = v128.load(k2, 80);
        b2 = v128.load(k2, 96);
        b3 = v128.load(k2, 112);
        p = u0 + 80;
        pEnd = uEnd + 80;
        wp = w5;
        do {
          const ua = v128.load(p, 0);
          const ub = v128.load(p, 96);
          let wv = v128.load(wp, 0);
          a0 = madd(wv, ua, a0);
          b0 = madd(wv, ub, b0);
          wv = v128.load(wp, 16);
          a1 = madd(wv, ua, a1);
          b1 = madd(wv, ub, b1);
          wv = v128.load(wp, 32);
          a2 = madd(wv, ua, a2);
          b2 = madd(wv, ub, b2);
          wv = v128.load(wp, 48);
          a3 = madd(wv, ua, a3);
          b3 = madd(wv, ub, b3);
          p += chStep;
          wp += 64;
        } while (p != pEnd);
        if (interleaved) {
          // With y[t+2d] (k4): samples 4…7 and 12…15 of each vector.
          wino4Lanes(q, y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast, 16, false, k4, a0, a1, a2, a3);
          wino4Lanes(q + 64, y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast, 16, false, k4 + 64, b0, b1, b2, b3);
        } else {
          wino4Transposed(q, y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast, k1, k3, k4, a0, a1, a2, a3);
          wino4Transposed(q + 64, y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast, k1 + 64, k3 + 64, k4 + 64, b0, b1, b2, b3);
        }
      }
    }
  }
}

/**
 * `wino4Middle`'s output transform kept in the scratch (both vectors of a step, 8 rows): y[t+d] =
 * e + 2E to k3, y[t+2d] = s + 4S to k4, s + S to k1, e + 8E to k2 (the same operations).
 */
@inline
function wino4Keep(k1: usize, k2: usize, k3: usize, k4: usize): void {
  const two = f32x4.splat(2);
  const four = f32x4.splat(4);
  const eight = f32x4.splat(8);
  for (let o: usize = 0; o < 128; o += 16) {
    const m1 = v128.load(k1 + o);
    const m2 = v128.load(k2 + o);
    const m3 = v128.load(k3 + o);
    const m4 = v128.load(k4 + o);
    const s = f32x4.add(m1, m2);
    const e = f32x4.sub(m1, m2);
    const S = f32x4.add(m3, m4);
    const E = f32x4.sub(m3, m4);
    v128.store(k1 + o, f32x4.add(s, S));
    v128.store(k2 + o, madd(eight, E, e));
    v128.store(k3 + o, madd(two, E, e));
    v128.store(k4 + o, madd(four, S, s));
  }
}

/**
 * Half the d = 2 outputs of one vector of `wino4SmallCore` (16 samples × 4 rows at q): per row i,
 * r_i (registers) and the row at f + 16i, r first when `regFirst` (a constant); lanes 0, 1 of both
 * give the 4 samples at byte `off`, lanes 2, 3 the 4 samples 8 later.
 */
@inline
function wino4Lanes(
  q: usize,
  y0: usize,
  dstStep: usize,
  accumulate: i32,
  fused: bool,
  accRows: usize,
  cond: usize,
  mt: usize,
  mIn: i32,
  fast: i32,
  off: usize,
  regFirst: bool,
  f: usize,
  r0: v128,
  r1: v128,
  r2: v128,
  r3: v128,
): void {
  const A0 = regFirst ? r0 : v128.load(f, 0);
  const B0 = regFirst ? v128.load(f, 0) : r0;
  const l0 = v128.shuffle<f32>(A0, B0, 0, 1, 4, 5);
  const h0 = v128.shuffle<f32>(A0, B0, 2, 3, 6, 7);
  const A1 = regFirst ? r1 : v128.load(f, 16);
  const B1 = regFirst ? v128.load(f, 16) : r1;
  const l1 = v128.shuffle<f32>(A1, B1, 0, 1, 4, 5);
  const h1 = v128.shuffle<f32>(A1, B1, 2, 3, 6, 7);
  const A2 = regFirst ? r2 : v128.load(f, 32);
  const B2 = regFirst ? v128.load(f, 32) : r2;
  const l2 = v128.shuffle<f32>(A2, B2, 0, 1, 4, 5);
  const h2 = v128.shuffle<f32>(A2, B2, 2, 3, 6, 7);
  const A3 = regFirst ? r3 : v128.load(f, 48);
  const B3 = regFirst ? v128.load(f, 48) : r3;
  const l3 = v128.shuffle<f32>(A3, B3, 0, 1, 4, 5);
  const h3 = v128.shuffle<f32>(A3, B3, 2, 3, 6, 7);
  wino4Emit(q + off, y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast, l0, l1, l2, l3);
  wino4Emit(q + off + 32, y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast, h0, h1, h2, h3);
}

/**
 * The d = 1 outputs of one vector of `wino4SmallCore` (16 samples × 4 rows at q): per row i, the
 * quads' y[t], y[t+d], y[t+2d] at f0, f1, f2 + 16i and y[t+3d] in r_i, transposed (4×4) into
 * sample order, 8 samples at a time.
 */
@inline
function wino4Transposed(
  q: usize,
  y0: usize,
  dstStep: usize,
  accumulate: i32,
  fused: bool,
  accRows: usize,
  cond: usize,
  mt: usize,
  mIn: i32,
  fast: i32,
  f0: usize,
  f1: usize,
  f2: usize,
  r0: v128,
  r1: v128,
  r2: v128,
  r3: v128,
): void {
  // Lanes 0, 1 of the quads: samples 0…7.
  let T0 = v128.shuffle<f32>(v128.load(f0, 0), v128.load(f1, 0), 0, 4, 1, 5);
  let U0 = v128.shuffle<f32>(v128.load(f2, 0), r0, 0, 4, 1, 5);
  let l0 = v128.shuffle<f32>(T0, U0, 0, 1, 4, 5);
  let h0 = v128.shuffle<f32>(T0, U0, 2, 3, 6, 7);
  let T1 = v128.shuffle<f32>(v128.load(f0, 16), v128.load(f1, 16), 0, 4, 1, 5);
  let U1 = v128.shuffle<f32>(v128.load(f2, 16), r1, 0, 4, 1, 5);
  let l1 = v128.shuffle<f32>(T1, U1, 0, 1, 4, 5);
  let h1 = v128.shuffle<f32>(T1, U1, 2, 3, 6, 7);
  let T2 = v128.shuffle<f32>(v128.load(f0, 32), v128.load(f1, 32), 0, 4, 1, 5);
  let U2 = v128.shuffle<f32>(v128.load(f2, 32), r2, 0, 4, 1, 5);
  let l2 = v128.shuffle<f32>(T2, U2, 0, 1, 4, 5);
  let h2 = v128.shuffle<f32>(T2, U2, 2, 3, 6, 7);
  let T3 = v128.shuffle<f32>(v128.load(f0, 48), v128.load(f1, 48), 0, 4, 1, 5);
  let U3 = v128.shuffle<f32>(v128.load(f2, 48), r3, 0, 4, 1, 5);
  let l3 = v128.shuffle<f32>(T3, U3, 0, 1, 4, 5);
  let h3 = v128.shuffle<f32>(T3, U3, 2, 3, 6, 7);
  wino4Emit(q, y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast, l0, l1, l2, l3);
  wino4Emit(q + 16, y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast, h0, h1, h2, h3);
  // Lanes 2, 3: samples 8…15.
  T0 = v128.shuffle<f32>(v128.load(f0, 0), v128.load(f1, 0), 2, 6, 3, 7);
  U0 = v128.shuffle<f32>(v128.load(f2, 0), r0, 2, 6, 3, 7);
  l0 = v128.shuffle<f32>(T0, U0, 0, 1, 4, 5);
  h0 = v128.shuffle<f32>(T0, U0, 2, 3, 6, 7);
  T1 = v128.shuffle<f32>(v128.load(f0, 16), v128.load(f1, 16), 2, 6, 3, 7);
  U1 = v128.shuffle<f32>(v128.load(f2, 16), r1, 2, 6, 3, 7);
  l1 = v128.shuffle<f32>(T1, U1, 0, 1, 4, 5);
  h1 = v128.shuffle<f32>(T1, U1, 2, 3, 6, 7);
  T2 = v128.shuffle<f32>(v128.load(f0, 32), v128.load(f1, 32), 2, 6, 3, 7);
  U2 = v128.shuffle<f32>(v128.load(f2, 32), r2, 2, 6, 3, 7);
  l2 = v128.shuffle<f32>(T2, U2, 0, 1, 4, 5);
  h2 = v128.shuffle<f32>(T2, U2, 2, 3, 6, 7);
  T3 = v128.shuffle<f32>(v128.load(f0, 48), v128.load(f1, 48), 2, 6, 3, 7);
  U3 = v128.shuffle<f32>(v128.load(f2, 48), r3, 2, 6, 3, 7);
  l3 = v128.shuffle<f32>(T3, U3, 0, 1, 4, 5);
  h3 = v128.shuffle<f32>(T3, U3, 2, 3, 6, 7);
  wino4Emit(q + 32, y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast, l0, l1, l2, l3);
  wino4Emit(q + 48, y0, dstStep, accumulate, fused, accRows, cond, mt, mIn, fast, h0, h1, h2, h3);
}

// ── Phase Winograd F(2,3): pairs by absolute time, across blocks (K = 3, d ≥ 8, d % 8 = 0) ───────

/**
 * conv_wino_phase(src, srcStride, dst, dstStride, w, wDirect, tiles, inCh, dilation, n, accumulate, scratch, state)
 *
 * The K = 3 conv of `conv` for ANY block size, pairing samples by absolute time (a per-conv sample
 * clock) instead of within the block: sample t is a "first" when ⌊t/d⌋ is even, t + d its
 * "second". With the transforms of `conv_wino` (x0..x3 = x[t−2d], x[t−d], x[t], x[t+d]):
 *   first t:     y[t] = (m1 + m2) + m0,  and carry[t mod d] = m1 − m2 (per output row, bias included)
 *   second t+d:  y[t+d] = carry[t mod d] + G3·(x[t+d] − x[t−d])
 * so a first costs 3 products, a second 1 (2 per output, as `conv_wino`), whatever d and n. A block
 * at d ≥ n is all firsts or all seconds. A second uses its carry only when its partner was a
 * Winograd first (a flag per 8 samples of the carry); otherwise the direct kernel (`wDirect`,
 * `packConvWeights` with K = 3) runs those samples. Per block:
 *   - the clock T is re-anchored to the next multiple of 2d when T % 8 ≠ 0 (after a block size
 *     that is not a multiple of 8): every later second then has its partner after the jump;
 *   - n % 8 ≠ 0: the whole block runs direct;
 *   - n % quadStep = 0 and T % 2d = 0 (quadStep ≠ 0): `conv_wino4` (every quad inside the block);
 *   - else n % blockStep = 0 and T % 2d = 0 (blockStep ≠ 0): `conv_wino` (every pair inside the block);
 *   - else runs of d samples in turn: firsts by Winograd (flags set), seconds by Winograd where
 *     flagged, direct elsewhere;
 *   then T += n (wrapped by a multiple of 2d near 2^29, which keeps the pairing).
 * Weights `w` and the u scratch as `conv_wino` (chunk in place of segPairs).
 * state (16-byte aligned; `simd-winograd.ts` writes the header at build): four integers in f64
 *   slots (as `wavenet_layer`'s descriptor, so no slot reads as a subnormal float): [0] clock,
 *   [1] blockStep (0: no `conv_wino` path), [2] its segPairs, [3] chunk (samples per pass, a
 *   multiple of 8), [4] quadStep (0: no `conv_wino4` path), [5] its segQuads, [6] its weights
 *   (byte address), [7] unused; then from byte 64 one flag per 8 samples of a run (d/8 f32: 1
 *   valid, 0 not), then from byte 64 + align16(d/2) the carry: tiles·4 rows of d floats.
 */
export function conv_wino_phase(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  w: usize,
  wDirect: usize,
  tiles: i32,
  inCh: i32,
  dilation: i32,
  n: i32,
  accumulate: i32,
  scratch: usize,
  state: usize,
): void {
  phaseDriver(src, srcStride, dst, dstStride, w, wDirect, tiles, inCh, dilation, n, accumulate, scratch, state, false, 0, 0, 0, 0, 0);
}

/** `conv_wino_phase` (accumulate = 0) with the layer epilogue of `conv_layer_fused` (`layerOut`). */
function conv_wino_phase_layer_fused(
  src: usize,
  srcStride: i32,
  dst: usize,
  stride: i32,
  w: usize,
  wDirect: usize,
  tiles: i32,
  inCh: i32,
  dilation: i32,
  n: i32,
  scratch: usize,
  state: usize,
  mw: usize,
  mIn: i32,
  cond: usize,
  acc: usize,
  fast: i32,
): void {
  phaseDriver(src, srcStride, dst, stride, w, wDirect, tiles, inCh, dilation, n, 0, scratch, state, true, mw, mIn, cond, acc, fast);
}

/** Byte offset of the carry rows in a phase state. */
@inline
function phaseCarryOffset(dilation: i32): usize {
  return 64 + ((<usize>(dilation >> 1) + 15) & ~15);
}

/** The block-level decisions of `conv_wino_phase`; `fused` (a constant) selects the layer epilogue. */
@inline
function phaseDriver(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  w: usize,
  wDirect: usize,
  tiles: i32,
  inCh: i32,
  dilation: i32,
  n: i32,
  accumulate: i32,
  scratch: usize,
  state: usize,
  fused: bool,
  mw: usize,
  mIn: i32,
  cond: usize,
  acc: usize,
  fast: i32,
): void {
  if (n <= 0) return;
  const d = dilation;
  const twoD = d << 1;
  let T = <i32>load<f64>(state);
  if (T & 7) T = (T / twoD + 1) * twoD;
  const wrap = (0x20000000 / twoD) * twoD;
  const next = T + n;
  store<f64>(state, <f64>(next >= wrap ? next - wrap : next));
  const blockStep = <i32>load<f64>(state, 8);
  if ((n & 7) != 0) {
    phaseDirect(src, srcStride, dst, dstStride, wDirect, tiles, inCh, d, 0, n, accumulate, fused, mw, mIn, cond, acc, fast);
    return;
  }
  const quadStep = <i32>load<f64>(state, 32);
  if (quadStep != 0 && n % quadStep == 0 && T % twoD == 0) {
    const w4 = <usize>load<f64>(state, 48);
    const segQuads = <i32>load<f64>(state, 40);
    if (fused) {
      conv_wino4_layer_fused(src, srcStride, dst, dstStride, w4, tiles, inCh, d, n, scratch, segQuads, mw, mIn, cond, acc, fast);
    } else {
      conv_wino4(src, srcStride, dst, dstStride, w4, tiles, inCh, d, n, accumulate, scratch, segQuads);
    }
    return;
  }
  if (blockStep != 0 && n % blockStep == 0 && T % twoD == 0) {
    const segPairs = <i32>load<f64>(state, 16);
    if (fused) {
      conv_wino_layer_fused(src, srcStride, dst, dstStride, w, tiles, inCh, d, n, scratch, segPairs, mw, mIn, cond, acc, fast);
    } else {
      conv_wino(src, srcStride, dst, dstStride, w, tiles, inCh, d, n, accumulate, scratch, segPairs);
    }
    return;
  }
  const chunk = <i32>load<f64>(state, 24);
  const flags = state + 64;
  const carry = state + phaseCarryOffset(d);
  let s = 0;
  while (s < n) {
    const ph = (T + s) % twoD;
    if (ph < d) {
      // Firsts: Winograd, in chunks; their carries become valid.
      const len = min(d - ph, n - s);
      for (let c = 0; c < len; c += chunk) {
        const L = min(chunk, len - c);
        phaseFirst(src, srcStride, dst, dstStride, w, tiles, inCh, d, s + c, L, accumulate, scratch, chunk, carry, ph + c, fused, mw, mIn, cond, acc, fast);
      }
      for (let g = ph >> 3, gEnd = (ph + len) >> 3; g < gEnd; g++) store<f32>(flags + (<usize>g << 2), 1);
      s += len;
    } else {
      // Seconds: Winograd over runs of flagged groups, the direct kernel over the others.
      const c0 = ph - d;
      const len = min(twoD - ph, n - s);
      let g = c0 >> 3;
      const gEnd = (c0 + len) >> 3;
      while (g < gEnd) {
        const valid = load<f32>(flags + (<usize>g << 2)) != 0;
        let h = g + 1;
        while (h < gEnd && (load<f32>(flags + (<usize>h << 2)) != 0) == valid) h++;
        const at = s + ((g << 3) - c0);
        const L = (h - g) << 3;
        if (valid) {
          for (let c = 0; c < L; c += chunk) {
            phaseSecond(src, srcStride, dst, dstStride, w, tiles, inCh, d, at + c, min(chunk, L - c), accumulate, scratch, chunk, carry, (g << 3) + c, fused, mw, mIn, cond, acc, fast);
          }
        } else {
          phaseDirect(src, srcStride, dst, dstStride, wDirect, tiles, inCh, d, at, L, accumulate, fused, mw, mIn, cond, acc, fast);
        }
        g = h;
      }
      s += len;
    }
  }
}

/** The direct kernel over samples [s0, s0 + L) of the block (with the fused epilogue when `fused`). */
@inline
function phaseDirect(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  wDirect: usize,
  tiles: i32,
  inCh: i32,
  d: i32,
  s0: i32,
  L: i32,
  accumulate: i32,
  fused: bool,
  mw: usize,
  mIn: i32,
  cond: usize,
  acc: usize,
  fast: i32,
): void {
  const o = <usize>s0 << 2;
  if (fused) {
    conv_layer_fused(src + o, srcStride, dst + o, dstStride, wDirect, tiles, inCh, 3, d, L, mw, mIn, cond + o, acc + o, fast);
  } else {
    conv(src + o, srcStride, dst + o, dstStride, wDirect, tiles, inCh, 3, d, L, accumulate);
  }
}

/**
 * Winograd firsts over block samples [s0, s0 + L) (L a multiple of 8, ≤ chunk; carry index cIdx at
 * s0): y = (m1 + m2) + m0 to dst (or the epilogue), m1 − m2 to the carry rows.
 */
function phaseFirst(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  w: usize,
  tiles: i32,
  inCh: i32,
  d: i32,
  s0: i32,
  L: i32,
  accumulate: i32,
  scratch: usize,
  chunk: i32,
  carry: usize,
  cIdx: i32,
  fused: bool,
  mw: usize,
  mIn: i32,
  cond: usize,
  acc: usize,
  fast: i32,
): void {
  const dB = <usize>d << 2;
  const srcStep = <usize>srcStride << 2;
  const dstStep = <usize>dstStride << 2;
  const cStep = dB;
  const chStep = (<usize>chunk << 4) + 64;
  const chanEnd = <usize>inCh * chStep;
  const keep = scratch + chanEnd;
  const setBytes = <usize>inCh << 6;
  const tileBytes = (setBytes << 2) + 64;
  const mTileBytes = (<usize>mIn << 6) + 64;
  const vectors = L >> 2;
  const sB = <usize>s0 << 2;
  // 1. Input transform: u0, u1, u2 per vector of 4 samples (64 bytes, as `conv_wino`).
  for (let c = 0; c < inCh; c++) {
    let p = src + <usize>c * srcStep + sB;
    let u = scratch + <usize>c * chStep;
    for (let k = 0; k < vectors; k++) {
      const x1 = v128.load(p - dB);
      const x2 = v128.load(p);
      v128.store(u, f32x4.sub(v128.load(p - (dB << 1)), x2), 0);
      v128.store(u, f32x4.add(x1, x2), 16);
      v128.store(u, f32x4.sub(x2, x1), 32);
      u += 64;
      p += 16;
    }
  }
  // 2. Products and output transform, per tile and 8 samples.
  for (let tile = 0; tile < tiles; tile++) {
    const w1 = w + <usize>tile * tileBytes;
    const w2 = w1 + setBytes;
    const w0 = w2 + setBytes;
    const bias = w0 + (setBytes << 1);
    const rowOff = <usize>(tile << 2) * dstStep;
    const y0 = dst + rowOff + sB;
    const cr = carry + <usize>(tile << 2) * cStep + (<usize>cIdx << 2);
    const mt = mw + <usize>tile * mTileBytes;
    for (let v = 0; v < vectors; v += 2) {
      const u0 = scratch + (<usize>v << 6);
      const uEnd = u0 + chanEnd;
      // m1 = G1·u1 + bias
      let a0 = v128.load(bias, 0);
      let a1 = v128.load(bias, 16);
      let a2 = v128.load(bias, 32);
      let a3 = v128.load(bias, 48);
      let b0 = a0;
      let b1 = a1;
      let b2 = a2;
      let b3 = a3;
      let p = u0 + 16;
      let wp = w1;
      do {
        const ua = v128.load(p, 0);
        const ub = v128.load(p, 64);
        let wv = v128.load(wp, 0);
        a0 = madd(wv, ua, a0);
        b0 = madd(wv, ub, b0);
        wv = v128.load(wp, 16);
        a1 = madd(wv, ua, a1);
        b1 = madd(wv, ub, b1);
        wv = v128.load(wp, 32);
        a2 = madd(wv, ua, a2);
        b2 = madd(wv, ub, b2);
        wv = v128.load(wp, 48);
        a3 = madd(wv, ua, a3);
        b3 = madd(wv, ub, b3);
        p += chStep;
        wp += 64;
      } while (p != uEnd + 16);
      v128.store(keep, a0, 0);
      v128.store(keep, a1, 16);
      v128.store(keep, a2, 32);
      v128.store(keep, a3, 48);
      v128.store(keep, b0, 64);
      v128.store(keep, b1, 80);
      v128.store(keep, b2, 96);
      v128.store(keep, b3, 112);
      // m2 = G2·u2
      a0 = f32x4.splat(0);
      a1 = a0;
      a2 = a0;
      a3 = a0;
      b0 = a0;
      b1 = a0;
      b2 = a0;
      b3 = a0;
      p = u0 + 32;
      wp = w2;
      do {
        const ua = v128.load(p, 0);
        const ub = v128.load(p, 64);
        let wv = v128.load(wp, 0);
        a0 = madd(wv, ua, a0);
        b0 = madd(wv, ub, b0);
        wv = v128.load(wp, 16);
        a1 = madd(wv, ua, a1);
        b1 = madd(wv, ub, b1);
        wv = v128.load(wp, 32);
        a2 = madd(wv, ua, a2);
        b2 = madd(wv, ub, b2);
        wv = v128.load(wp, 48);
        a3 = madd(wv, ua, a3);
        b3 = madd(wv, ub, b3);
        p += chStep;
        wp += 64;
      } while (p != uEnd + 32);
      // carry = m1 − m2; m1 + m2 carried on.
      const cv = cr + (<usize>v << 4);
      let m1 = v128.load(keep, 0);
      v128.store(cv, f32x4.sub(m1, a0), 0);
      a0 = f32x4.add(m1, a0);
      m1 = v128.load(keep, 16);
      v128.store(cv + cStep, f32x4.sub(m1, a1), 0);
      a1 = f32x4.add(m1, a1);
      m1 = v128.load(keep, 32);
      v128.store(cv + 2 * cStep, f32x4.sub(m1, a2), 0);
      a2 = f32x4.add(m1, a2);
      m1 = v128.load(keep, 48);
      v128.store(cv + 3 * cStep, f32x4.sub(m1, a3), 0);
      a3 = f32x4.add(m1, a3);
      m1 = v128.load(keep, 64);
      v128.store(cv, f32x4.sub(m1, b0), 16);
      b0 = f32x4.add(m1, b0);
      m1 = v128.load(keep, 80);
      v128.store(cv + cStep, f32x4.sub(m1, b1), 16);
      b1 = f32x4.add(m1, b1);
      m1 = v128.load(keep, 96);
      v128.store(cv + 2 * cStep, f32x4.sub(m1, b2), 16);
      b2 = f32x4.add(m1, b2);
      m1 = v128.load(keep, 112);
      v128.store(cv + 3 * cStep, f32x4.sub(m1, b3), 16);
      b3 = f32x4.add(m1, b3);
      // y[t] = m1 + m2 + G0·u0
      p = u0;
      wp = w0;
      do {
        const ua = v128.load(p, 0);
        const ub = v128.load(p, 64);
        let wv = v128.load(wp, 0);
        a0 = madd(wv, ua, a0);
        b0 = madd(wv, ub, b0);
        wv = v128.load(wp, 16);
        a1 = madd(wv, ua, a1);
        b1 = madd(wv, ub, b1);
        wv = v128.load(wp, 32);
        a2 = madd(wv, ua, a2);
        b2 = madd(wv, ub, b2);
        wv = v128.load(wp, 48);
        a3 = madd(wv, ua, a3);
        b3 = madd(wv, ub, b3);
        p += chStep;
        wp += 64;
      } while (p != uEnd);
      phaseOut(y0 + (<usize>v << 4), rowOff, sB + (<usize>v << 4), dstStep, accumulate, fused, mt, mIn, cond, acc, fast, a0, a1, a2, a3, b0, b1, b2, b3);
    }
  }
}

/**
 * Winograd seconds over block samples [s0, s0 + L) (L a multiple of 8, ≤ chunk; carry index cIdx at
 * s0, every carry flagged valid): y = carry + G3·(x[t] − x[t−2d]).
 */
function phaseSecond(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  w: usize,
  tiles: i32,
  inCh: i32,
  d: i32,
  s0: i32,
  L: i32,
  accumulate: i32,
  scratch: usize,
  chunk: i32,
  carry: usize,
  cIdx: i32,
  fused: bool,
  mw: usize,
  mIn: i32,
  cond: usize,
  acc: usize,
  fast: i32,
): void {
  const dB = <usize>d << 2;
  const srcStep = <usize>srcStride << 2;
  const dstStep = <usize>dstStride << 2;
  const cStep = dB;
  // u3' rows are 4× smaller than `conv_wino`'s four, so they fit the same scratch.
  const chStep = (<usize>chunk << 2) + 64;
  const chanEnd = <usize>inCh * chStep;
  const setBytes = <usize>inCh << 6;
  const tileBytes = (setBytes << 2) + 64;
  const mTileBytes = (<usize>mIn << 6) + 64;
  const vectors = L >> 2;
  const sB = <usize>s0 << 2;
  // 1. Input transform: u3' = x[t] − x[t−2d] (x3 − x1 of the pair), 16 bytes per vector.
  for (let c = 0; c < inCh; c++) {
    let p = src + <usize>c * srcStep + sB;
    let u = scratch + <usize>c * chStep;
    for (let k = 0; k < vectors; k++) {
      v128.store(u, f32x4.sub(v128.load(p), v128.load(p - (dB << 1))));
      u += 16;
      p += 16;
    }
  }
  // 2. carry + G3·u3', per tile and 8 samples.
  for (let tile = 0; tile < tiles; tile++) {
    const w3 = w + <usize>tile * tileBytes + 3 * setBytes;
    const rowOff = <usize>(tile << 2) * dstStep;
    const y0 = dst + rowOff + sB;
    const cr = carry + <usize>(tile << 2) * cStep + (<usize>cIdx << 2);
    const mt = mw + <usize>tile * mTileBytes;
    for (let v = 0; v < vectors; v += 2) {
      const cv = cr + (<usize>v << 4);
      let a0 = v128.load(cv, 0);
      let a1 = v128.load(cv + cStep, 0);
      let a2 = v128.load(cv + 2 * cStep, 0);
      let a3 = v128.load(cv + 3 * cStep, 0);
      let b0 = v128.load(cv, 16);
      let b1 = v128.load(cv + cStep, 16);
      let b2 = v128.load(cv + 2 * cStep, 16);
      let b3 = v128.load(cv + 3 * cStep, 16);
      let p = scratch + (<usize>v << 4);
      const pEnd = p + chanEnd;
      let wp = w3;
      do {
        const ua = v128.load(p, 0);
        const ub = v128.load(p, 16);
        let wv = v128.load(wp, 0);
        a0 = madd(wv, ua, a0);
        b0 = madd(wv, ub, b0);
        wv = v128.load(wp, 16);
        a1 = madd(wv, ua, a1);
        b1 = madd(wv, ub, b1);
        wv = v128.load(wp, 32);
        a2 = madd(wv, ua, a2);
        b2 = madd(wv, ub, b2);
        wv = v128.load(wp, 48);
        a3 = madd(wv, ua, a3);
        b3 = madd(wv, ub, b3);
        p += chStep;
        wp += 64;
      } while (p != pEnd);
      phaseOut(y0 + (<usize>v << 4), rowOff, sB + (<usize>v << 4), dstStep, accumulate, fused, mt, mIn, cond, acc, fast, a0, a1, a2, a3, b0, b1, b2, b3);
    }
  }
}

/**
 * Final outputs of 8 samples × 4 rows at q (a: samples 0–3, b: 4–7): stored (or added when
 * accumulating), or through the layer epilogue (`layerOut`: the tile's acc rows at acc + rowOff,
 * cond from its row 0; `off` is the samples' byte offset in a row).
 */
@inline
function phaseOut(
  q: usize,
  rowOff: usize,
  off: usize,
  dstStep: usize,
  accumulate: i32,
  fused: bool,
  mt: usize,
  mIn: i32,
  cond: usize,
  acc: usize,
  fast: i32,
  a0: v128,
  a1: v128,
  a2: v128,
  a3: v128,
  b0: v128,
  b1: v128,
  b2: v128,
  b3: v128,
): void {
  if (fused) {
    const r = acc + rowOff + off;
    layerOut(q, r, cond + off, dstStep, dstStep, mt, mIn, fast, a0, a1, a2, a3);
    layerOut(q + 16, r + 16, cond + off + 16, dstStep, dstStep, mt, mIn, fast, b0, b1, b2, b3);
  } else {
    wino_put(q, a0, accumulate);
    wino_put(q + dstStep, a1, accumulate);
    wino_put(q + 2 * dstStep, a2, accumulate);
    wino_put(q + 3 * dstStep, a3, accumulate);
    wino_put(q + 16, b0, accumulate);
    wino_put(q + 16 + dstStep, b1, accumulate);
    wino_put(q + 16 + 2 * dstStep, b2, accumulate);
    wino_put(q + 16 + 3 * dstStep, b3, accumulate);
  }
}

// ── Scalar-vector math used by the activations and the LSTM ─────────────────────────────────────

// Eigen's float tanh: a 13/6 odd/even rational on [−7.9053, 7.9053], clamped outside.
const TANH_CLAMP: f32 = 7.90531110763549805;
const TA1: f32 = 4.89352455891786e-3;
const TA3: f32 = 6.37261928875436e-4;
const TA5: f32 = 1.48572235717979e-5;
const TA7: f32 = 5.12229709037114e-8;
const TA9: f32 = -8.60467152213735e-11;
const TA11: f32 = 2.00018790482477e-13;
const TA13: f32 = -2.76076847742355e-16;
const TB0: f32 = 4.89352518554385e-3;
const TB2: f32 = 2.268434632439e-3;
const TB4: f32 = 1.18534705686654e-4;
const TB6: f32 = 1.19825839466702e-6;

/** Eigen's float rational tanh; NaN stays NaN (f32x4.min/max propagate it). */
@inline
function vtanhExact(v: v128): v128 {
  const x = f32x4.max(f32x4.min(v, f32x4.splat(TANH_CLAMP)), f32x4.splat(-TANH_CLAMP));
  const x2 = f32x4.mul(x, x);
  let p = madd(f32x4.splat(TA13), x2, f32x4.splat(TA11));
  p = madd(p, x2, f32x4.splat(TA9));
  p = madd(p, x2, f32x4.splat(TA7));
  p = madd(p, x2, f32x4.splat(TA5));
  p = madd(p, x2, f32x4.splat(TA3));
  p = madd(p, x2, f32x4.splat(TA1));
  p = f32x4.mul(p, x);
  let q = madd(f32x4.splat(TB6), x2, f32x4.splat(TB4));
  q = madd(q, x2, f32x4.splat(TB2));
  q = madd(q, x2, f32x4.splat(TB0));
  return f32x4.div(p, q);
}

// The core's fast_tanh coefficients (float constants in NAM/activations.h).
const FT_A: f32 = 2.45550750702956;
const FT_B: f32 = 0.893229853513558;
const FT_C: f32 = 0.821226666969744;
const FT_D: f32 = 2.44506634652299;
const FT_E: f32 = 0.814642734961073;

/**
 * |x| by clearing the sign bits: the same bits as f32x4.abs, one instruction with a constant V8
 * hoists out of the loop (its f32x4.abs rebuilds the mask each time: three instructions).
 */
@inline
function vabs(x: v128): v128 {
  return v128.and(x, i32x4.splat(0x7fffffff));
}

/** fast_tanh: x(a + a|x| + (b + c|x|)x²) / (d + (d + x²)|x + e·x·|x||). */
@inline
function vtanhFast(x: v128): v128 {
  const ax = vabs(x);
  const x2 = f32x4.mul(x, x);
  const a = madd(f32x4.splat(FT_A), ax, f32x4.splat(FT_A));
  const b = madd(f32x4.splat(FT_C), ax, f32x4.splat(FT_B));
  const num = f32x4.mul(x, madd(b, x2, a));
  const inner = vabs(madd(f32x4.mul(f32x4.splat(FT_E), x), ax, x));
  const den = madd(f32x4.add(f32x4.splat(FT_D), x2), inner, f32x4.splat(FT_D));
  return f32x4.div(num, den);
}

/** 0.5·(1 + tanh_exact(x/2)). */
@inline
function vsigmoidExact(x: v128): v128 {
  const h = f32x4.splat(0.5);
  return madd(vtanhExact(f32x4.mul(x, h)), h, h);
}

/** 0.5·(fast_tanh(x/2) + 1). */
@inline
function vsigmoidFast(x: v128): v128 {
  const h = f32x4.splat(0.5);
  return f32x4.mul(f32x4.add(vtanhFast(f32x4.mul(x, h)), f32x4.splat(1)), h);
}

// ── Activations (in place) ──────────────────────────────────────────────────────────────────────

// The rational activations run two vectors per iteration: V8 rebuilds each splat constant inside
// the loop body, so sharing one body between two vectors halves that cost (measured per vector of
// 4, relaxed / baseline SIMD: fast tanh 1.9 → 1.4 / 2.5 → 2.0 ns, exact tanh 5.5 → 3.8 / 9.1 → 5.8 ns,
// exact sigmoid 6.8 → 4.3 / 10.1 → 6.4 ns). Same lanes, same operations, same results.

export function tanh_exact(ptr: usize, count: i32): void {
  let p = ptr;
  const end = ptr + span(count);
  for (; p + 32 <= end; p += 32) {
    v128.store(p, vtanhExact(v128.load(p, 0)), 0);
    v128.store(p, vtanhExact(v128.load(p, 16)), 16);
  }
  if (p < end) v128.store(p, vtanhExact(v128.load(p)));
}

export function tanh_fast(ptr: usize, count: i32): void {
  let p = ptr;
  const end = ptr + span(count);
  for (; p + 32 <= end; p += 32) {
    v128.store(p, vtanhFast(v128.load(p, 0)), 0);
    v128.store(p, vtanhFast(v128.load(p, 16)), 16);
  }
  if (p < end) v128.store(p, vtanhFast(v128.load(p)));
}

export function sigmoid_exact(ptr: usize, count: i32): void {
  let p = ptr;
  const end = ptr + span(count);
  for (; p + 32 <= end; p += 32) {
    v128.store(p, vsigmoidExact(v128.load(p, 0)), 0);
    v128.store(p, vsigmoidExact(v128.load(p, 16)), 16);
  }
  if (p < end) v128.store(p, vsigmoidExact(v128.load(p)));
}

export function sigmoid_fast(ptr: usize, count: i32): void {
  let p = ptr;
  const end = ptr + span(count);
  for (; p + 32 <= end; p += 32) {
    v128.store(p, vsigmoidFast(v128.load(p, 0)), 0);
    v128.store(p, vsigmoidFast(v128.load(p, 16)), 16);
  }
  if (p < end) v128.store(p, vsigmoidFast(v128.load(p)));
}

export function relu(ptr: usize, count: i32): void {
  const zero = f32x4.splat(0);
  for (let p = ptr, end = ptr + span(count); p < end; p += 16) {
    const x = v128.load(p);
    v128.store(p, v128.and(x, f32x4.gt(x, zero)));
  }
}

export function leaky_relu(ptr: usize, count: i32, slope: f32): void {
  const zero = f32x4.splat(0);
  const s = f32x4.splat(slope);
  for (let p = ptr, end = ptr + span(count); p < end; p += 16) {
    const x = v128.load(p);
    v128.store(p, v128.bitselect(x, f32x4.mul(s, x), f32x4.gt(x, zero)));
  }
}

export function hardtanh(ptr: usize, count: i32): void {
  const lo = f32x4.splat(-1);
  const hi = f32x4.splat(1);
  for (let p = ptr, end = ptr + span(count); p < end; p += 16) {
    // pmax(x, lo) = x < lo ? lo : x; pmin(y, hi) = hi < y ? hi : y (NaN passes through).
    v128.store(p, f32x4.pmin(f32x4.pmax(v128.load(p), lo), hi));
  }
}

export function leaky_hardtanh(ptr: usize, count: i32, minVal: f32, maxVal: f32, minSlope: f32, maxSlope: f32): void {
  const lo = f32x4.splat(minVal);
  const hi = f32x4.splat(maxVal);
  const sLo = f32x4.splat(minSlope);
  const sHi = f32x4.splat(maxSlope);
  for (let p = ptr, end = ptr + span(count); p < end; p += 16) {
    const x = v128.load(p);
    const below = madd(f32x4.sub(x, lo), sLo, lo);
    const above = madd(f32x4.sub(x, hi), sHi, hi);
    let y = v128.bitselect(above, x, f32x4.gt(x, hi));
    y = v128.bitselect(below, y, f32x4.lt(x, lo));
    v128.store(p, y);
  }
}

export function softsign(ptr: usize, count: i32): void {
  const one = f32x4.splat(1);
  for (let p = ptr, end = ptr + span(count); p < end; p += 16) {
    const x = v128.load(p);
    v128.store(p, f32x4.div(x, f32x4.add(one, f32x4.abs(x))));
  }
}

export function silu_exact(ptr: usize, count: i32): void {
  let p = ptr;
  const end = ptr + span(count);
  for (; p + 32 <= end; p += 32) {
    const x0 = v128.load(p, 0);
    const x1 = v128.load(p, 16);
    v128.store(p, f32x4.mul(x0, vsigmoidExact(x0)), 0);
    v128.store(p, f32x4.mul(x1, vsigmoidExact(x1)), 16);
  }
  if (p < end) {
    const x = v128.load(p);
    v128.store(p, f32x4.mul(x, vsigmoidExact(x)));
  }
}

export function hardswish(ptr: usize, count: i32): void {
  const three = f32x4.splat(3);
  const six = f32x4.splat(6);
  const zero = f32x4.splat(0);
  for (let p = ptr, end = ptr + span(count); p < end; p += 16) {
    const x = v128.load(p);
    const mid = f32x4.div(f32x4.mul(x, f32x4.add(x, three)), six);
    let y = v128.bitselect(x, mid, f32x4.ge(x, three));
    y = v128.bitselect(zero, y, f32x4.le(x, f32x4.neg(three)));
    v128.store(p, y);
  }
}

// ── Elementwise ─────────────────────────────────────────────────────────────────────────────────

export function add(dst: usize, src: usize, count: i32): void {
  const bytes = span(count);
  for (let o: usize = 0; o < bytes; o += 16) v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
}

export function copy(dst: usize, src: usize, count: i32): void {
  const bytes = span(count);
  for (let o: usize = 0; o < bytes; o += 16) v128.store(dst + o, v128.load(src + o));
}

/** rows × count floats between buffers of different strides (a planar block into a conv history). */
export function copy_rows(dst: usize, dstStride: i32, src: usize, srcStride: i32, rows: i32, count: i32): void {
  const bytes = span(count);
  const ds = <usize>dstStride << 2;
  const ss = <usize>srcStride << 2;
  // Four vectors per step (each loop back-edge also costs the runtime's interrupt check), then the rest.
  const bytes4 = bytes & ~(<usize>63);
  for (let r = 0; r < rows; r++) {
    let o: usize = 0;
    for (; o < bytes4; o += 64) {
      const a = v128.load(src + o, 0);
      const b = v128.load(src + o, 16);
      const c = v128.load(src + o, 32);
      const e = v128.load(src + o, 48);
      v128.store(dst + o, a, 0);
      v128.store(dst + o, b, 16);
      v128.store(dst + o, c, 32);
      v128.store(dst + o, e, 48);
    }
    for (; o < bytes; o += 16) v128.store(dst + o, v128.load(src + o));
    dst += ds;
    src += ss;
  }
}

export function scale(dst: usize, src: usize, count: i32, k: f32): void {
  const kv = f32x4.splat(k);
  const bytes = span(count);
  for (let o: usize = 0; o < bytes; o += 16) v128.store(dst + o, f32x4.mul(kv, v128.load(src + o)));
}

export function gate_mul(top: usize, bottom: usize, count: i32): void {
  const bytes = span(count);
  for (let o: usize = 0; o < bytes; o += 16) v128.store(top + o, f32x4.mul(v128.load(top + o), v128.load(bottom + o)));
}

export function blend(top: usize, pre: usize, alpha: usize, count: i32): void {
  // Per-sample alpha (the blended WaveNet's secondary activation): top = α·top + (1 − α)·pre.
  const one = f32x4.splat(1);
  const bytes = span(count);
  for (let o: usize = 0; o < bytes; o += 16) {
    const a = v128.load(alpha + o);
    v128.store(top + o, madd(a, v128.load(top + o), f32x4.mul(f32x4.sub(one, a), v128.load(pre + o))));
  }
}

export function film(dst: usize, x: usize, scale: usize, shift: usize, count: i32, hasShift: i32): void {
  const bytes = span(count);
  if (hasShift) {
    for (let o: usize = 0; o < bytes; o += 16) v128.store(dst + o, madd(v128.load(x + o), v128.load(scale + o), v128.load(shift + o)));
  } else {
    for (let o: usize = 0; o < bytes; o += 16) v128.store(dst + o, f32x4.mul(v128.load(x + o), v128.load(scale + o)));
  }
}

export function flush_denormals(ptr: usize, count: i32): void {
  const tiny = f32x4.splat(1e-30);
  for (let p = ptr, end = ptr + span(count); p < end; p += 16) {
    const x = v128.load(p);
    v128.store(p, v128.andnot(x, f32x4.lt(f32x4.abs(x), tiny)));
  }
}

// ── One plain WaveNet layer in one call ─────────────────────────────────────────────────────────

// Activation codes of `wavenet_layer` (simd/simd-layer.ts maps the engine's activations to them).
const ACT_IDENTITY = 0;
const ACT_TANH_EXACT = 1;
const ACT_TANH_FAST = 2;
const ACT_SIGMOID_EXACT = 3;
const ACT_RELU = 4;
const ACT_HARDTANH = 5;
const ACT_SOFTSIGN = 6;
const ACT_SILU_EXACT = 7;
const ACT_HARDSWISH = 8;

/** One of the parameterless activations over `count` floats at p. */
function activateSpan(code: i32, p: usize, count: i32): void {
  switch (code) {
    case ACT_TANH_EXACT: tanh_exact(p, count); break;
    case ACT_TANH_FAST: tanh_fast(p, count); break;
    case ACT_SIGMOID_EXACT: sigmoid_exact(p, count); break;
    case ACT_RELU: relu(p, count); break;
    case ACT_HARDTANH: hardtanh(p, count); break;
    case ACT_SOFTSIGN: softsign(p, count); break;
    case ACT_SILU_EXACT: silu_exact(p, count); break;
    case ACT_HARDSWISH: hardswish(p, count); break;
    default: break; // ACT_IDENTITY
  }
}

/** The activation over `rows` planar rows of n samples: one span when n = stride, else row by row. */
function activateRows(code: i32, p: usize, stride: i32, rows: i32, n: i32): void {
  if (code == ACT_IDENTITY) return;
  if (n == stride) {
    activateSpan(code, p, (rows - 1) * stride + n);
    return;
  }
  const step = <usize>stride << 2;
  for (let r = 0; r < rows; r++) activateSpan(code, p + <usize>r * step, n);
}

/** dst += src over `rows` planar rows of n samples (both of `stride`): one span when n = stride. */
function addRows(dst: usize, src: usize, stride: i32, rows: i32, n: i32): void {
  if (n == stride) {
    add(dst, src, (rows - 1) * stride + n);
    return;
  }
  const step = <usize>stride << 2;
  for (let r = 0; r < rows; r++) add(dst + <usize>r * step, src + <usize>r * step, n);
}

/** top *= bottom over `rows` planar rows of n samples: one span when n = stride. */
function gateRows(top: usize, bottom: usize, stride: i32, rows: i32, n: i32): void {
  if (n == stride) {
    gate_mul(top, bottom, (rows - 1) * stride + n);
    return;
  }
  const step = <usize>stride << 2;
  for (let r = 0; r < rows; r++) gate_mul(top + <usize>r * step, bottom + <usize>r * step, n);
}

/**
 * Slot i of a `wavenet_layer` descriptor: integers stored as f64 (an i32 slot would hold small
 * integers, which are subnormal floats to anything that scans the memory for them; an f64 integer
 * below 2^29 has no subnormal half).
 */
@inline
function slot(desc: usize, i: i32): i32 {
  return <i32>load<f64>(desc + (<usize>i << 3));
}

// Slots of a `wavenet_layer` descriptor.
const L_STRIDE = 0; // floats per row of the planar buffers (x, cond, acc, z)
const L_CHANNELS = 1; // rows of x
const L_HIST = 2; // conv history (byte address) and its floats per channel
const L_CAP = 3;
const L_Z = 4; // z (byte address)
const L_CONV_W = 5; // dilated conv: packed weights, tiles, input channels, K, dilation
const L_CONV_TILES = 6;
const L_CONV_IN = 7;
const L_CONV_K = 8;
const L_DILATION = 9;
const L_WINO_W = 10; // its Winograd weights (0: none), scratch, segment pairs, block step
const L_WINO_SCRATCH = 11;
const L_WINO_SEG = 12;
const L_WINO_STEP = 13;
const L_MIXIN_W = 14; // input mixin (1x1, accumulating into z): weights, tiles, input channels
const L_MIXIN_TILES = 15;
const L_MIXIN_IN = 16;
const L_BOTTLENECK = 17; // B: rows of the activation
const L_ACT = 18; // activation code
const L_SECONDARY = 19; // gated: the secondary's code on z rows [B, 2B); -1: not gated
const L_L1_W = 20; // layer1x1 (accumulating into x): weights (0: none), tiles, input channels
const L_L1_TILES = 21;
const L_L1_IN = 22;
const L_WINO_STATE = 23; // phase Winograd state (`conv_wino_phase`; 0: none): then it runs every block
const L_WINO4_W = 24; // its F(4,3) weights (0: none), segment quads, block step (`conv_wino4`; without a phase state)
const L_WINO4_SEG = 25;
const L_WINO4_STEP = 26;

/**
 * conv1x1_add: dst = addend + (W·src + b), rows tile·4 … tile·4+3 of every tile, samples [0, n
 * rounded up to 8). `convCore` with K = 1 and accumulate = 1, except that the value added is read
 * from `addend` (rows `addendStride` floats apart) rather than from dst: the bias, then each input
 * channel's multiply-add in order, then + addend, so the bits of `conv(…, accumulate = 1)` on a dst
 * holding the addend. dst may equal addend (then it is exactly that accumulate), not overlap it otherwise.
 */
export function conv1x1_add(
  src: usize,
  srcStride: i32,
  addend: usize,
  addendStride: i32,
  dst: usize,
  dstStride: i32,
  w: usize,
  tiles: i32,
  inCh: i32,
  n: i32,
): void {
  const srcStep = <usize>srcStride << 2;
  const dstStep = <usize>dstStride << 2;
  const addStep = <usize>addendStride << 2;
  const wTaps = <usize>inCh << 6;
  const tileBytes = wTaps + 64;
  const n8 = (n + 7) & ~7;
  if (inCh <= 0) {
    // No inputs: the bias plus the addend (as `convCore` adds the bias to the old dst).
    for (let tile = 0; tile < tiles; tile++) {
      const b = w + <usize>tile * tileBytes + wTaps;
      let d = dst + <usize>(tile << 2) * dstStep;
      let a = addend + <usize>(tile << 2) * addStep;
      for (let j = 0; j < 4; j++) {
        const bv = v128.load(b + (<usize>j << 4));
        for (let t = 0; t < n8; t += 4) v128.store(d + (<usize>t << 2), f32x4.add(v128.load(a + (<usize>t << 2)), bv));
        d += dstStep;
        a += addStep;
      }
    }
    return;
  }
  const chanEnd = <usize>inCh * srcStep;
  for (let tile = 0; tile < tiles; tile++) {
    const wt = w + <usize>tile * tileBytes;
    const d0 = dst + <usize>(tile << 2) * dstStep;
    const e0 = addend + <usize>(tile << 2) * addStep;
    for (let t = 0; t < n8; t += 8) {
      let a00 = v128.load(wt + wTaps, 0);
      let a10 = v128.load(wt + wTaps, 16);
      let a20 = v128.load(wt + wTaps, 32);
      let a30 = v128.load(wt + wTaps, 48);
      let a01 = a00;
      let a11 = a10;
      let a21 = a20;
      let a31 = a30;
      let p = src + (<usize>t << 2);
      const pEnd = p + chanEnd;
      let wp = wt;
      do {
        const x0 = v128.load(p, 0);
        const x1 = v128.load(p, 16);
        let wv = v128.load(wp, 0);
        a00 = madd(wv, x0, a00);
        a01 = madd(wv, x1, a01);
        wv = v128.load(wp, 16);
        a10 = madd(wv, x0, a10);
        a11 = madd(wv, x1, a11);
        wv = v128.load(wp, 32);
        a20 = madd(wv, x0, a20);
        a21 = madd(wv, x1, a21);
        wv = v128.load(wp, 48);
        a30 = madd(wv, x0, a30);
        a31 = madd(wv, x1, a31);
        p += srcStep;
        wp += 64;
      } while (p != pEnd);
      const e = e0 + (<usize>t << 2);
      const q0 = d0 + (<usize>t << 2);
      const q1 = q0 + dstStep;
      const q2 = q1 + dstStep;
      const q3 = q2 + dstStep;
      a00 = f32x4.add(a00, v128.load(e, 0));
      a01 = f32x4.add(a01, v128.load(e, 16));
      a10 = f32x4.add(a10, v128.load(e + addStep, 0));
      a11 = f32x4.add(a11, v128.load(e + addStep, 16));
      a20 = f32x4.add(a20, v128.load(e + 2 * addStep, 0));
      a21 = f32x4.add(a21, v128.load(e + 2 * addStep, 16));
      a30 = f32x4.add(a30, v128.load(e + 3 * addStep, 0));
      a31 = f32x4.add(a31, v128.load(e + 3 * addStep, 16));
      v128.store(q0, a00, 0);
      v128.store(q0, a01, 16);
      v128.store(q1, a10, 0);
      v128.store(q1, a11, 16);
      v128.store(q2, a20, 0);
      v128.store(q2, a21, 16);
      v128.store(q3, a30, 0);
      v128.store(q3, a31, 16);
    }
  }
}

/**
 * wavenet_layer(desc, x, cond, acc, n, pos)
 *   One WaveNet layer without FiLMs, head1x1 or grouped convs, gating none or gated, whose output
 *   replaces its input: the same kernel calls, in the same order, as the engine's general path
 *   (wavenet/layer.ts), so the same bits:
 *     history[pos…] = x;  z = conv(history) (`conv_wino_phase` when it has a phase state, else
 *     Winograd F(4,3) when set and n % its step = 0, else F(2,3) alike);  z += mixin(cond)
 *     gated: z[B:] = secondary(z[B:]); z[:B] = act(z[:B]); z[:B] *= z[B:]   none: z[:B] = act(z[:B])
 *     acc += z[:B];  x += layer1x1(z[:B])
 *   Not gated, tanh (exact or fast), B = 4·tiles and n % 8 = 0: the mixin, tanh and acc add run in
 *   the conv's epilogue (`conv_layer_fused` / `conv_wino_layer_fused`), the same operations in the
 *   same order per element, so still the same bits, without three passes over z.
 *   desc: f64 slots L_* (byte addresses of weights, history, z; sizes); x, cond, acc: planar
 *   buffers of desc's stride; pos: the block's start in the history (the caller rewinds it).
 */
export function wavenet_layer(desc: usize, x: usize, cond: usize, acc: usize, n: i32, pos: i32): void {
  const stride = slot(desc, L_STRIDE);
  copy_rows(<usize>slot(desc, L_HIST) + (<usize>pos << 2), slot(desc, L_CAP), x, stride, slot(desc, L_CHANNELS), n);
  layerBody(desc, cond, acc, n, pos, x, stride, x, stride);
}

/**
 * wavenet_layer_chain(desc, cond, acc, n, pos, out, outStride)
 *   `wavenet_layer` for a layer whose input x is already in its history at pos (written there by
 *   the previous layer's `out`, or by the array's rechannel): no copy; x_next = x + layer1x1(z),
 *   with x read from the history, goes to `out` (rows `outStride` floats apart: the next layer's
 *   history at its pos, or the array's output buffer); without a layer1x1, x itself is copied there.
 *   `out` is written for samples [0, n rounded up to 8) of the layer's channels (a multiple of 4):
 *   a history has room for that (Conv1d.claim keeps 8 samples free past the block).
 */
export function wavenet_layer_chain(desc: usize, cond: usize, acc: usize, n: i32, pos: i32, out: usize, outStride: i32): void {
  layerBody(desc, cond, acc, n, pos, <usize>slot(desc, L_HIST) + (<usize>pos << 2), slot(desc, L_CAP), out, outStride);
}

/**
 * The layer after its history append: conv, mixin, activation/gating, head add, and
 * out = x + layer1x1(z), x read at `x` (rows `xStride` apart: the planar x, or the history at pos).
 */
function layerBody(desc: usize, cond: usize, acc: usize, n: i32, pos: i32, x: usize, xStride: i32, out: usize, outStride: i32): void {
  const stride = slot(desc, L_STRIDE);
  const cap = slot(desc, L_CAP);
  const hist = <usize>slot(desc, L_HIST) + (<usize>pos << 2);
  const z = <usize>slot(desc, L_Z);
  const B = slot(desc, L_BOTTLENECK);
  const winoW = <usize>slot(desc, L_WINO_W);
  const secondary = slot(desc, L_SECONDARY);
  const act = slot(desc, L_ACT);
  const tiles = slot(desc, L_CONV_TILES);
  const winoState = <usize>slot(desc, L_WINO_STATE);
  const wino4W = <usize>slot(desc, L_WINO4_W);
  const useWino4 = wino4W != 0 && winoState == 0 && n % slot(desc, L_WINO4_STEP) == 0;
  const useWino = winoW != 0 && winoState == 0 && n % slot(desc, L_WINO_STEP) == 0;
  if (secondary < 0 && (act == ACT_TANH_FAST || act == ACT_TANH_EXACT) && B == tiles << 2 && (n & 7) == 0 &&
    slot(desc, L_MIXIN_TILES) == tiles && n > 0 && slot(desc, L_CONV_IN) > 0) {
    // The conv with mixin, tanh and the head sum in its epilogue.
    const fast = act == ACT_TANH_FAST ? 1 : 0;
    const mixW = <usize>slot(desc, L_MIXIN_W);
    const mixIn = slot(desc, L_MIXIN_IN);
    if (winoState != 0) {
      conv_wino_phase_layer_fused(hist, cap, z, stride, winoW, <usize>slot(desc, L_CONV_W), tiles, slot(desc, L_CONV_IN),
        slot(desc, L_DILATION), n, <usize>slot(desc, L_WINO_SCRATCH), winoState, mixW, mixIn, cond, acc, fast);
    } else if (useWino4) {
      conv_wino4_layer_fused(hist, cap, z, stride, wino4W, tiles, slot(desc, L_CONV_IN), slot(desc, L_DILATION), n,
        <usize>slot(desc, L_WINO_SCRATCH), slot(desc, L_WINO4_SEG), mixW, mixIn, cond, acc, fast);
    } else if (useWino) {
      conv_wino_layer_fused(hist, cap, z, stride, winoW, tiles, slot(desc, L_CONV_IN), slot(desc, L_DILATION), n,
        <usize>slot(desc, L_WINO_SCRATCH), slot(desc, L_WINO_SEG), mixW, mixIn, cond, acc, fast);
    } else {
      conv_layer_fused(hist, cap, z, stride, <usize>slot(desc, L_CONV_W), tiles, slot(desc, L_CONV_IN), slot(desc, L_CONV_K),
        slot(desc, L_DILATION), n, mixW, mixIn, cond, acc, fast);
    }
    residualOut(desc, z, stride, x, xStride, out, outStride, n);
    return;
  }
  if (winoState != 0) {
    conv_wino_phase(hist, cap, z, stride, winoW, <usize>slot(desc, L_CONV_W), tiles, slot(desc, L_CONV_IN), slot(desc, L_DILATION), n, 0,
      <usize>slot(desc, L_WINO_SCRATCH), winoState);
  } else if (useWino4) {
    conv_wino4(hist, cap, z, stride, wino4W, tiles, slot(desc, L_CONV_IN), slot(desc, L_DILATION), n, 0,
      <usize>slot(desc, L_WINO_SCRATCH), slot(desc, L_WINO4_SEG));
  } else if (useWino) {
    conv_wino(hist, cap, z, stride, winoW, tiles, slot(desc, L_CONV_IN), slot(desc, L_DILATION), n, 0,
      <usize>slot(desc, L_WINO_SCRATCH), slot(desc, L_WINO_SEG));
  } else {
    conv(hist, cap, z, stride, <usize>slot(desc, L_CONV_W), tiles, slot(desc, L_CONV_IN),
      slot(desc, L_CONV_K), slot(desc, L_DILATION), n, 0);
  }
  conv(cond, stride, z, stride, <usize>slot(desc, L_MIXIN_W), slot(desc, L_MIXIN_TILES), slot(desc, L_MIXIN_IN), 1, 1, n, 1);
  if (secondary >= 0) {
    const bottom = z + (<usize>(B * stride) << 2);
    activateRows(secondary, bottom, stride, B, n);
    activateRows(act, z, stride, B, n);
    gateRows(z, bottom, stride, B, n);
  } else {
    activateRows(act, z, stride, B, n);
  }
  addRows(acc, z, stride, B, n);
  residualOut(desc, z, stride, x, xStride, out, outStride, n);
}

/**
 * out = x + layer1x1(z) (`conv1x1_add`), or x copied to out without a layer1x1. `wavenet_layer`
 * passes out = x (the planar x): an in-place add, exactly `conv(…, accumulate = 1)` into x.
 */
function residualOut(desc: usize, z: usize, stride: i32, x: usize, xStride: i32, out: usize, outStride: i32, n: i32): void {
  const l1W = <usize>slot(desc, L_L1_W);
  if (l1W != 0) {
    conv1x1_add(z, stride, x, xStride, out, outStride, l1W, slot(desc, L_L1_TILES), slot(desc, L_L1_IN), n);
  } else if (out != x) {
    copy_rows(out, outStride, x, xStride, slot(desc, L_CHANNELS), n);
  }
}

// ── LSTM ────────────────────────────────────────────────────────────────────────────────────────

@inline
function padHidden(H: i32): i32 {
  return (H + 3) & ~3;
}

/** Byte offset of the head (after all layers) in the params. */
function lstmHeadOffset(Hp: i32, L: i32): usize {
  let floats: usize = 0;
  for (let l = 0; l < L; l++) {
    const cols = (l == 0 ? 1 : Hp) + Hp;
    floats += <usize>(Hp >> 2) * <usize>(cols + 1) * 16;
  }
  return floats << 2;
}

export function lstm_reset(params: usize, state: usize, H: i32, L: i32): void {
  const Hp = padHidden(H);
  const init = params + lstmHeadOffset(Hp, L) + (<usize>(Hp + 4) << 2);
  const layerBytes = <usize>Hp << 2;
  v128.store(state, f32x4.splat(0));
  const xh = state + 16;
  const c = xh + <usize>L * layerBytes;
  for (let l = 0; l < L; l++) {
    copy(xh + <usize>l * layerBytes, init + <usize>l * layerBytes, Hp);
    copy(c + <usize>l * layerBytes, init + <usize>(L + l) * layerBytes, Hp);
  }
}

/**
 * New c and h of one block of 4 hidden units from its pre-activation gates. Kept out of line
 * (called per block, not per multiply-add) so the module stays small.
 */
function lstmCell(gi: v128, gf: v128, gg: v128, go: v128, cp: usize, hp: usize, fast: i32): void {
  let c: v128;
  if (fast) {
    c = madd(vsigmoidFast(gf), v128.load(cp), f32x4.mul(vsigmoidFast(gi), vtanhFast(gg)));
    v128.store(hp, f32x4.mul(vsigmoidFast(go), vtanhFast(c)));
  } else {
    c = madd(vsigmoidExact(gf), v128.load(cp), f32x4.mul(vsigmoidExact(gi), vtanhExact(gg)));
    v128.store(hp, f32x4.mul(vsigmoidExact(go), vtanhExact(c)));
  }
  v128.store(cp, c);
}

export function lstm_process(params: usize, state: usize, input: usize, output: usize, n: i32, H: i32, L: i32, fast: i32): void {
  if (L <= 0) {
    for (let s = 0; s < n; s++) store<f32>(output + (<usize>s << 2), load<f32>(input + (<usize>s << 2)));
    return;
  }
  const Hp = padHidden(H);
  const blocks = Hp >> 2;
  const layerBytes = <usize>Hp << 2;
  const xh = state + 16;
  const cState = xh + <usize>L * layerBytes;
  const hNew = cState + <usize>L * layerBytes;
  const head = params + lstmHeadOffset(Hp, L);
  const hLast = xh + <usize>(L - 1) * layerBytes;
  for (let s = 0; s < n; s++) {
    store<f32>(state, load<f32>(input + (<usize>s << 2)), 12);
    let wl = params;
    for (let l = 0; l < L; l++) {
      // Layer l reads [x_l, h_l]: x (1 float, just before h_0) for l = 0, h_{l−1} after.
      const xs = l == 0 ? state + 12 : xh + <usize>(l - 1) * layerBytes;
      const cols = (l == 0 ? 1 : Hp) + Hp;
      const colBytes = <usize>cols << 6;
      const blockBytes = colBytes + 64;
      const xEnd = xs + (<usize>cols << 2);
      const cl = cState + <usize>l * layerBytes;
      let b = 0;
      // Two blocks per pass: 8 accumulators share each broadcast input.
      for (; b + 2 <= blocks; b += 2) {
        const w0 = wl + <usize>b * blockBytes;
        const w1 = w0 + blockBytes;
        let i0 = v128.load(w0 + colBytes, 0);
        let f0 = v128.load(w0 + colBytes, 16);
        let g0 = v128.load(w0 + colBytes, 32);
        let o0 = v128.load(w0 + colBytes, 48);
        let i1 = v128.load(w1 + colBytes, 0);
        let f1 = v128.load(w1 + colBytes, 16);
        let g1 = v128.load(w1 + colBytes, 32);
        let o1 = v128.load(w1 + colBytes, 48);
        let p = xs;
        let wp: usize = 0;
        do {
          const x = v128.load32_splat(p);
          i0 = madd(v128.load(w0 + wp, 0), x, i0);
          f0 = madd(v128.load(w0 + wp, 16), x, f0);
          g0 = madd(v128.load(w0 + wp, 32), x, g0);
          o0 = madd(v128.load(w0 + wp, 48), x, o0);
          i1 = madd(v128.load(w1 + wp, 0), x, i1);
          f1 = madd(v128.load(w1 + wp, 16), x, f1);
          g1 = madd(v128.load(w1 + wp, 32), x, g1);
          o1 = madd(v128.load(w1 + wp, 48), x, o1);
          p += 4;
          wp += 64;
        } while (p != xEnd);
        const off = <usize>b << 4;
        lstmCell(i0, f0, g0, o0, cl + off, hNew + off, fast);
        lstmCell(i1, f1, g1, o1, cl + off + 16, hNew + off + 16, fast);
      }
      if (b < blocks) {
        const w0 = wl + <usize>b * blockBytes;
        let i0 = v128.load(w0 + colBytes, 0);
        let f0 = v128.load(w0 + colBytes, 16);
        let g0 = v128.load(w0 + colBytes, 32);
        let o0 = v128.load(w0 + colBytes, 48);
        let p = xs;
        let wp = w0;
        do {
          const x = v128.load32_splat(p);
          i0 = madd(v128.load(wp, 0), x, i0);
          f0 = madd(v128.load(wp, 16), x, f0);
          g0 = madd(v128.load(wp, 32), x, g0);
          o0 = madd(v128.load(wp, 48), x, o0);
          p += 4;
          wp += 64;
        } while (p != xEnd);
        const off = <usize>b << 4;
        lstmCell(i0, f0, g0, o0, cl + off, hNew + off, fast);
      }
      // All gates of the layer used the old h; now publish the new one.
      copy(xh + <usize>l * layerBytes, hNew, Hp);
      wl += <usize>blocks * blockBytes;
    }
    let acc = f32x4.splat(0);
    for (let o: usize = 0; o < layerBytes; o += 16) acc = madd(v128.load(head + o), v128.load(hLast + o), acc);
    const y =
      f32x4.extract_lane(acc, 0) +
      f32x4.extract_lane(acc, 1) +
      f32x4.extract_lane(acc, 2) +
      f32x4.extract_lane(acc, 3) +
      load<f32>(head + layerBytes);
    store<f32>(output + (<usize>s << 2), y);
  }
}
