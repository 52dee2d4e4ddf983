/**
 * Test access to the shared, read-only fixtures in ../shared (never copied into the project).
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SHARED = resolve(__dirname, '../../../shared/fixtures');
export const REFERENCE_DIR = join(SHARED, 'reference');
export const PYTHON_NAM_DIR = join(SHARED, 'python-nam');
export const MODELS_DIR = join(SHARED, 'models');

export function readF32(path: string): Float32Array {
  const buf = readFileSync(path);
  const out = new Float32Array(buf.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}

export interface ReferenceOutput {
  file: string;
  block_size: number;
  prewarm: 'exact' | 'none';
  fast_tanh?: boolean;
  max_abs: number;
}

export interface ReferenceCase {
  name: string;
  dir: string;
  modelText: string;
  manifest: {
    architecture: string;
    num_weights: number;
    prewarm_samples: number;
    outputs: Record<string, Omit<ReferenceOutput, 'file'>>;
  };
}

export function referenceCaseNames(): string[] {
  return readdirSync(REFERENCE_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(REFERENCE_DIR, d.name, 'manifest.json')))
    .map((d) => d.name)
    .sort();
}

export function loadReferenceCase(name: string): ReferenceCase {
  const dir = join(REFERENCE_DIR, name);
  return {
    name,
    dir,
    modelText: readFileSync(join(dir, 'model.nam'), 'utf8'),
    manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')),
  };
}

let cachedInput: Float32Array | undefined;
export function referenceInput(): Float32Array {
  cachedInput ??= readF32(join(REFERENCE_DIR, 'input.f32'));
  return cachedInput;
}

export function referenceOutputs(c: ReferenceCase): ReferenceOutput[] {
  return Object.entries(c.manifest.outputs).map(([file, o]) => ({ file, ...o }));
}

export function readReferenceOutput(c: ReferenceCase, file: string): Float32Array {
  return readF32(join(c.dir, file));
}

/** Tolerance the issue sets: 1e-5 plus 1e-4 times the case's max_abs. */
export function referenceTolerance(maxAbs: number): number {
  return 1e-5 + 1e-4 * maxAbs;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, from = 0): { diff: number; at: number } {
  let diff = 0;
  let at = -1;
  const n = Math.min(a.length, b.length);
  for (let i = from; i < n; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= diff)) {
      diff = d;
      at = i;
    }
  }
  return { diff, at };
}

export function readJsonArray(path: string): Float32Array {
  return Float32Array.from(JSON.parse(readFileSync(path, 'utf8')) as number[]);
}
