/**
 * Benchmark: our NAM engine (src/dsp/nam) against `@opendaw/nam-wasm` (NeuralAmpModelerCore compiled to
 * WASM), in one Node process. Run with `npm run bench` (`node --expose-gc bin/run-ts.mjs bench/engine-vs-nam-wasm.ts`).
 *
 *   --model PATH[,PATH…]   .nam files (repeatable; default ../shared/fixtures/models/deluxe.nam)
 *   --block N[,N…]         block sizes (repeatable; default 128)
 *   --seconds S            audio per timed run (default 10)
 *   --runs N               timed runs per contender (default 5, at least 5)
 *   --warmup S             audio processed by each contender before timing (default 3)
 *   --loads N              loads per contender for the load-time median (default 5)
 *   --heap-seconds S       audio processed for the heap/GC measurement (default 30)
 *
 * For every model × block size (a "case"):
 * 1. nam-wasm is loaded into a fresh emscripten instance: load time = `_nam_loadModel` (C++ JSON parse,
 *    build, prewarm), median (and first, i.e. cold) of `--loads` loads; instantiation is a one-off per
 *    page and reported apart. A fresh nam-wasm model processes the first second of the signal as the
 *    agreement reference.
 * 2. Then one phase per tanh mode of ours — "fast" (`fastTanh: true`, as the plugin runs and as nam-wasm
 *    does: see test/bench/nam-wasm-runner.test.ts), then "std" (`fastTanh: false`). A phase is complete
 *    before the next mode's model exists, so JIT feedback from the other activation cannot leak into
 *    the fast-tanh numbers. In each phase:
 *    - load time of ours: `parseNam` + `createNamModel` (models are created prewarmed);
 *    - agreement: a fresh model processes the first second; max |ours − nam-wasm| / nam-wasm's peak
 *      (~1e-6 expected for fast tanh, ~1e-2 for std tanh);
 *    - speed: warm-up, then `--runs` runs alternating ours, nam-wasm, ours, nam-wasm …, `global.gc()`
 *      before each; a run processes `--seconds` of a synthesized guitar-like signal in blocks of exactly
 *      the block size through pre-made subarray views (the loop allocates nothing). Real-time factor
 *      (RTF) = audio seconds / wall seconds; "ours/nam-wasm" > 1 means ours is faster;
 *    - heap: after `global.gc()`, heapUsed before and after processing `--heap-seconds` (no GC forced
 *      in between), and the GCs (by kind) a PerformanceObserver saw meanwhile. nam-wasm's (measured in
 *      the first phase) lives in wasm memory, outside the JS heap: its numbers show only the JS glue
 *      and the GCs V8 schedules on its own (now and then one major GC plus incremental marking, with
 *      no heap growth, for either contender).
 *
 * Cases run one after another in this process and share its JIT state.
 *
 * Tables go to stdout; progress goes to stderr.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { constants as perfConstants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createNamModel, parseNam } from '../src/dsp/nam/index.ts';
import { createNamEmscriptenModule, loadNamWasmRunner, type NamEmscriptenModule } from './nam-wasm-runner.ts';

const SHARED_DIR = resolve(process.cwd(), '../shared');
const DEFAULT_MODEL = resolve(SHARED_DIR, 'fixtures/models/deluxe.nam');
const DEFAULT_RATE = 48_000;
const AGREEMENT_SECONDS = 1;

// ---------------------------------------------------------------------------------------------
// Options

interface BenchOptions {
  models: string[];
  blocks: number[];
  seconds: number;
  runs: number;
  warmup: number;
  loads: number;
  heapSeconds: number;
}

const USAGE = `usage: npm run bench -- [--model PATH[,PATH…]] [--block N[,N…]] [--seconds S] [--runs N]
                        [--warmup S] [--loads N] [--heap-seconds S]`;

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

function positiveNumber(flag: string, text: string | undefined, fallback: number, integer: boolean): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    fail(`--${flag} must be a positive ${integer ? 'integer' : 'number'}, got "${text}"`);
  }
  return value;
}

function parseOptions(argv: string[]): BenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        model: { type: 'string', multiple: true },
        block: { type: 'string', multiple: true },
        seconds: { type: 'string' },
        runs: { type: 'string' },
        warmup: { type: 'string' },
        loads: { type: 'string' },
        'heap-seconds': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (e) {
    fail(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const list = (values: string[] | undefined): string[] =>
    (values ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s.length > 0);

  const models = list(v.model).map((p) => resolve(process.cwd(), p));
  if (models.length === 0) {
    if (!existsSync(SHARED_DIR)) {
      fail(`shared fixtures not found at ${SHARED_DIR}: run from the project root with ../shared beside it, or pass --model PATH`);
    }
    models.push(DEFAULT_MODEL);
  }
  for (const m of models) if (!existsSync(m)) fail(`model file not found: ${m}`);

  const blocks = list(v.block).map((b) => positiveNumber('block', b, 0, true));
  const runs = positiveNumber('runs', v.runs, 5, true);
  if (runs < 5) fail(`--runs must be at least 5, got ${runs}`);
  return {
    models,
    blocks: blocks.length > 0 ? blocks : [128],
    seconds: positiveNumber('seconds', v.seconds, 10, false),
    runs,
    warmup: positiveNumber('warmup', v.warmup, 3, false),
    loads: positiveNumber('loads', v.loads, 5, true),
    heapSeconds: positiveNumber('heap-seconds', v['heap-seconds'], 30, false),
  };
}

/** Short name for tables: `deluxe` for …/deluxe.nam, `lstm_1x16` for …/lstm_1x16/model.nam. */
function modelLabel(path: string): string {
  const name = basename(path).replace(/\.nam$/i, '');
  return name === 'model' ? basename(dirname(path)) : name;
}

