/**
 * Loader for the WebAssembly SIMD kernels (source: `assembly/kernels.ts`, which documents every
 * kernel, the memory conventions and the packed layouts; binaries: the generated `kernels-wasm.ts`).
 *
 * The module imports only `env.memory`: the engine creates one `WebAssembly.Memory` per model,
 * sized at load (never grown), and instantiates the kernels on it. Instantiation is synchronous,
 * which Node and an AudioWorklet allow for a module this small. (A browser's main thread may refuse
 * synchronous compilation of larger modules; compile there with `WebAssembly.compile` if needed.)
 *
 * All pointers are byte offsets into that memory; all data is f32.
 */
import { KERNELS_RELAXED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels-wasm.ts';
import { decodeBase64 } from '../../io/base64.ts';

/** Typed view of the module's exports (see `assembly/kernels.ts` for the semantics). */
export interface SimdKernels {
  /** Dense causal dilated conv over packed weights (`packConvWeights`); accumulate: 0 | 1. */
  conv(
    src: number,
    srcStride: number,
    dst: number,
    dstStride: number,
    w: number,
    tiles: number,
    inCh: number,
    K: number,
    dilation: number,
    n: number,
    accumulate: number,
  ): void;
  /**
   * The K = 3 conv by Winograd F(2,3) over `packWinogradWeights`; needs dilation ≥ 4, dilation % 4 = 0,
   * n a multiple of 2·lcm(dilation, 8), segPairs a multiple of lcm(dilation, 8), inCh·(4·segPairs + 16) + 32 floats of scratch;
   * or dilation 1 or 2, n a multiple of 16, segPairs of 8, inCh·(4·segPairs + 16) + 96 floats.
   */
  conv_wino(
    src: number,
    srcStride: number,
    dst: number,
    dstStride: number,
    w: number,
    tiles: number,
    inCh: number,
    dilation: number,
    n: number,
    accumulate: number,
    scratch: number,
    segPairs: number,
  ): void;
  /**
   * The K = 3 conv by Winograd F(4,3) over `packWinograd4Weights`; needs dilation ≥ 4, dilation % 4 = 0,
   * n a multiple of 4·lcm(dilation, 8), segQuads a multiple of lcm(dilation, 8), inCh·(6·segQuads + 16) + 128 floats of scratch;
   * or dilation 1 or 2, n a multiple of 32, segQuads a multiple of 8, the same scratch.
   */
  conv_wino4(
    src: number,
    srcStride: number,
    dst: number,
    dstStride: number,
    w: number,
    tiles: number,
    inCh: number,
    dilation: number,
    n: number,
    accumulate: number,
    scratch: number,
    segQuads: number,
  ): void;
  /**
   * The K = 3 conv for any block size with Winograd pairs taken by absolute time (d ≥ 8, d % 8 = 0):
   * per-conv clock, flags and carry at `state` (header written by `WinogradConv`); `wDirect` the
   * `conv` weights for the samples it cannot pair; weights and scratch as `conv_wino`.
   */
  conv_wino_phase(
    src: number,
    srcStride: number,
    dst: number,
    dstStride: number,
    w: number,
    wDirect: number,
    tiles: number,
    inCh: number,
    dilation: number,
    n: number,
    accumulate: number,
    scratch: number,
    state: number,
  ): void;
  tanh_exact(ptr: number, count: number): void;
  tanh_fast(ptr: number, count: number): void;
  sigmoid_exact(ptr: number, count: number): void;
  sigmoid_fast(ptr: number, count: number): void;
  relu(ptr: number, count: number): void;
  leaky_relu(ptr: number, count: number, slope: number): void;
  hardtanh(ptr: number, count: number): void;
  leaky_hardtanh(ptr: number, count: number, minVal: number, maxVal: number, minSlope: number, maxSlope: number): void;
  softsign(ptr: number, count: number): void;
  silu_exact(ptr: number, count: number): void;
  hardswish(ptr: number, count: number): void;
  add(dst: number, src: number, count: number): void;
  copy(dst: number, src: number, count: number): void;
  copy_rows(dst: number, dstStride: number, src: number, srcStride: number, rows: number, count: number): void;
  scale(dst: number, src: number, count: number, k: number): void;
  gate_mul(top: number, bottom: number, count: number): void;
  blend(top: number, pre: number, alpha: number, count: number): void;
  film(dst: number, x: number, scale: number, shift: number, count: number, hasShift: number): void;
  flush_denormals(ptr: number, count: number): void;
  /**
   * One plain WaveNet layer in one call: `desc` holds the layer's integer slots (f64) (`simd-layer.ts` writes
   * them); x, cond, acc are planar buffers; pos is the block's start in the conv history.
   */
  wavenet_layer(desc: number, x: number, cond: number, acc: number, n: number, pos: number): void;
  /**
   * The same layer with its input already in its conv history at pos (no copy); x + layer1x1(z) goes
   * to `out` (rows `outStride` floats apart: the next layer's history, or the array's output).
   */
  wavenet_layer_chain(desc: number, cond: number, acc: number, n: number, pos: number, out: number, outStride: number): void;
  /** dst = addend + (W·src + b), a 1x1 conv packed as `conv` with K = 1: `conv(…, accumulate 1)` with the addend elsewhere. */
  conv1x1_add(
    src: number,
    srcStride: number,
    addend: number,
    addendStride: number,
    dst: number,
    dstStride: number,
    w: number,
    tiles: number,
    inCh: number,
    n: number,
  ): void;
  /** State := the exported h0/c0 stored in the packed params (`packLstm`). */
  lstm_reset(params: number, state: number, hidden: number, layers: number): void;
  /** A whole block of an LSTM (`packLstm`, `lstmLayout`); fast: 0 exact gates, 1 fast gates. */
  lstm_process(params: number, state: number, input: number, output: number, n: number, hidden: number, layers: number, fast: number): void;
}

/** Every export of the module, in the interface's order. */
export const SIMD_KERNEL_NAMES = [
  'conv',
  'conv_wino',
  'conv_wino4',
  'conv_wino_phase',
  'tanh_exact',
  'tanh_fast',
  'sigmoid_exact',
  'sigmoid_fast',
  'relu',
  'leaky_relu',
  'hardtanh',
  'leaky_hardtanh',
  'softsign',
  'silu_exact',
  'hardswish',
  'add',
  'copy',
  'copy_rows',
  'scale',
  'gate_mul',
  'blend',
  'film',
  'flush_denormals',
  'wavenet_layer',
  'wavenet_layer_chain',
  'conv1x1_add',
  'lstm_reset',
  'lstm_process',
] as const satisfies readonly (keyof SimdKernels)[];

// A module whose one function returns v128.const 0 (needs SIMD).
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x0a, 0x16, 0x01, 0x14, 0x00, // code: one body of 20 bytes, no locals
  0xfd, 0x0c, ...new Array<number>(16).fill(0), // v128.const 0
  0x0b, // end
]);

