/**
 * Drives `@opendaw/nam-wasm` (NeuralAmpModelerCore 0.5.x compiled to WASM by emscripten) from Node,
 * for the benchmark and its honesty test. Nothing in the shipped project depends on this file.
 *
 * The package is built for browsers and AudioWorklets: its emscripten glue (`dist/nam.js`) has no Node
 * file loader, so a plain `await createNamModule()` fails in Node 20 with "TypeError: fetch failed"
 * (it fetches `new URL('nam.wasm', import.meta.url)`, a file: URL). Passing the bytes works
 * (`createNamModule({ wasmBinary: readFileSync('dist/nam.wasm') })`); we go one step further and compile
 * `dist/nam.wasm` once, handing emscripten the compiled module through its `instantiateWasm` hook, so
 * every runner owns a fresh, isolated emscripten instance (own linear memory, own global sample rate
 * and buffer size) without recompiling. `locateFile` is not needed. The exact calls, per runner:
 *
 *   const m = await createNamModule({ instantiateWasm: (imports, receive) =>
 *                                       receive(new WebAssembly.Instance(compiled, imports), compiled) });
 *   m._nam_setSampleRate(48000);          // global to this emscripten instance; default 48000
 *   m._nam_setMaxBufferSize(maxBlock);    // global; default 128. Blocks above it trap ("divide by zero")
 *   const id = m._nam_createInstance();
 *   p = m._malloc(m.lengthBytesUTF8(text) + 1); m.stringToUTF8(text, p, len);
 *   m._nam_loadModel(id, p) (→ 1 on success); m._free(p);
 *   in = m._malloc(4 * maxBlock); out = m._malloc(4 * maxBlock);
 *   per block: m.HEAPF32.set(block, in >> 2); m._nam_process(id, in, out, n);
 *              dst.set(m.HEAPF32.subarray(out >> 2, (out >> 2) + n));
 *   m._nam_destroyInstance(id); m._free(in); m._free(out);
 *
 * This is what the package's own `NamWasmModule.process` does (copy in, process, copy out), so the
 * copies are part of the cost being measured, as they are in an AudioWorklet; unlike that wrapper we
 * keep cached views on the two buffers, so a full block allocates nothing on the JS heap.
 *
 * Behaviour measured against the NeuralAmpModelerCore oracle (see test/bench/nam-wasm-runner.test.ts):
 * nam-wasm uses the core's fast tanh, and `loadModel` prewarms to the zero-input steady state
 * (so do `_nam_reset`, `_nam_setMaxBufferSize` and `_nam_setSampleRate`, which reset and re-prewarm),
 * so its output matches `output_b64_fasttanh.f32` (exact prewarm, fast tanh) to ~1.5e-5 (2e-5 of the
 * peak); on every other reference case (WaveNet lite/nano/gated, LSTM, ConvNet, A2, slimmable) to ≤2e-6.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import createNamModule from '@opendaw/nam-wasm/nam.js';

/**
 * The emscripten exports of nam-wasm that we use. Our own typing: the package's `EmscriptenModule` type
 * says `_nam_loadModel` returns a boolean (it returns 1/0) and its options lack `instantiateWasm`.
 */
export interface NamEmscriptenModule {
  /** View on the (non-shared) wasm memory; replaced by emscripten whenever the memory grows. */
  readonly HEAPF32: Float32Array<ArrayBuffer>;
  _nam_createInstance(): number;
  _nam_destroyInstance(id: number): void;
  /** Returns 1 on success, 0 on failure (emscripten passes C++ `bool` as a number). */
  _nam_loadModel(id: number, jsonPtr: number): number | boolean;
  _nam_process(id: number, inputPtr: number, outputPtr: number, numFrames: number): void;
  _nam_reset(id: number): void;
  _nam_setSampleRate(rate: number): void;
  _nam_getSampleRate(): number;
  _nam_setMaxBufferSize(size: number): void;
  _nam_getMaxBufferSize(): number;
  _malloc(size: number): number;
  _free(ptr: number): void;
  stringToUTF8(str: string, outPtr: number, maxBytesToWrite: number): void;
  lengthBytesUTF8(str: string): number;
}

/** Emscripten's `instantiateWasm` hook: instantiate with `imports`, then hand the instance back. */
type InstantiateWasm = (
  imports: WebAssembly.Imports,
  receiveInstance: (instance: WebAssembly.Instance, module: WebAssembly.Module) => WebAssembly.Exports,
) => WebAssembly.Exports;

interface NamModuleOptions {
  instantiateWasm?: InstantiateWasm;
  wasmBinary?: ArrayBuffer;
  printErr?: (text: string) => void;
}

type NamModuleFactory = (options?: NamModuleOptions) => Promise<NamEmscriptenModule>;