// ---------------------------------------------------------------------------------------------
// Contenders

/** What the benchmark needs from either implementation. */
interface Processor {
  process(input: Float32Array, output: Float32Array): void;
  dispose(): void;
}

type TanhMode = 'fast' | 'std';

interface ModelInfo {
  architecture: string;
  sampleRate: number;
  receptiveField: number;
}

/** Ours: parse + build (the engine prewarms as part of building). */
function loadOurs(text: string, block: number, tanh: TanhMode): Processor & { info: ModelInfo } {
  const file = parseNam(text);
  const model = createNamModel(file, { maxBlockSize: block, fastTanh: tanh === 'fast' });
  return {
    info: {
      architecture: file.architecture,
      sampleRate: model.sampleRate,
      receptiveField: model.receptiveField,
    },
    process: (input, output) => model.process(input, output),
    dispose: () => {},
  };
}

/** nam-wasm: `_nam_loadModel` into `module` (C++ JSON parse + build + prewarm). */
function loadTheirs(module: NamEmscriptenModule, text: string, block: number, sampleRate: number): Processor {
  return loadNamWasmRunner(module, text, block, sampleRate);
}

// ---------------------------------------------------------------------------------------------
// Signal

/** Deterministic PRNG (mulberry32), so every run of the benchmark sees the same signal. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A guitar-like DI signal: Karplus-Strong plucked strings (single notes and strummed chords between
 * E2 and E5, a new event every 0.15-0.6 s), peak-normalized to 0.5, plus a -80 dBFS noise floor.
 */
function guitarLikeSignal(samples: number, rate: number): Float32Array {
  const out = new Float64Array(samples);
  const random = prng(0x6a17a5);
  let t = 0;
  while (t < samples) {
    const strum = random() < 0.3;
    const root = 40 + Math.floor(random() * 24); // MIDI E2..D#4
    const notes = strum ? [0, 7, 12, 16].map((i) => root + i) : [root + Math.floor(random() * 12)];
    notes.forEach((note, n) => {
      const freq = 440 * 2 ** ((note - 69) / 12);
      const period = Math.max(2, Math.round(rate / freq));
      const line = new Float64Array(period);
      for (let i = 0; i < period; i++) line[i] = random() * 2 - 1;
      const start = t + n * Math.round(0.012 * rate); // strum spread
      const length = Math.min(samples - start, Math.round(rate * 2.5));
      const gain = (0.4 + 0.6 * random()) / Math.sqrt(notes.length);
      let prev = 0;
      for (let i = 0; i < length; i++) {
        const j = i % period;
        const x = line[j]!;
        line[j] = 0.996 * 0.5 * (x + prev); // averaging low-pass in the loop: string damping
        prev = x;
        out[start + i]! += gain * x;
      }
    });
    t += Math.round(rate * (0.15 + 0.45 * random()));
  }
  let peak = 0;
  for (let i = 0; i < samples; i++) peak = Math.max(peak, Math.abs(out[i]!));
  const noise = prng(7);
  const signal = new Float32Array(samples);
  for (let i = 0; i < samples; i++) signal[i] = (0.5 * out[i]!) / (peak || 1) + 1e-4 * (noise() * 2 - 1);
  return signal;
}

