/**
 * Loads Elementary Audio's native runtime (C++ compiled to wasm) synchronously, without its
 * WebRenderer/AudioWorklet plumbing.
 *
 * `@elemaudio/web-renderer@4.0.3`'s `dist/index.js` carries the emscripten glue, with the wasm
 * inlined as base64, in a module-level string constant `elementary_wasm_default`. We cut that
 * string literal out of the bundle text (a real JS string-literal parser, not an eval of the
 * bundle), evaluate it with `new Function` in a scope that hides `exports`/`module`/`define`, and
 * call its `Module()` factory, which compiles and instantiates synchronously.
 *
 *   const mod = createElementaryModule(loadElementaryGlueFromPackage()); // Node
 *   const mod = createElementaryModule(glueText);                        // browser/worklet: text passed in
 *   const native = new mod.ElementaryAudioProcessor(numIns, numOuts);
 *
 * This depends on the bundle's internals, so the version is pinned: anything but
 * {@link PINNED_WEB_RENDERER_VERSION} is refused with an error naming both versions.
 *
 * The browser-safe part is `extractElementaryGlue` + `createElementaryModule`; only
 * `loadElementaryGlueFromPackage`/`loadElementaryModule` touch `node:fs`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The only `@elemaudio/web-renderer` version whose bundle layout this loader knows. */
export const PINNED_WEB_RENDERER_VERSION = '4.0.3';

/** Name of the bundle constant holding the emscripten glue. */
const GLUE_CONSTANT = 'elementary_wasm_default';

/** `{success, message}` as returned by `postMessageBatch` and `addSharedResource`. */
export interface ElementaryResult {
  success: boolean;
  message: string;
}

/** One instruction produced by `@elemaudio/core`'s `Renderer` (see its `InstructionTypes`). */
export type ElementaryInstruction =
  | readonly [0, number, string] // CREATE_NODE hash kind
  | readonly [2, number, number, number] // APPEND_CHILD parent child childOutputChannel
  | readonly [3, number, string, unknown] // SET_PROPERTY hash key value
  | readonly [4, readonly number[]] // ACTIVATE_ROOTS hashes
  | readonly [5]; // COMMIT_UPDATES

/**
 * An instruction batch as the JS array itself. `postMessageBatch` reads it as an embind `val`:
 * passing JSON text instead is rejected with `{success: false, message: 'Malformed message batch'}`.
 */
export type ElementaryInstructionBatch = readonly ElementaryInstruction[];

/** One queued runtime event, e.g. `{type: 'meter', event: {source: 'out', min, max}}`. */
export interface ElementaryEvent {
  type: string;
  event: Record<string, unknown>;
}

/** The embind-exposed `ElementaryAudioProcessor` (C++ `elem::Runtime<double>` wrapper). */
export interface ElementaryNativeProcessor {
  prepare(sampleRate: number, blockSize: number): void;
  postMessageBatch(batch: ElementaryInstructionBatch): ElementaryResult;
  /** Renders `n` samples; `n` must not exceed the prepared block size (it corrupts memory). */
  process(n: number): void;
  /** A Float64Array view into wasm memory; it detaches when the memory grows. */
  getInputBufferData(channel: number): Float64Array;
  getOutputBufferData(channel: number): Float64Array;
  processQueuedEvents(callback: (events: ElementaryEvent[]) => void): void;
  addSharedResource(key: string, data: Float32Array | readonly Float32Array[]): ElementaryResult;
  pruneSharedResources(): void;
  listSharedResources(): string[];
  reset(): void;
  /** Frees unreferenced nodes; returns their ids (pass them to `Renderer.prune`). */
  gc(): number[];
  setCurrentTime(samples: number): void;
  setCurrentTimeMs(ms: number): void;
  /** embind destructor. */
  delete(): void;
}

/** The emscripten module instance returned by the glue's `Module()`. */
export interface ElementaryModule {
  ElementaryAudioProcessor: new (numInputs: number, numOutputs: number) => ElementaryNativeProcessor;
  HEAPF64: Float64Array;
}

function layoutChanged(version: string, detail: string): Error {
  return new Error(`the Elementary runtime could not be extracted from @elemaudio/web-renderer ${version}; the bundle layout changed (${detail})`);
}

/**
 * Cuts the emscripten glue out of the web-renderer bundle text. `version` is the installed
 * package's version; anything but the pinned one throws before the text is looked at.
 */
export function extractElementaryGlue(bundleText: string, version: string): string {
  if (version !== PINNED_WEB_RENDERER_VERSION) {
    throw new Error(`@elemaudio/web-renderer ${version} is installed, but the Elementary runtime loader is pinned to ${PINNED_WEB_RENDERER_VERSION} (it reads the bundle's internals); install exactly @elemaudio/web-renderer@${PINNED_WEB_RENDERER_VERSION}`);
  }
  const decl = new RegExp(`(?:^|[\\s;])(?:var|let|const)\\s+${GLUE_CONSTANT}\\s*=\\s*`, 'g');
  const matches = [...bundleText.matchAll(decl)];
  if (matches.length !== 1) {
    throw layoutChanged(version, matches.length === 0 ? `no declaration of ${GLUE_CONSTANT}` : `${matches.length} declarations of ${GLUE_CONSTANT}`);
  }
  const m = matches[0]!;
  let glue: string;
  try {
    glue = readJsStringLiteral(bundleText, m.index + m[0].length).value;
  } catch (e) {
    throw layoutChanged(version, `${GLUE_CONSTANT} is not a plain string literal: ${(e as Error).message}`);
  }
  if (!/\bvar Module\s*=/.test(glue)) throw layoutChanged(version, `${GLUE_CONSTANT} does not define Module`);
  return glue;
}