/** A loaded nam-wasm model that processes mono float blocks. */
export interface NamWasmRunner {
  /** Processes `input.length` samples into `output` (at least as long); splits into `maxBlock` chunks. */
  process(input: Float32Array, output: Float32Array): void;
  /** Back to the prewarmed state right after load. */
  reset(): void;
  dispose(): void;
  readonly maxBlock: number;
}

const factory = createNamModule as unknown as NamModuleFactory;
let compiled: Promise<WebAssembly.Module> | undefined;

/** Path of the package's `nam.wasm`, found through Node's resolver (works wherever node_modules is). */
export function namWasmPath(): string {
  const require = createRequire(import.meta.url);
  return require.resolve('@opendaw/nam-wasm/nam.wasm');
}

function compiledWasm(): Promise<WebAssembly.Module> {
  compiled ??= WebAssembly.compile(readFileSync(namWasmPath()));
  return compiled;
}

/** A fresh emscripten instance of nam-wasm (own memory and globals), sharing one compiled module. */
export async function createNamEmscriptenModule(): Promise<NamEmscriptenModule> {
  const wasm = await compiledWasm();
  return factory({
    instantiateWasm: (imports, receiveInstance) => receiveInstance(new WebAssembly.Instance(wasm, imports), wasm),
    printErr: (text) => process.stderr.write(`[nam-wasm] ${text}\n`),
  });
}

/**
 * Loads `namText` into `module` (synchronously; `loadModel` includes the core's prewarm), with the
 * module's max buffer size set to `maxBlock`. `module` must not be shared with runners of another
 * `maxBlock`: the buffer size is global to it, and setting it resets all its instances.
 */
export function loadNamWasmRunner(module: NamEmscriptenModule, namText: string, maxBlock: number, sampleRate = 48000): NamWasmRunner {
  if (!Number.isInteger(maxBlock) || maxBlock < 1) throw new Error(`nam-wasm runner: maxBlock must be a positive integer, got ${maxBlock}`);
  if (module._nam_getSampleRate() !== sampleRate) module._nam_setSampleRate(sampleRate);
  if (module._nam_getMaxBufferSize() !== maxBlock) module._nam_setMaxBufferSize(maxBlock);

  const id = module._nam_createInstance();
  const byteLength = module.lengthBytesUTF8(namText) + 1;
  const jsonPtr = module._malloc(byteLength);
  if (jsonPtr === 0) throw new Error(`nam-wasm runner: cannot allocate ${byteLength} bytes for the model JSON`);
  let ok: number | boolean;
  try {
    module.stringToUTF8(namText, jsonPtr, byteLength);
    ok = module._nam_loadModel(id, jsonPtr);
  } finally {
    module._free(jsonPtr);
  }
  if (!ok) {
    module._nam_destroyInstance(id);
    throw new Error('nam-wasm runner: _nam_loadModel rejected the model');
  }
  const inPtr = module._malloc(4 * maxBlock);
  const outPtr = module._malloc(4 * maxBlock);
  if (inPtr === 0 || outPtr === 0) throw new Error('nam-wasm runner: cannot allocate audio buffers');
  // Views on the two audio buffers; rebuilt when the wasm memory grows (which detaches the old
  // buffer), so a full block costs no allocation (the package's wrapper makes two subarrays per call).
  let heap: ArrayBuffer | undefined;
  let inView = new Float32Array(0);
  let outView = new Float32Array(0);
  const views = (): void => {
    const buffer = module.HEAPF32.buffer;
    if (buffer === heap) return;
    heap = buffer;
    inView = new Float32Array(buffer, inPtr, maxBlock);
    outView = new Float32Array(buffer, outPtr, maxBlock);
  };
  let disposed = false;

  return {
    maxBlock,
    process(input: Float32Array, output: Float32Array): void {
      if (disposed) throw new Error('nam-wasm runner: process after dispose');
      if (output.length < input.length) throw new Error('nam-wasm runner: output shorter than input');
      views();
      if (input.length === maxBlock) {
        inView.set(input);
        module._nam_process(id, inPtr, outPtr, maxBlock);
        output.set(outView);
        return;
      }
      for (let start = 0; start < input.length; start += maxBlock) {
        const n = Math.min(maxBlock, input.length - start);
        inView.set(input.subarray(start, start + n));
        module._nam_process(id, inPtr, outPtr, n);
        output.set(n === maxBlock ? outView : outView.subarray(0, n), start);
      }
    },
    reset(): void {
      module._nam_reset(id);
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      module._nam_destroyInstance(id);
      module._free(inPtr);
      module._free(outPtr);
    },
  };
}

/** Loads `namText` into a fresh nam-wasm emscripten instance, ready to process blocks of up to `maxBlock`. */
export async function createNamWasmRunner(namText: string, maxBlock: number): Promise<NamWasmRunner> {
  return loadNamWasmRunner(await createNamEmscriptenModule(), namText, maxBlock);
}
