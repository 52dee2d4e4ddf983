/**
 * A/B of the NAM engine at a git revision against the working tree, in one process, alternating
 * (the machine is noisy and shared): the revision's src/dsp is exported with `git archive` into a
 * temporary directory and imported next to the working tree's, then both build the same model and
 * take turns processing the same signal.
 *
 *   node --expose-gc bin/run-ts.mjs bench/revision-ab.ts REV [--blocks 32,128,512] [--rounds 21]
 *     [--seconds 0.5] [--model PATH] [--kernels simd,relaxed-simd]
 *
 * Prints per block size and kernel choice the median real-time factor of each side, the median of
 * the per-round ratios new/old (> 1: the working tree is faster) and the largest output difference.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import * as current from '../src/dsp/nam/index.ts';
import { relaxedSimdSupported } from '../src/dsp/nam/simd/kernels.ts';
import { arg, alternateRounds, median, timeBlocks } from './ab-timing.ts';

if (!relaxedSimdSupported()) setFlagsFromString('--experimental-wasm-relaxed-simd');

const ROOT = resolve(import.meta.dirname, '..');
const RATE = 48000;

const rev = process.argv[2];
if (!rev || rev.startsWith('--')) {
  console.error('usage: bench/revision-ab.ts REV [--blocks 32,128,512] [--rounds 21] [--seconds 0.5] [--model PATH] [--kernels simd,relaxed-simd]');
  process.exit(2);
}
const blocks = arg('blocks', '32,128,512').split(',').map(Number);
const rounds = Number(arg('rounds', '21'));
const seconds = Number(arg('seconds', '0.5'));
const kernelChoices = arg('kernels', 'simd,relaxed-simd').split(',') as current.KernelChoice[];
const modelPath = resolve(arg('model', join(ROOT, '../shared/fixtures/models/deluxe.nam')));
const text = readFileSync(modelPath, 'utf8');

type Api = typeof current;

/** The revision's src/dsp, exported to a temporary directory and imported. */
async function importRevision(): Promise<{ api: Api; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'nam-rig-ab-'));
  const tar = execFileSync('git', ['archive', rev!, 'src/dsp'], { cwd: ROOT, maxBuffer: 1 << 28 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  const api = (await import(pathToFileURL(join(dir, 'src/dsp/nam/index.ts')).href)) as Api;
  return { api, dir };
}

function signal(samples: number): Float32Array {
  return new Float32Array(samples).map((_, i) => 0.3 * Math.sin(i * 0.02) * Math.exp(-(i % 12000) / 3000) + 0.002 * Math.sin(i * 1.7));
}

async function main(): Promise<void> {
  const { api: old, dir } = await importRevision();
  try {
    console.log(`A/B: ${rev} (old) vs working tree (new), ${modelPath.split('/').pop()}, fast tanh, ${rounds} alternating rounds of ${seconds} s`);
    for (const block of blocks) {
      const n = Math.floor((seconds * RATE) / block) * block;
      const x = signal(n);
      for (const kernels of kernelChoices) {
        const a = old.createNamModel(text, { maxBlockSize: block, fastTanh: true, kernels });
        const b = current.createNamModel(text, { maxBlockSize: block, fastTanh: true, kernels });
        if (a.kernels !== kernels || b.kernels !== kernels) {
          console.log(`b${block} ${kernels}: not available in this runtime`);
          continue;
        }
        const ya = new Float32Array(n);
        const yb = new Float32Array(n);
        timeBlocks(a, x, ya, block);
        timeBlocks(b, x, yb, block);
        let diff = 0;
        for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(ya[i]! - yb[i]!));
        // alternating order; ratios = old / new
        const { ta: tNew, tb: tOld, ratios } = alternateRounds(() => timeBlocks(b, x, yb, block), () => timeBlocks(a, x, ya, block), rounds);
        const audio = n / RATE;
        console.log(
          `b${String(block).padEnd(4)} ${kernels.padEnd(13)} old ${(audio / median(tOld)).toFixed(2).padStart(6)}x  new ${(audio / median(tNew)).toFixed(2).padStart(6)}x  ` +
            `new/old ${median(ratios).toFixed(3)} (min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)})  max|diff| ${diff.toExponential(1)}`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