/** `count` block views of `buffer`, made once so the timed loops allocate nothing. */
function blockViews(buffer: Float32Array, block: number, count: number): Float32Array[] {
  return Array.from({ length: count }, (_, k) => buffer.subarray(k * block, (k + 1) * block));
}

// ---------------------------------------------------------------------------------------------
// Measurement

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const max = (xs: readonly number[]): number => Math.max(...xs);

function collectGarbage(): void {
  globalThis.gc?.();
}

/** Processes `blocks` (input views) into `outs` `repeat` times; returns wall milliseconds. */
function timeProcessing(p: Processor, ins: readonly Float32Array[], outs: readonly Float32Array[], repeat = 1): number {
  const t0 = performance.now();
  for (let r = 0; r < repeat; r++) {
    for (let k = 0; k < ins.length; k++) p.process(ins[k]!, outs[k]!);
  }
  return performance.now() - t0;
}

interface LoadStats {
  firstMs: number;
  medianMs: number;
}

function measureLoads(loads: number, load: () => Processor): LoadStats {
  const times: number[] = [];
  for (let i = 0; i < loads + 1; i++) {
    collectGarbage();
    const t0 = performance.now();
    const p = load();
    times.push(performance.now() - t0);
    p.dispose();
  }
  return { firstMs: times[0]!, medianMs: median(times.slice(1)) };
}

interface HeapStats {
  growthBytes: number;
  gcMs: number;
  /** GCs seen, by kind (minor = scavenge, major = mark-compact, incremental marking, weak callbacks). */
  gcs: Record<GcKind, number>;
}

type GcKind = 'minor' | 'major' | 'incremental' | 'weakcb' | 'other';

/** The kind of a 'gc' performance entry (Node puts it in `entry.detail.kind`; @types/node omits it). */
function gcKind(entry: PerformanceEntry): GcKind {
  const detail = (entry as PerformanceEntry & { readonly detail?: unknown }).detail;
  const kind = typeof detail === 'object' && detail !== null && 'kind' in detail ? detail.kind : undefined;
  switch (kind) {
    case perfConstants.NODE_PERFORMANCE_GC_MINOR:
      return 'minor';
    case perfConstants.NODE_PERFORMANCE_GC_MAJOR:
      return 'major';
    case perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL:
      return 'incremental';
    case perfConstants.NODE_PERFORMANCE_GC_WEAKCB:
      return 'weakcb';
    default:
      return 'other';
  }
}

function formatGcs(gcs: Record<GcKind, number>): string {
  const kinds = Object.entries(gcs).filter(([, n]) => n > 0);
  const total = kinds.reduce((sum, [, n]) => sum + n, 0);
  return total === 0 ? '0' : `${total} (${kinds.map(([k, n]) => `${n} ${k}`).join(', ')})`;
}

