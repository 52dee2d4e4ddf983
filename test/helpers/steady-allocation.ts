/**
 * For the allocation probes (child processes run with --expose-gc): collects garbage, then runs `round`
 * `rounds` times in two equal windows while counting GCs (PerformanceObserver) and heap growth. An
 * allocation per round grows the heap in both windows, while a one-off (late optimised code on a loaded
 * machine, which lands in the heap too) shows in one only, so `heapGrowth` is the smaller of the two.
 */
import { PerformanceObserver } from 'node:perf_hooks';

export interface SteadyAllocation {
  gcs: number;
  heapGrowth: number;
  windows: [number, number];
}

export async function measureSteadyAllocation(round: () => void, rounds: number): Promise<SteadyAllocation> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  const half = Math.floor(rounds / 2);
  const start = process.memoryUsage().heapUsed;
  for (let k = 0; k < half; k++) round();
  const middle = process.memoryUsage().heapUsed;
  for (let k = 0; k < half; k++) round();
  const end = process.memoryUsage().heapUsed;
  const windows: [number, number] = [middle - start, end - middle];
  // Let the observer deliver entries queued during the loop.
  await new Promise((r) => setTimeout(r, 50));
  obs.disconnect();
  return { gcs, heapGrowth: Math.min(...windows), windows };
}
