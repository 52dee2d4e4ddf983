/**
 * Builds the WebAssembly SIMD kernels (`src/dsp/nam/simd/assembly/kernels.ts`, AssemblyScript) and
 * writes them, base64-encoded, to `src/dsp/nam/simd/kernels-wasm.ts`:
 *
 *   npm run build:simd        (= node bin/run-ts.mjs scripts/build-simd-kernels.ts)
 *   … --check                 exits 1 if the generated file is stale, writes nothing
 *
 * Two variants from the same source: baseline 128-bit SIMD, and relaxed SIMD (the source's `madd`
 * becomes `f32x4.relaxed_madd` when ASC_FEATURE_RELAXED_SIMD is on). The build is deterministic
 * (same compiler version from the lock file, same source → same bytes); test/simd/build.test.ts
 * checks that the committed file equals a fresh build.
 *
 * Each binary is checked: imports exactly `env.memory`, and has no start function, no data
 * segments and no memory of its own (the engine owns the memory and its layout).
 */
import asc from 'assemblyscript/asc';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const KERNELS_SOURCE = resolve(ROOT, 'src/dsp/nam/simd/assembly/kernels.ts');
export const KERNELS_OUTPUT = resolve(ROOT, 'src/dsp/nam/simd/kernels-wasm.ts');

/** Compiler flags shared by both variants (the relaxed one adds `--enable relaxed-simd`). */
export const ASC_FLAGS: readonly string[] = [
  '-O3',
  '--converge',
  '--noAssert',
  '--runtime',
  'stub',
  '--importMemory',
  '--noExportMemory',
  '--initialMemory',
  '0',
  '--use',
  'abort=',
  '--enable',
  'simd',
];

export interface SimdBuild {
  baseline: Uint8Array;
  /** Null when the compiler cannot emit relaxed SIMD. */
  relaxed: Uint8Array | null;
}

async function compile(relaxed: boolean): Promise<Uint8Array> {
  const source = relative(ROOT, KERNELS_SOURCE);
  const args = [source, ...ASC_FLAGS, ...(relaxed ? ['--enable', 'relaxed-simd'] : []), '--outFile', 'kernels.wasm'];
  let binary: Uint8Array | null = null;
  let log = '';
  const sink = { write: (chunk: Uint8Array | string): void => void (log += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk)) };
  const result = await asc.main(args, {
    stdout: sink,
    stderr: sink,
    readFile: (name: string, baseDir: string): string | null => {
      try {
        return readFileSync(resolve(ROOT, baseDir, name), 'utf8');
      } catch {
        return null;
      }
    },
    writeFile: (name: string, contents: Uint8Array | string): void => {
      if (name.endsWith('kernels.wasm') && typeof contents !== 'string') binary = contents;
    },
    listFiles: (): string[] => [],
  });
  if (result.error) throw new Error(`asc failed (${relaxed ? 'relaxed' : 'baseline'}): ${result.error.message}\n${log}`);
  if (binary === null) throw new Error(`asc produced no binary (${relaxed ? 'relaxed' : 'baseline'})\n${log}`);
  const bytes = new Uint8Array(binary);
  checkBinary(bytes, relaxed ? 'relaxed' : 'baseline');
  return bytes;
}

/** Reads a LEB128 u32. */
function leb(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  let p = at;
  for (;;) {
    const b = bytes[p++]!;
    value |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [value >>> 0, p];
    shift += 7;
  }
}

/** The module must import exactly env.memory and carry no start, data or memory sections. */
function checkBinary(bytes: Uint8Array, what: string): void {
  const forbidden: Record<number, string> = { 5: 'memory', 8: 'start', 11: 'data', 12: 'data count' };
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++]!;
    const [size, body] = leb(bytes, p);
    if (forbidden[id] !== undefined) throw new Error(`${what}: unexpected ${forbidden[id]} section`);
    if (id === 2) {
      // imports: exactly one, env.memory
      const [count, q0] = leb(bytes, body);
      const text = (q: number): [string, number] => {
        const [len, s] = leb(bytes, q);
        return [new TextDecoder().decode(bytes.subarray(s, s + len)), s + len];
      };
      const [mod, q1] = text(q0);
      const [name, q2] = text(q1);
      if (count !== 1 || mod !== 'env' || name !== 'memory' || bytes[q2] !== 2) {
        throw new Error(`${what}: the module must import only env.memory (got ${count} imports, first ${mod}.${name})`);
      }
    }
    p = body + size;
  }
}

export async function buildSimdKernels(): Promise<SimdBuild> {
  const baseline = await compile(false);
  const relaxed = await compile(true);
  return { baseline, relaxed };
}

function ascVersion(): string {
  const pkg = JSON.parse(readFileSync(resolve(ROOT, 'node_modules/assemblyscript/package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** The text of the generated file. */
export function renderKernelsModule(build: SimdBuild): string {
  const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
  const lines = [
    '// GENERATED FILE: do not edit. Rebuild with `npm run build:simd`',
    `// (scripts/build-simd-kernels.ts), which compiles ${relative(ROOT, KERNELS_SOURCE)}`,
    `// with AssemblyScript ${ascVersion()}: asc ${ASC_FLAGS.join(' ')} [--enable relaxed-simd].`,
    '// test/simd/build.test.ts checks that this file equals a fresh build.',
    '',
    `/** Baseline 128-bit SIMD kernels (${build.baseline.length} bytes). Imports only env.memory. */`,
    `export const KERNELS_WASM_BASE64 = '${b64(build.baseline)}';`,
  ];
  if (build.relaxed) {
    lines.push(
      '',
      `/** The same kernels with f32x4.relaxed_madd for the multiply-adds (${build.relaxed.length} bytes). */`,
      `export const KERNELS_RELAXED_WASM_BASE64 = '${b64(build.relaxed)}';`,
    );
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const text = renderKernelsModule(await buildSimdKernels());
  const check = process.argv.includes('--check');
  let current = '';
  try {
    current = readFileSync(KERNELS_OUTPUT, 'utf8');
  } catch {
    // missing: stale
  }
  if (check) {
    if (current !== text) {
      console.error(`${relative(ROOT, KERNELS_OUTPUT)} is stale: run npm run build:simd`);
      process.exit(1);
    }
    console.log(`${relative(ROOT, KERNELS_OUTPUT)} is up to date`);
    return;
  }
  if (current === text) {
    console.log(`${relative(ROOT, KERNELS_OUTPUT)} unchanged`);
  } else {
    writeFileSync(KERNELS_OUTPUT, text);
    console.log(`wrote ${relative(ROOT, KERNELS_OUTPUT)}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