/**
 * Parses the JS string literal (single, double or substitution-free template quotes) starting at
 * `start`, with every ECMAScript escape; returns its value and the index after the closing quote.
 */
export function readJsStringLiteral(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  if (quote !== "'" && quote !== '"' && quote !== '`') throw new Error(`expected a string literal at offset ${start}`);
  const parts: string[] = [];
  let i = start + 1;
  let run = i; // start of the current run of plain characters
  for (;;) {
    if (i >= text.length) throw new Error('unterminated string literal');
    const c = text[i]!;
    if (c === quote) {
      parts.push(text.slice(run, i));
      return { value: parts.join(''), end: i + 1 };
    }
    if (quote === '`' && c === '$' && text[i + 1] === '{') throw new Error('template literal with substitutions');
    if (c === '\n' || c === '\r') {
      if (quote !== '`') throw new Error('line break inside a string literal');
      if (c === '\r') {
        // Template literals normalise CR and CRLF to LF.
        parts.push(text.slice(run, i), '\n');
        i += text[i + 1] === '\n' ? 2 : 1;
        run = i;
        continue;
      }
    }
    if (c !== '\\') {
      i++;
      continue;
    }
    parts.push(text.slice(run, i));
    const e = text[i + 1];
    if (e === undefined) throw new Error('unterminated string literal');
    i += 2;
    switch (e) {
      case 'n': parts.push('\n'); break;
      case 't': parts.push('\t'); break;
      case 'r': parts.push('\r'); break;
      case 'b': parts.push('\b'); break;
      case 'f': parts.push('\f'); break;
      case 'v': parts.push('\v'); break;
      case '\r': if (text[i] === '\n') i++; break; // line continuation
      case '\n': case '\u2028': case '\u2029': break; // line continuation
      case 'x': {
        const hex = text.slice(i, i + 2);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error(`bad \\x escape at offset ${i - 2}`);
        parts.push(String.fromCharCode(parseInt(hex, 16)));
        i += 2;
        break;
      }
      case 'u': {
        let hex: string;
        if (text[i] === '{') {
          const close = text.indexOf('}', i);
          hex = close < 0 ? '' : text.slice(i + 1, close);
          if (!/^[0-9a-fA-F]{1,6}$/.test(hex) || parseInt(hex, 16) > 0x10ffff) throw new Error(`bad \\u{} escape at offset ${i - 2}`);
          i = close + 1;
        } else {
          hex = text.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Error(`bad \\u escape at offset ${i - 2}`);
          i += 4;
        }
        parts.push(String.fromCodePoint(parseInt(hex, 16)));
        break;
      }
      default:
        if (e >= '0' && e <= '9') {
          if (e === '0' && !(text[i]! >= '0' && text[i]! <= '9')) {
            parts.push('\0');
            break;
          }
          throw new Error(`octal escape at offset ${i - 2}`);
        }
        parts.push(e); // \' \" \\ \` and identity escapes
    }
    run = i;
  }
}

/**
 * Evaluates the emscripten glue and instantiates the runtime synchronously. Each call compiles
 * a fresh wasm instance (its own memory); one instance can host several processors.
 */
export function createElementaryModule(glueSource: string): ElementaryModule {
  // Hide CommonJS/AMD hooks so the glue's trailer does not export into a surrounding scope.
  const factory = new Function('exports', 'module', 'define', `${glueSource}\nreturn Module;`) as (exports: undefined, module: undefined, define: undefined) => unknown;
  const moduleFactory = factory(undefined, undefined, undefined);
  if (typeof moduleFactory !== 'function') throw new Error('the Elementary glue did not define a Module() factory');
  const mod = (moduleFactory as () => unknown)() as Partial<ElementaryModule> & { ready?: Promise<unknown> };
  // `ready` rejects if instantiation aborts; the synchronous check below reports that instead.
  mod.ready?.catch(() => undefined);
  if (typeof mod.ElementaryAudioProcessor !== 'function') {
    throw new Error('the Elementary runtime did not instantiate synchronously (Module().ElementaryAudioProcessor is missing)');
  }
  return mod as ElementaryModule;
}

/** Node only: where the installed `@elemaudio/web-renderer` lives, and its version. */
export function locateWebRenderer(): { bundlePath: string; version: string } {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('@elemaudio/web-renderer/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version?: unknown };
  return { bundlePath: join(dirname(pkgPath), 'dist', 'index.js'), version: String(pkg.version) };
}

let cachedGlue: string | undefined;

/** Node only: reads the installed web-renderer bundle and extracts the glue (cached). */
export function loadElementaryGlueFromPackage(): string {
  if (cachedGlue === undefined) {
    const { bundlePath, version } = locateWebRenderer();
    cachedGlue = extractElementaryGlue(readFileSync(bundlePath, 'utf8'), version);
  }
  return cachedGlue;
}

/** Node only: `createElementaryModule(loadElementaryGlueFromPackage())`. */
export function loadElementaryModule(): ElementaryModule {
  return createElementaryModule(loadElementaryGlueFromPackage());
}