async function measureHeap(p: Processor, ins: readonly Float32Array[], outs: readonly Float32Array[], repeat: number): Promise<HeapStats> {
  const stats: HeapStats = { growthBytes: 0, gcMs: 0, gcs: { minor: 0, major: 0, incremental: 0, weakcb: 0, other: 0 } };
  const count = (entries: readonly PerformanceEntry[]): void => {
    for (const e of entries) {
      stats.gcMs += e.duration;
      stats.gcs[gcKind(e)]++;
    }
  };
  collectGarbage();
  await new Promise((r) => setImmediate(r)); // deliver the forced GC's entry before observing
  const observer = new PerformanceObserver((list) => count(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const before = process.memoryUsage().heapUsed;
  timeProcessing(p, ins, outs, repeat);
  const after = process.memoryUsage().heapUsed;
  await new Promise((r) => setTimeout(r, 20)); // GC entries are delivered asynchronously
  count(observer.takeRecords());
  observer.disconnect();
  stats.growthBytes = after - before;
  return stats;
}

interface SpeedStats {
  rtfs: number[];
}

interface PhaseResult {
  tanh: TanhMode;
  ours: SpeedStats;
  theirs: SpeedStats;
  /** max |ours − nam-wasm| / max |nam-wasm| over the agreement window. */
  relDiff: number;
  load: LoadStats;
  heap: HeapStats;
}

interface CaseResult {
  model: string;
  block: number;
  info: ModelInfo;
  audioSeconds: number;
  moduleMs: number;
  theirsLoad: LoadStats;
  theirsHeap: HeapStats;
  phases: PhaseResult[];
}

function relativeDiff(ours: Float32Array, theirs: Float32Array): number {
  let diff = 0;
  let peak = 0;
  for (let i = 0; i < theirs.length; i++) {
    diff = Math.max(diff, Math.abs(ours[i]! - theirs[i]!));
    peak = Math.max(peak, Math.abs(theirs[i]!));
  }
  return peak > 0 ? diff / peak : diff;
}

async function runCase(modelPath: string, block: number, opts: BenchOptions): Promise<CaseResult> {
  const label = `${modelLabel(modelPath)} @ block ${block}`;
  const log = (msg: string): void => void process.stderr.write(`[${label}] ${msg}\n`);
  const text = readFileSync(modelPath, 'utf8');

  const probe = loadOurs(text, block, 'fast');
  const info = probe.info;
  probe.dispose();
  const rate = info.sampleRate > 0 ? info.sampleRate : DEFAULT_RATE;

  const t0 = performance.now();
  const module = await createNamEmscriptenModule();
  const moduleMs = performance.now() - t0;

  const runBlocks = Math.max(1, Math.floor((opts.seconds * rate) / block));
  const heapBlocks = Math.max(1, Math.floor((opts.heapSeconds * rate) / block));
  const warmBlocks = Math.max(1, Math.floor((opts.warmup * rate) / block));
  const agreeBlocks = Math.max(1, Math.floor((AGREEMENT_SECONDS * rate) / block));
  const signalBlocks = Math.max(runBlocks, warmBlocks, agreeBlocks);
  const signal = guitarLikeSignal(signalBlocks * block, rate);
  const output = new Float32Array(signal.length);
  const ins = blockViews(signal, block, signalBlocks);
  const outs = blockViews(output, block, signalBlocks);
  const runIns = ins.slice(0, runBlocks);
  const runOuts = outs.slice(0, runBlocks);
  const warmIns = ins.slice(0, warmBlocks);
  const warmOuts = outs.slice(0, warmBlocks);
  const audioSeconds = (runBlocks * block) / rate;
  // The heap run loops over the signal: `heapRepeat` passes of `runBlocks` blocks.
  const heapRepeat = Math.max(1, Math.round(heapBlocks / runBlocks));
  const agree = (p: Processor): Float32Array => {
    timeProcessing(p, ins.slice(0, agreeBlocks), outs.slice(0, agreeBlocks));
    return output.slice(0, agreeBlocks * block);
  };

  log('nam-wasm: load times, agreement reference');
  const theirsLoad = measureLoads(opts.loads, () => loadTheirs(module, text, block, rate));
  const theirsModel = loadTheirs(module, text, block, rate);
  const theirsOut = agree(theirsModel);
  let theirsHeap: HeapStats | undefined;

  // One phase per tanh mode, each complete (load, agreement, warm-up, timing, heap) before the next
  // mode's model exists: our code is shared JS, and the JIT feedback of a second activation would
  // otherwise leak into the first mode's numbers (the plugin only ever runs fast tanh).
  const phases: PhaseResult[] = [];
  for (const tanh of ['fast', 'std'] as const) {
    log(`ours, ${tanh} tanh: load times`);
    const load = measureLoads(opts.loads, () => loadOurs(text, block, tanh));
    const oursModel = loadOurs(text, block, tanh);
    const relDiff = relativeDiff(agree(oursModel), theirsOut);

    log(`ours, ${tanh} tanh: warm-up, timing`);
    timeProcessing(oursModel, warmIns, warmOuts);
    timeProcessing(theirsModel, warmIns, warmOuts);
    const ours: SpeedStats = { rtfs: [] };
    const theirs: SpeedStats = { rtfs: [] };
    for (let r = 0; r < opts.runs; r++) {
      for (const [p, stats] of [[oursModel, ours], [theirsModel, theirs]] as const) {
        collectGarbage();
        stats.rtfs.push(audioSeconds / (timeProcessing(p, runIns, runOuts) / 1000));
      }
    }

    log(`ours, ${tanh} tanh: heap`);
    const heap = await measureHeap(oursModel, runIns, runOuts, heapRepeat);
    theirsHeap ??= await measureHeap(theirsModel, runIns, runOuts, heapRepeat);
    oursModel.dispose();
    phases.push({ tanh, load, ours, theirs, relDiff, heap });
  }
  theirsModel.dispose();
  if (!theirsHeap) throw new Error('bench: no phase ran');

  return { model: modelLabel(modelPath), block, info: { ...info, sampleRate: rate }, audioSeconds, moduleMs, theirsLoad, theirsHeap, phases };
}

// ---------------------------------------------------------------------------------------------
// Report

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  // First column left-aligned (labels), the others right-aligned (numbers).
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const fx = (x: number, digits = 1): string => x.toFixed(digits);
const ms = (x: number): string => `${x.toFixed(1)} ms`;
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const sci = (x: number): string => x.toExponential(1);

function report(results: readonly CaseResult[], opts: BenchOptions): string {
  const cpu = cpus();
  const out: string[] = [
    `engine vs @opendaw/nam-wasm — Node ${process.version}, ${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} threads)`,
    `${opts.runs} runs × ${opts.seconds} s per contender, alternating ours / nam-wasm, after ${opts.warmup} s warm-up; ` +
      `RTF = audio s / wall s (higher is better); ours/nam-wasm > 1 means ours is faster.` +
      (globalThis.gc ? '' : '\nWARNING: global.gc unavailable (run with node --expose-gc): heap numbers are unreliable.'),
    '',
    'Speed (RTF; max|Δ|/peak: ours vs nam-wasm on fresh instances over 1 s)',
    table(
      ['model', 'block', 'ours tanh', 'ours med', 'ours best', 'nam-wasm med', 'nam-wasm best', 'ours/nam-wasm med', 'ours/nam-wasm best', 'max|Δ|/peak'],
      results.flatMap((r) =>
        r.phases.map((p) => {
          const [om, ob, tm, tb] = [median(p.ours.rtfs), max(p.ours.rtfs), median(p.theirs.rtfs), max(p.theirs.rtfs)];
          return [r.model, String(r.block), p.tanh, fx(om), fx(ob), fx(tm), fx(tb), `${fx(om / tm, 2)}×`, `${fx(ob / tb, 2)}×`, sci(p.relDiff)];
        }),
      ),
    ),
    '',
    'Model load (parse + build + prewarm): median of the loads after the first; "first" is the cold load',
    table(
      ['model', 'block', 'arch', 'RF', 'rate', 'ours fast med', 'ours std med', 'ours first', 'nam-wasm med', 'nam-wasm first', 'wasm instantiate'],
      results.map((r) => {
        const phase = (tanh: TanhMode): PhaseResult | undefined => r.phases.find((p) => p.tanh === tanh);
        return [
          r.model,
          String(r.block),
          r.info.architecture,
          String(r.info.receptiveField),
          String(r.info.sampleRate),
          ms(phase('fast')?.load.medianMs ?? NaN),
          ms(phase('std')?.load.medianMs ?? NaN),
          ms(phase('fast')?.load.firstMs ?? NaN),
          ms(r.theirsLoad.medianMs),
          ms(r.theirsLoad.firstMs),
          ms(r.moduleMs),
        ];
      }),
    ),
    '',
    `Heap while processing ${opts.heapSeconds} s (after global.gc(); nam-wasm's state is in wasm memory, not the JS heap)`,
    table(
      ['model', 'block', 'contender', 'heapUsed growth', 'GCs', 'GC time'],
      results.flatMap((r) =>
        [...r.phases.map((p) => [`ours ${p.tanh} tanh`, p.heap] as const), ['nam-wasm', r.theirsHeap] as const].map(([name, h]) => [
          r.model,
          String(r.block),
          name,
          kib(h.growthBytes),
          formatGcs(h.gcs),
          ms(h.gcMs),
        ]),
      ),
    ),
  ];
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const results: CaseResult[] = [];
  // Cases are models × block sizes; each is measured on its own, in order.
  for (const model of opts.models) {
    for (const block of opts.blocks) results.push(await runCase(model, block, opts));
  }
  process.stdout.write(report(results, opts));
}

await main();