// The same returning f32x4.relaxed_madd(0, 0, 0) (needs relaxed SIMD).
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00,
  0x0a, 0x3d, 0x01, 0x3b, 0x00, // code: one body of 59 bytes
  0xfd, 0x0c, ...new Array<number>(16).fill(0),
  0xfd, 0x0c, ...new Array<number>(16).fill(0),
  0xfd, 0x0c, ...new Array<number>(16).fill(0),
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd (0xfd 0x105)
  0x0b,
]);

function validate(bytes: Uint8Array<ArrayBuffer>): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

/** True when this runtime has WebAssembly 128-bit SIMD. */
export function simdSupported(): boolean {
  return validate(SIMD_PROBE);
}

/**
 * True when this runtime has relaxed SIMD (Chrome 114+, Node 22; Node 20 only with
 * --experimental-wasm-relaxed-simd). Not cached: it is cheap, and a flag may be turned on at run time.
 */
export function relaxedSimdSupported(): boolean {
  return validate(RELAXED_PROBE);
}


const modules: { baseline?: WebAssembly.Module; relaxed?: WebAssembly.Module } = {};

/** The compiled kernel module (cached per process). Throws if the runtime lacks the feature. */
export function compileKernels(relaxed: boolean): WebAssembly.Module {
  const key = relaxed ? 'relaxed' : 'baseline';
  let m = modules[key];
  if (!m) {
    if (relaxed ? !relaxedSimdSupported() : !simdSupported()) {
      throw new Error(`WebAssembly ${relaxed ? 'relaxed SIMD' : 'SIMD'} is not supported by this runtime`);
    }
    m = new WebAssembly.Module(decodeBase64(relaxed ? KERNELS_RELAXED_WASM_BASE64 : KERNELS_WASM_BASE64));
    modules[key] = m;
  }
  return m;
}

/** Instantiates the kernels on `memory` (synchronously). */
export function instantiateKernels(memory: WebAssembly.Memory, relaxed: boolean): SimdKernels {
  const instance = new WebAssembly.Instance(compileKernels(relaxed), { env: { memory } });
  const exports = instance.exports;
  for (const name of SIMD_KERNEL_NAMES) {
    if (typeof exports[name] !== 'function') throw new Error(`SIMD kernel module lacks export ${name}`);
  }
  return exports as unknown as SimdKernels;
}
