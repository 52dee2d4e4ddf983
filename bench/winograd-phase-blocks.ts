/**
 * Worst-case block of the phase Winograd path: with pairs taken by absolute time, a layer of
 * dilation d ≥ n alternates runs of d samples of "firsts" (3 products per output) and "seconds"
 * (1 product), so block times vary with the block's place in the cycle of 2·max(d) samples (at
 * block 128 in the standard WaveNet: 8 blocks; in block 0 of the cycle all of d = 128, 256, 512 are
 * firsts). This times every block on its own, for a git revision (old) and the working tree (new),
 * alternating cycle by cycle, and prints the median time per place in the cycle and the largest.
 *
 *   node --expose-gc bin/run-ts.mjs bench/winograd-phase-blocks.ts REV [--block 128] [--cycles 400]
 *     [--model PATH] [--kernels simd,relaxed-simd]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import * as current from '../src/dsp/nam/index.ts';
import { relaxedSimdSupported } from '../src/dsp/nam/simd/kernels.ts';
import { arg, median } from './ab-timing.ts';

if (!relaxedSimdSupported()) setFlagsFromString('--experimental-wasm-relaxed-simd');

const ROOT = resolve(import.meta.dirname, '..');

const rev = process.argv[2];
if (!rev || rev.startsWith('--')) {
  console.error('usage: bench/winograd-phase-blocks.ts REV [--block 128] [--cycles 400] [--model PATH] [--kernels simd,relaxed-simd]');
  process.exit(2);
}
const block = Number(arg('block', '128'));
const cycles = Number(arg('cycles', '400'));
const kernelChoices = arg('kernels', 'simd,relaxed-simd').split(',') as current.KernelChoice[];
const modelPath = resolve(arg('model', join(ROOT, '../shared/fixtures/models/deluxe.nam')));
const text = readFileSync(modelPath, 'utf8');
/** Blocks per cycle: 2·512 samples (the standard WaveNet's largest dilation) in blocks. */
const PERIOD = Math.max(1, Math.round(1024 / block));

type Api = typeof current;

async function importRevision(): Promise<{ api: Api; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'nam-rig-phase-'));
  const tar = execFileSync('git', ['archive', rev!, 'src/dsp'], { cwd: ROOT, maxBuffer: 1 << 28 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  return { api: (await import(pathToFileURL(join(dir, 'src/dsp/nam/index.ts')).href)) as Api, dir };
}

interface Model {
  process(input: Float32Array, output: Float32Array): void;
}

/** One cycle of PERIOD blocks; each block's time (µs) added to its place's list. */
function cycle(m: Model, x: Float32Array, y: Float32Array, times: number[][]): void {
  for (let b = 0; b < PERIOD; b++) {
    const at = b * block;
    const t0 = process.hrtime.bigint();
    m.process(x.subarray(at, at + block), y.subarray(at, at + block));
    times[b]!.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
}

async function main(): Promise<void> {
  const { api: old, dir } = await importRevision();
  const gc = (globalThis as { gc?: () => void }).gc;
  try {
    const x = new Float32Array(PERIOD * block).map((_, i) => 0.3 * Math.sin(i * 0.02) + 0.002 * Math.sin(i * 1.7));
    const y = new Float32Array(x.length);
    console.log(`per-block times (µs, median over ${cycles} cycles) by place in the ${PERIOD}-block cycle, b${block}, ${modelPath.split('/').pop()}: ${rev} (old) vs working tree (new)`);
    for (const kernels of kernelChoices) {
      const a = old.createNamModel(text, { maxBlockSize: block, fastTanh: true, kernels });
      const b = current.createNamModel(text, { maxBlockSize: block, fastTanh: true, kernels });
      const tOld = Array.from({ length: PERIOD }, () => [] as number[]);
      const tNew = Array.from({ length: PERIOD }, () => [] as number[]);
      for (let w = 0; w < 20; w++) {
        cycle(a, x, y, tOld.map(() => []));
        cycle(b, x, y, tNew.map(() => []));
      }
      for (let c = 0; c < cycles; c++) {
        if (c % 50 === 0) gc?.();
        if (c % 2 === 0) {
          cycle(a, x, y, tOld);
          cycle(b, x, y, tNew);
        } else {
          cycle(b, x, y, tNew);
          cycle(a, x, y, tOld);
        }
      }
      const mOld = tOld.map(median);
      const mNew = tNew.map(median);
      const mean = (v: number[]): number => v.reduce((s, t) => s + t, 0) / v.length;
      console.log(`${kernels}`);
      console.log(`  place ${mOld.map((_, i) => String(i).padStart(6)).join('')}   mean    max`);
      console.log(`  old   ${mOld.map((t) => t.toFixed(1).padStart(6)).join('')} ${mean(mOld).toFixed(1).padStart(6)} ${Math.max(...mOld).toFixed(1).padStart(6)}`);
      console.log(`  new   ${mNew.map((t) => t.toFixed(1).padStart(6)).join('')} ${mean(mNew).toFixed(1).padStart(6)} ${Math.max(...mNew).toFixed(1).padStart(6)}`);
      console.log(`  worst new block / worst old block ${(Math.max(...mNew) / Math.max(...mOld)).toFixed(3)}, mean new/old ${(mean(mNew) / mean(mOld)).toFixed(3)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
