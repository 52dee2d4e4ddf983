/**
 * Shared pieces of the benchmarks (bench/*-ab.ts, the per-conv kernel benches, engine-vs-nam-wasm.ts):
 * the median, the wall time of a model over a signal in blocks, alternating A/B rounds (the first runs
 * first in even rounds, second in odd ones, so drift on the shared machine falls on both), command-line
 * options, and the kernel benches' options and weights.
 */

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface BlockModel {
  process(input: Float32Array, output: Float32Array): void;
}

/** Seconds of wall time to process `input` in blocks of `block` into `output`. */
export function timeBlocks(model: BlockModel, input: Float32Array, output: Float32Array, block: number): number {
  const t0 = process.hrtime.bigint();
  for (let at = 0; at < input.length; at += block) model.process(input.subarray(at, at + block), output.subarray(at, at + block));
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** `rounds` alternating timings of `a` and `b` (seconds each) and the ratio b/a per round. */
export function alternateRounds(a: () => number, b: () => number, rounds: number): { ta: number[]; tb: number[]; ratios: number[] } {
  const gc = (globalThis as { gc?: () => void }).gc;
  const ta: number[] = [];
  const tb: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    gc?.();
    let x: number;
    let y: number;
    if (r % 2 === 0) {
      x = a();
      y = b();
    } else {
      y = b();
      x = a();
    }
    ta.push(x);
    tb.push(y);
    ratios.push(y / x);
  }
  return { ta, tb, ratios };
}

/** The value after `--name` on the command line, or `fallback`. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

/** The per-conv kernel benches' options (bench/winograd*-kernel.ts): --block, --dilations, --channels, --kernels, --rounds. */
export function convKernelBenchOptions(defaultDilations: string): { block: number; dilations: number[]; ch: number; kernels: string[]; rounds: number } {
  return {
    block: Number(arg('block', '128')),
    dilations: arg('dilations', defaultDilations).split(',').map(Number),
    ch: Number(arg('channels', '16')),
    kernels: arg('kernels', 'baseline,relaxed').split(','),
    rounds: Number(arg('rounds', '15')),
  };
}

/** Deterministic weights of a ch→ch K = 3 conv with bias, for the per-conv kernel benches. */
export function convBenchWeights(ch: number): Float32Array {
  return new Float32Array(ch * ch * 3 + ch).map((_, i) => Math.sin(i * 0.37) * 0.3);
}
