/**
 * Benchmark: our NAM engine (src/dsp/nam) against `@opendaw/nam-wasm` (NeuralAmpModelerCore compiled to
 * WASM, driven through ./nam-wasm-runner.ts), side by side in one Node process. `npm run bench` runs
 *
 *   node --expose-gc --experimental-wasm-relaxed-simd bin/run-ts.mjs bench/engine-vs-nam-wasm.ts --callgrind
 *
 * (relaxed SIMD needs that flag on Node 20; without it the relaxed column reads "n/a").
 *
 *   --model PATH[,PATH…]   .nam files (default: standard = ../shared/fixtures/models/deluxe.nam, and the
 *                          lite, nano, LSTM 1×16 and A2 reference models under ../shared/fixtures/reference)
 *   --block N[,N…]         block sizes (default 32,64,128,512)
 *   --js-block N[,N…]|none block sizes at which plain TS is timed too (default 128)
 *   --seconds S            audio per timed run (default: auto, see --run-ms)
 *   --run-ms MS            auto audio length: the slowest of ours-SIMD / ours-relaxed / nam-wasm takes
 *                          about MS per run, within 2..20 s of audio (default 600)
 *   --runs N               timed runs per contender (default 7, at least 5)
 *   --warmup S             audio each contender processes before timing (default 2)
 *   --loads N              loads per implementation for the load-time median (default 5)
 *   --callgrind            afterwards, count instructions per sample with valgrind (see below)
 *   --callgrind-only       only that
 *   --callgrind-relaxed    also count ours with relaxed SIMD (valgrind runs it correctly but slowly: ~6 min more)
 *   --forks N              fresh processes that re-time the summary cases (default 4; 0: none)
 *
 * Speed, for every model × block size (a "case"): a fresh nam-wasm emscripten instance (its buffer size
 * is global) and fresh models of ours — fastTanh: true, kernels 'simd' and 'relaxed-simd' (when the
 * runtime has it) — each process the first second of a synthesized guitar-like signal (agreement:
 * max |ours − nam-wasm| / nam-wasm's peak, ~1e-6 expected), then warm up, then `--runs` rounds, each
 * timing every contender once, in an order that rotates from round to round, `global.gc()` before each
 * run; a run processes the same audio in blocks of exactly the block size through pre-made subarray
 * views (the loop allocates nothing). RTF = audio seconds / wall seconds, median of the runs;
 * "ours/nam-wasm" > 1 means ours is faster. Cases share the process's JIT state. Plain TS (kernels
 * 'js') is timed the same way against a fresh nam-wasm, at the --js-block sizes, in a second pass after
 * all SIMD cases: it runs other classes through the same call sites, and its JIT feedback should not
 * reach the SIMD numbers.
 *
 * Forks: the summary cases (the standard model, or the first, at blocks 128 and 32) are timed again in
 * `--forks` fresh Node processes, one after another (`--case-json`: the same case procedure, its result
 * as one JSON line), as JMH forks JVMs. Each process places code and data anew: here nam-wasm's median
 * RTF at block 128 differed by up to ~10% from process to process (2.8–3.1×) while ours stayed within
 * ~2%, so one process's ratio moves a few percent either way. The SUMMARY line gives the median ratio
 * over the main pass and the forks, with the range.
 *
 * Load: per model (at block 128, or the first block size), parse + build + prewarm: for ours
 * `parseNam` + `createNamModel` (kernels 'simd'; models are created prewarmed), for nam-wasm
 * `_nam_loadModel` (C++ JSON parse, build, prewarm), alternating; median of the loads after the first
 * (cold) one.
 *
 * Callgrind: bench/callgrind-probe.ts under `valgrind --tool=callgrind` (all threads counted), on the
 * standard model at block 128, once with 1 s and once with 3 s of audio per implementation:
 * (I(3 s) − I(1 s)) / (2 s × rate) = instructions per sample, with start-up, load and JIT cancelled.
 * Node runs with `--predictable --no-liftoff --no-flush-bytecode --no-flush-baseline-code`, because
 * under valgrind (~50× slower) V8's time-dependent behaviour made counts vary: with default flags,
 * when the WebAssembly tier-up from Liftoff to TurboFan lands (nam-wasm's count varied by ~±1.5%), and
 * with only `--predictable --no-liftoff`, bytecode flushing and the recompiles it causes (ours varied
 * by ±30-60 M instructions, ±2% per sample). With all four, repeated runs agree to a few M instructions.
 * `--predictable` = single-threaded V8; `--no-liftoff` = WebAssembly compiled by TurboFan up front.
 * The steady-state code is the same TurboFan code either way (native speed with and without the flags
 * is equal). The runs are independent processes and instruction counts do not depend on machine load,
 * so two run at a time.
 *
 * Tables go to stdout; progress goes to stderr.
 */
import { mulberry32 } from '../src/dsp/synth/prng.ts';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createNamModel, parseNam, type KernelChoice } from '../src/dsp/nam/index.ts';
import { relaxedSimdSupported, simdSupported } from '../src/dsp/nam/simd/kernels.ts';
import { createNamEmscriptenModule, loadNamWasmRunner } from './nam-wasm-runner.ts';
import { median } from './ab-timing.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SHARED_DIR = resolve(process.cwd(), '../shared');
const REFERENCE = (name: string): string => resolve(SHARED_DIR, 'fixtures/reference', name, 'model.nam');
const STANDARD_MODEL = resolve(SHARED_DIR, 'fixtures/models/deluxe.nam');
/** The default models and their table labels. */
const DEFAULT_MODELS: readonly (readonly [string, string])[] = [
  [STANDARD_MODEL, 'standard'],
  [REFERENCE('wavenet_lite'), 'lite'],
  [REFERENCE('wavenet_nano'), 'nano'],
  [REFERENCE('lstm_1x16'), 'lstm 1x16'],
  [REFERENCE('core_A2'), 'A2'],
];
const DEFAULT_BLOCKS = [32, 64, 128, 512];
/** Fresh processes per summary case (see "Forks" in the header comment). */
const DEFAULT_FORKS = 4;
/** The summary's block sizes, in the order it names them. */
const SUMMARY_BLOCKS = [128, 32] as const;
const CASE_JSON_PREFIX = 'CASE_JSON ';
const DEFAULT_RATE = 48_000;
const AGREEMENT_SECONDS = 1;
const MIN_AUTO_SECONDS = 2;
const MAX_AUTO_SECONDS = 20;
const CALLGRIND_BLOCK = 128;
const CALLGRIND_SECONDS = [1, 3] as const;
const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';
/** Node flags for the callgrind runs, which make the instruction counts repeat (see the header comment). */
const CALLGRIND_NODE_FLAGS = ['--predictable', '--no-liftoff', '--no-flush-bytecode', '--no-flush-baseline-code'];

// ---------------------------------------------------------------------------------------------
// Options

interface BenchOptions {
  models: string[];
  blocks: number[];
  jsBlocks: number[];
  /** Audio per timed run; undefined = auto (runMs). */
  seconds: number | undefined;
  runMs: number;
  runs: number;
  warmup: number;
  loads: number;
  speed: boolean;
  callgrind: boolean;
  callgrindRelaxed: boolean;
  /** Fresh processes that re-time the summary cases (0: none). */
  forks: number;
  /** Internal (a fork): time the one model × block case and print it as JSON. */
  caseJson: boolean;
}

const USAGE = `usage: npm run bench -- [--model PATH[,PATH…]] [--block N[,N…]] [--js-block N[,N…]|none]
                        [--seconds S | --run-ms MS] [--runs N] [--warmup S] [--loads N]
                        [--callgrind | --callgrind-only] [--callgrind-relaxed] [--forks N]`;

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
        'js-block': { type: 'string', multiple: true },
        seconds: { type: 'string' },
        'run-ms': { type: 'string' },
        runs: { type: 'string' },
        warmup: { type: 'string' },
        loads: { type: 'string' },
        callgrind: { type: 'boolean' },
        'callgrind-only': { type: 'boolean' },
        'callgrind-relaxed': { type: 'boolean' },
        forks: { type: 'string' },
        'case-json': { type: 'boolean' },
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
    models.push(...DEFAULT_MODELS.map(([path]) => path));
  }
  for (const m of models) if (!existsSync(m)) fail(`model file not found: ${m}`);

  const blocks = list(v.block).map((b) => positiveNumber('block', b, 0, true));
  const jsList = list(v['js-block']);
  const jsBlocks = jsList.length === 1 && jsList[0] === 'none' ? [] : jsList.map((b) => positiveNumber('js-block', b, 0, true));
  const runs = positiveNumber('runs', v.runs, 7, true);
  if (runs < 5) fail(`--runs must be at least 5, got ${runs}`);
  const callgrindOnly = v['callgrind-only'] ?? false;
  return {
    models,
    blocks: blocks.length > 0 ? blocks : DEFAULT_BLOCKS,
    jsBlocks: jsList.length > 0 ? jsBlocks : [128],
    seconds: v.seconds === undefined ? undefined : positiveNumber('seconds', v.seconds, 0, false),
    runMs: positiveNumber('run-ms', v['run-ms'], 600, false),
    runs,
    warmup: positiveNumber('warmup', v.warmup, 2, false),
    loads: positiveNumber('loads', v.loads, 5, true),
    speed: !callgrindOnly,
    callgrind: callgrindOnly || (v.callgrind ?? false),
    callgrindRelaxed: v['callgrind-relaxed'] ?? false,
    forks: v.forks === '0' ? 0 : positiveNumber('forks', v.forks, DEFAULT_FORKS, true),
    caseJson: v['case-json'] ?? false,
  };
}

/** Table label: the default models' names; otherwise `deluxe` for …/deluxe.nam, `lstm_1x16` for …/lstm_1x16/model.nam. */
function modelLabel(path: string): string {
  const known = DEFAULT_MODELS.find(([p]) => p === path);
  if (known) return known[1];
  const name = basename(path).replace(/\.nam$/i, '');
  return name === 'model' ? basename(dirname(path)) : name;
}

// ---------------------------------------------------------------------------------------------
// Runtime

interface RuntimeSupport {
  simd: boolean;
  relaxed: boolean;
}

function runtimeSupport(): RuntimeSupport {
  return { simd: simdSupported(), relaxed: relaxedSimdSupported() };
}

function describeSupport(s: RuntimeSupport): string {
  const flagged = process.execArgv.includes(RELAXED_FLAG);
  const relaxed = s.relaxed
    ? `yes${flagged ? ` (${RELAXED_FLAG})` : ''}`
    : `no${flagged ? '' : ` (Node 20 needs ${RELAXED_FLAG}, which npm run bench passes)`}: relaxed column n/a`;
  return `WebAssembly SIMD: ${s.simd ? 'yes' : 'no: SIMD columns n/a'}; relaxed SIMD: ${relaxed}; plain TS: yes`;
}

// ---------------------------------------------------------------------------------------------
// Contenders

/** What the benchmark needs from either implementation. */
interface Processor {
  process(input: Float32Array, output: Float32Array): void;
  dispose(): void;
}

type Variant = KernelChoice | 'nam-wasm';

interface ModelInfo {
  architecture: string;
  sampleRate: number;
  receptiveField: number;
}

/** Ours: parse + build (the engine prewarms as part of building), fast tanh. Undefined when the runtime gave other kernels. */
function loadOurs(text: string, block: number, kernels: KernelChoice): (Processor & { info: ModelInfo }) | undefined {
  const file = parseNam(text);
  const model = createNamModel(file, { maxBlockSize: block, fastTanh: true, kernels });
  if (model.kernels !== kernels) return undefined;
  return {
    info: { architecture: file.architecture, sampleRate: model.sampleRate, receptiveField: model.receptiveField },
    process: (input, output) => model.process(input, output),
    dispose: () => {},
  };
}

// ---------------------------------------------------------------------------------------------
// Signal


/**
 * A guitar-like DI signal: Karplus-Strong plucked strings (single notes and strummed chords between
 * E2 and E5, a new event every 0.15-0.6 s), peak-normalized to 0.5, plus a -80 dBFS noise floor.
 */
function guitarLikeSignal(samples: number, rate: number): Float32Array {
  const out = new Float64Array(samples);
  const random = mulberry32(0x6a17a5);
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
  const noise = mulberry32(7);
  const signal = new Float32Array(samples);
  for (let i = 0; i < samples; i++) signal[i] = (0.5 * out[i]!) / (peak || 1) + 1e-4 * (noise() * 2 - 1);
  return signal;
}

const signals = new Map<number, Float32Array>();
/** The signal at `rate`, `samples` long (a prefix of one long signal, made once per rate). */
function signalOf(samples: number, rate: number): Float32Array {
  let s = signals.get(rate);
  if (!s || s.length < samples) {
    s = guitarLikeSignal(Math.max(samples, Math.ceil(MAX_AUTO_SECONDS * rate) + 512), rate);
    signals.set(rate, s);
  }
  return s.subarray(0, samples);
}

/** `count` block views of `buffer`, made once so the timed loops allocate nothing. */
function blockViews(buffer: Float32Array, block: number, count: number): Float32Array[] {
  return Array.from({ length: count }, (_, k) => buffer.subarray(k * block, (k + 1) * block));
}

// ---------------------------------------------------------------------------------------------
// Measurement

function collectGarbage(): void {
  globalThis.gc?.();
}

/** Processes `ins` into `outs` (one pass); returns wall milliseconds. */
function timeProcessing(p: Processor, ins: readonly Float32Array[], outs: readonly Float32Array[]): number {
  const t0 = performance.now();
  for (let k = 0; k < ins.length; k++) p.process(ins[k]!, outs[k]!);
  return performance.now() - t0;
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

interface LoadResult {
  model: string;
  block: number;
  info: ModelInfo;
  ours: { firstMs: number; medianMs: number };
  theirs: { firstMs: number; medianMs: number };
  /** Creating a fresh nam-wasm emscripten instance (instantiating the compiled module): a one-off per page. */
  instantiateMs: number;
}

async function measureLoads(path: string, block: number, opts: BenchOptions): Promise<LoadResult> {
  const text = readFileSync(path, 'utf8');
  const probe = loadOurs(text, block, 'simd');
  if (!probe) throw new Error('bench: load times need SIMD kernels');
  const rate = probe.info.sampleRate > 0 ? probe.info.sampleRate : DEFAULT_RATE;
  await createNamEmscriptenModule(); // compile nam.wasm once, outside the timing
  const t0 = performance.now();
  const module = await createNamEmscriptenModule();
  const instantiateMs = performance.now() - t0;
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < opts.loads + 1; i++) {
    collectGarbage();
    let t = performance.now();
    loadOurs(text, block, 'simd');
    ours.push(performance.now() - t);
    collectGarbage();
    t = performance.now();
    const p = loadNamWasmRunner(module, text, block, rate);
    theirs.push(performance.now() - t);
    p.dispose();
  }
  return {
    model: modelLabel(path),
    block,
    info: { ...probe.info, sampleRate: rate },
    ours: { firstMs: ours[0]!, medianMs: median(ours.slice(1)) },
    theirs: { firstMs: theirs[0]!, medianMs: median(theirs.slice(1)) },
    instantiateMs,
  };
}

interface CaseResult {
  model: string;
  block: number;
  audioSeconds: number;
  /** RTF of every run, by variant; absent = not measured (n/a). */
  rtfs: Partial<Record<Variant, number[]>>;
  /** max |ours − nam-wasm| / nam-wasm peak over the agreement window, worst of our variants. */
  relDiff: number;
}

/** Times `wanted` (those the runtime has) against nam-wasm on one model at one block size. */
async function runCase(path: string, block: number, opts: BenchOptions, wanted: readonly KernelChoice[]): Promise<CaseResult> {
  const label = `${modelLabel(path)} @ block ${block}`;
  const log = (msg: string): void => void process.stderr.write(`[${label}] ${msg}\n`);
  const text = readFileSync(path, 'utf8');

  const contenders: { variant: Variant; p: Processor }[] = [];
  let rate = DEFAULT_RATE;
  for (const k of wanted) {
    const ours = loadOurs(text, block, k);
    if (!ours) continue;
    if (ours.info.sampleRate > 0) rate = ours.info.sampleRate;
    contenders.push({ variant: k, p: ours });
  }
  const module = await createNamEmscriptenModule();
  const theirs = loadNamWasmRunner(module, text, block, rate);
  contenders.push({ variant: 'nam-wasm', p: theirs });

  const blocksFor = (seconds: number): number => Math.max(1, Math.round((seconds * rate) / block));
  const agreeBlocks = blocksFor(AGREEMENT_SECONDS);
  const warmBlocks = blocksFor(opts.warmup);
  const maxBlocks = blocksFor(opts.seconds ?? MAX_AUTO_SECONDS);
  const signal = signalOf(Math.max(agreeBlocks, warmBlocks, maxBlocks) * block, rate);
  const output = new Float32Array(signal.length);
  const ins = blockViews(signal, block, signal.length / block);
  const outs = blockViews(output, block, signal.length / block);

  // Agreement: every contender is fresh (created prewarmed) and processes the first second.
  log('agreement');
  const agreeOut = new Map<Variant, Float32Array>();
  for (const { variant, p } of contenders) {
    timeProcessing(p, ins.slice(0, agreeBlocks), outs.slice(0, agreeBlocks));
    agreeOut.set(variant, output.slice(0, agreeBlocks * block));
  }
  const reference = agreeOut.get('nam-wasm')!;
  let relDiff = 0;
  for (const [variant, out] of agreeOut) if (variant !== 'nam-wasm') relDiff = Math.max(relDiff, relativeDiff(out, reference));

  // Warm-up, timed: its RTF sizes the runs when --seconds is not given.
  log('warm-up');
  const warmRtf = new Map<Variant, number>();
  for (const { variant, p } of contenders) {
    const msTaken = timeProcessing(p, ins.slice(0, warmBlocks), outs.slice(0, warmBlocks));
    warmRtf.set(variant, (warmBlocks * block) / rate / (msTaken / 1000));
  }
  let runSeconds = opts.seconds;
  if (runSeconds === undefined) {
    const slowest = Math.min(...contenders.filter((c) => c.variant !== 'js').map((c) => warmRtf.get(c.variant)!));
    runSeconds = Math.min(MAX_AUTO_SECONDS, Math.max(MIN_AUTO_SECONDS, (opts.runMs / 1000) * slowest));
  }
  const runBlocks = blocksFor(runSeconds);
  const runIns = ins.slice(0, runBlocks);
  const runOuts = outs.slice(0, runBlocks);
  const audioSeconds = (runBlocks * block) / rate;

  log(`timing: ${opts.runs} runs × ${audioSeconds.toFixed(2)} s per contender (${contenders.map((c) => c.variant).join(', ')})`);
  const rtfs: Partial<Record<Variant, number[]>> = {};
  for (let r = 0; r < opts.runs; r++) {
    for (let i = 0; i < contenders.length; i++) {
      const { variant, p } = contenders[(i + r) % contenders.length]!;
      collectGarbage();
      (rtfs[variant] ??= []).push(audioSeconds / (timeProcessing(p, runIns, runOuts) / 1000));
    }
  }
  for (const { p } of contenders) p.dispose();
  return { model: modelLabel(path), block, audioSeconds, rtfs, relDiff };
}

// ---------------------------------------------------------------------------------------------
// Forks

/** A summary case timed in the main pass and again in fresh processes. */
interface ForkSet {
  model: string;
  block: number;
  /** The main pass's result first, then each fork's. */
  results: CaseResult[];
  errors: string[];
}

/** Runs one case in a fresh Node process with this one's flags and timing options. */
function runFork(opts: BenchOptions, model: string, block: number): CaseResult | string {
  const args = [
    ...process.execArgv,
    resolve(ROOT, 'bin/run-ts.mjs'),
    fileURLToPath(import.meta.url),
    ...['--model', model, '--block', String(block), '--case-json'],
    ...['--runs', String(opts.runs), '--warmup', String(opts.warmup), '--run-ms', String(opts.runMs)],
    ...(opts.seconds === undefined ? [] : ['--seconds', String(opts.seconds)]),
  ];
  const r = spawnSync(process.execPath, args, { cwd: process.cwd(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 << 20 });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith(CASE_JSON_PREFIX));
  if (r.status !== 0 || line === undefined) {
    const tail = (r.stderr ?? '').trim().split('\n').slice(-2).join(' | ').slice(0, 300);
    return `fork exited with ${r.status ?? r.signal}: ${tail}`;
  }
  return JSON.parse(line.slice(CASE_JSON_PREFIX.length)) as CaseResult;
}

/** The summary model's cases at SUMMARY_BLOCKS, each re-timed in `opts.forks` fresh processes, one at a time. */
function runForks(results: readonly CaseResult[], opts: BenchOptions): ForkSet[] {
  const sets: ForkSet[] = [];
  const model = summaryModel(results);
  const path = opts.models.find((m) => modelLabel(m) === model);
  if (model === undefined || path === undefined || opts.forks === 0) return sets;
  for (const block of SUMMARY_BLOCKS) {
    const main = results.find((r) => r.model === model && r.block === block);
    if (!main) continue;
    const set: ForkSet = { model, block, results: [main], errors: [] };
    for (let i = 1; i <= opts.forks; i++) {
      process.stderr.write(`[${model} @ block ${block}] fork ${i} of ${opts.forks}\n`);
      const r = runFork(opts, path, block);
      if (typeof r === 'string') set.errors.push(r);
      else set.results.push(r);
    }
    sets.push(set);
  }
  return sets;
}

/** Median of a summary case's ratio over its processes, with the range. */
function forkRatio(set: ForkSet, v: KernelChoice): { median: number; min: number; max: number; count: number } | undefined {
  const xs = set.results.map((r) => ratio(r, v)).filter((x): x is number => x !== undefined);
  if (xs.length === 0) return undefined;
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), count: xs.length };
}

function forkReport(sets: readonly ForkSet[], opts: BenchOptions): string {
  if (sets.length === 0) return '';
  const rows = sets.flatMap((set) =>
    set.results.map((r, i) => [
      set.model,
      String(set.block),
      i === 0 ? 'main pass' : `fork ${i}`,
      rtfText(medianRtf(r, 'simd')),
      rtfText(medianRtf(r, 'relaxed-simd')),
      rtfText(medianRtf(r, 'nam-wasm')),
      ratioText(ratio(r, 'simd')),
      ratioText(ratio(r, 'relaxed-simd')),
    ]),
  );
  const medians = sets.map((set) => {
    const s = forkRatio(set, 'simd');
    const x = forkRatio(set, 'relaxed-simd');
    const text = (f: typeof s): string => (f ? `${ratioText(f.median)} (${ratioText(f.min)}–${ratioText(f.max)})` : 'n/a');
    return `${set.model} @ block ${set.block}, median over ${set.results.length} processes: SIMD ${text(s)}, relaxed ${text(x)}`;
  });
  return [
    `Summary cases in ${opts.forks} more fresh processes each ("forks", as JMH runs them): every process places code and data anew, and ` +
      'nam-wasm\'s speed differs between processes more than within one, so one process\'s ratio can be a few percent off either way. ' +
      'Same case procedure as above; one process at a time.',
    table(['model', 'block', 'process', 'ours SIMD', 'ours relaxed', 'nam-wasm', 'SIMD/nam-wasm', 'relaxed/nam-wasm'], rows),
    ...medians,
    ...sets.flatMap((set) => set.errors.map((e) => `${set.model} @ block ${set.block}: ${e}`)),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Callgrind

interface CallgrindRun {
  variant: 'simd' | 'relaxed-simd' | 'nam-wasm';
  seconds: number;
  instructions?: number;
  wallS: number;
  error?: string;
}

interface CallgrindResult {
  /** Why nothing could be counted (e.g. valgrind missing). */
  error?: string;
  model: string;
  rate: number;
  runs: CallgrindRun[];
  wallS: number;
  nodeFlags: string[];
}

function valgrindVersion(): string | undefined {
  const r = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function runCallgrind(run: CallgrindRun, dir: string, model: string, nodeFlags: readonly string[]): Promise<void> {
  const outFile = join(dir, `callgrind.${run.variant}.${run.seconds}.out`);
  const impl = run.variant === 'nam-wasm' ? ['--impl', 'nam-wasm'] : ['--impl', 'ours', '--kernels', run.variant];
  const args = [
    '--tool=callgrind',
    `--callgrind-out-file=${outFile}`,
    process.execPath,
    ...nodeFlags,
    join(ROOT, 'bin/run-ts.mjs'),
    join(ROOT, 'bench/callgrind-probe.ts'),
    ...impl,
    '--model',
    model,
    '--block',
    String(CALLGRIND_BLOCK),
    '--seconds',
    String(run.seconds),
  ];
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn('valgrind', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15 * 60_000);
    const finish = (error?: string): void => {
      clearTimeout(timer);
      run.wallS = (performance.now() - t0) / 1000;
      if (error !== undefined) run.error = error;
      done();
    };
    child.on('error', (e) => finish(e.message));
    child.on('close', (code, signal) => {
      const tail = (stderr.split('\n').filter((l) => l && !l.startsWith('==')).slice(-3).join(' | ') || stderr.trim().split('\n').slice(-2).join(' | ')).slice(0, 300);
      if (code !== 0) return finish(`exit ${code ?? signal}: ${tail}`);
      const probe = stdout.trim().split('\n').pop() ?? '';
      const expected = run.variant === 'nam-wasm' ? 'nam-wasm' : `ours/${run.variant}`;
      if (!probe.includes(`"impl":"${expected}"`)) return finish(`probe did not run ${expected}: ${probe || tail}`);
      let totals: string | undefined;
      try {
        totals = /^(?:totals|summary):\s*(\d+)/m.exec(readFileSync(outFile, 'utf8'))?.[1];
      } catch {
        totals = undefined;
      }
      totals ??= /Collected\s*:\s*(\d+)/.exec(stderr)?.[1];
      if (totals === undefined) return finish(`no instruction total in callgrind's output: ${tail}`);
      run.instructions = Number(totals);
      finish();
    });
  });
}

async function callgrindCheck(opts: BenchOptions, support: RuntimeSupport): Promise<CallgrindResult> {
  const model = STANDARD_MODEL;
  const nodeFlags = [...CALLGRIND_NODE_FLAGS, ...(process.execArgv.includes(RELAXED_FLAG) ? [RELAXED_FLAG] : [])];
  const result: CallgrindResult = { model: modelLabel(model), rate: DEFAULT_RATE, runs: [], wallS: 0, nodeFlags };
  if (!existsSync(model)) return { ...result, error: `standard model not found at ${model}` };
  result.rate = parseNam(readFileSync(model, 'utf8')).sampleRate || DEFAULT_RATE;
  const version = valgrindVersion();
  if (!version) return { ...result, error: 'valgrind not found on PATH (install valgrind to get instruction counts)' };
  process.stderr.write(`[callgrind] ${version}; node ${nodeFlags.join(' ')}\n`);

  const variants: CallgrindRun['variant'][] = ['nam-wasm', 'simd'];
  if (opts.callgrindRelaxed) {
    if (support.relaxed) variants.push('relaxed-simd');
    else process.stderr.write('[callgrind] relaxed SIMD not available in this runtime: skipped\n');
  }
  // Longest first (nam-wasm is the slowest under valgrind), two at a time.
  const runs: CallgrindRun[] = [...CALLGRIND_SECONDS]
    .reverse()
    .flatMap((seconds) => variants.map((variant) => ({ variant, seconds, wallS: 0 })));
  result.runs = [...runs].sort((a, b) => variants.indexOf(a.variant) - variants.indexOf(b.variant) || a.seconds - b.seconds);
  const dir = mkdtempSync(join(tmpdir(), 'nam-bench-callgrind-'));
  const t0 = performance.now();
  try {
    const queue = [...runs];
    const lanes = Math.max(1, Math.min(2, cpus().length));
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        for (let run = queue.shift(); run; run = queue.shift()) {
          process.stderr.write(`[callgrind] ${run.variant}, ${run.seconds} s of audio…\n`);
          await runCallgrind(run, dir, model, nodeFlags);
          process.stderr.write(
            `[callgrind] ${run.variant}, ${run.seconds} s: ${run.error ?? `${run.instructions} instructions`} (${run.wallS.toFixed(0)} s)\n`,
          );
        }
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  result.wallS = (performance.now() - t0) / 1000;
  return result;
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

const ms = (x: number): string => `${x.toFixed(1)} ms`;
const sci = (x: number): string => x.toExponential(1);
const rtfText = (x: number | undefined): string => (x === undefined ? 'n/a' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const ratioText = (x: number | undefined): string => (x === undefined ? 'n/a' : `${x.toFixed(2)}×`);
const group = (n: number): string => n.toLocaleString('en-US');

function medianRtf(r: CaseResult, v: Variant): number | undefined {
  const xs = r.rtfs[v];
  return xs && xs.length > 0 ? median(xs) : undefined;
}

function ratio(r: CaseResult, v: KernelChoice): number | undefined {
  const ours = medianRtf(r, v);
  const theirs = medianRtf(r, 'nam-wasm');
  return ours === undefined || theirs === undefined ? undefined : ours / theirs;
}

/** Largest (max − min) / median over the contenders' runs: how noisy the case was. */
function spread(r: CaseResult): number {
  let worst = 0;
  for (const xs of Object.values(r.rtfs)) {
    if (!xs || xs.length === 0) continue;
    worst = Math.max(worst, (Math.max(...xs) - Math.min(...xs)) / median(xs));
  }
  return worst;
}

function header(support: RuntimeSupport, opts: BenchOptions): string {
  const cpu = cpus();
  const load = loadavg().map((x) => x.toFixed(2)).join(' ');
  return [
    `engine vs @opendaw/nam-wasm — Node ${process.version}, ${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} threads), load average ${load} at start`,
    `Runtime: ${describeSupport(support)}`,
    'ours runs with fastTanh: true (NeuralAmpModelerCore\'s fast tanh, as nam-wasm and the official plugin use).' +
      (globalThis.gc || !opts.speed ? '' : '\nWARNING: global.gc unavailable (run with node --expose-gc): runs are not preceded by a GC.'),
  ].join('\n');
}

function speedReport(results: readonly CaseResult[], jsResults: readonly CaseResult[], loads: readonly LoadResult[], opts: BenchOptions): string {
  const jsNote =
    opts.jsBlocks.length > 0
      ? `plain TS ("ours TS") timed only at block ${opts.jsBlocks.join(', ')}, in a pass after all the others (so the JIT feedback of its ` +
        'code paths cannot reach the SIMD numbers), alternating with a fresh nam-wasm: TS/nam-wasm is against that pass\'s nam-wasm'
      : 'plain TS not timed';
  const jsOf = (r: CaseResult): CaseResult | undefined => jsResults.find((j) => j.model === r.model && j.block === r.block);
  // Rows: every (model, block) of the main pass, plus any plain-TS-only block sizes.
  const rows = [...results, ...jsResults.filter((j) => !results.some((r) => r.model === j.model && r.block === j.block))];
  const lengthNote =
    opts.seconds !== undefined
      ? `${opts.seconds} s of audio per run`
      : `audio per run sized so the slowest of ours-SIMD / ours-relaxed / nam-wasm takes ~${opts.runMs} ms (${MIN_AUTO_SECONDS}–${MAX_AUTO_SECONDS} s)`;
  const out: string[] = [
    `Speed: real-time factor (RTF = audio s / wall s, higher is better), median of ${opts.runs} runs per contender, ` +
      `contenders alternating in rotating order, global.gc() before each run, after ${opts.warmup} s warm-up; ${lengthNote}; ${jsNote}.`,
    'ours/nam-wasm > 1 means ours is faster. spread = worst (max − min) / median over the case\'s contenders (main pass). ' +
      'max|Δ|/peak: worst of ours vs nam-wasm over the first 1 s from fresh models.',
    table(
      ['model', 'block', 's/run', 'ours SIMD', 'ours relaxed', 'ours TS', 'nam-wasm', 'SIMD/nam-wasm', 'relaxed/nam-wasm', 'TS/nam-wasm', 'spread', 'max|Δ|/peak'],
      rows.map((r) => {
        const js = jsOf(r);
        return [
          r.model,
          String(r.block),
          r.audioSeconds.toFixed(1),
          rtfText(medianRtf(r, 'simd')),
          rtfText(medianRtf(r, 'relaxed-simd')),
          js ? rtfText(medianRtf(js, 'js')) : '-',
          rtfText(medianRtf(r, 'nam-wasm')),
          ratioText(ratio(r, 'simd')),
          ratioText(ratio(r, 'relaxed-simd')),
          js ? ratioText(ratio(js, 'js')) : '-',
          `${(100 * spread(r)).toFixed(0)}%`,
          sci(js && js !== r ? Math.max(r.relDiff, js.relDiff) : r.relDiff),
        ];
      }),
    ),
    '',
    `Model load (parse + build + prewarm; ours with SIMD kernels): median of ${opts.loads} loads after the first (cold) one, alternating`,
    table(
      ['model', 'arch', 'RF', 'rate', 'block', 'ours med', 'ours first', 'nam-wasm med', 'nam-wasm first', 'nam-wasm/ours'],
      loads.map((l) => [
        l.model,
        l.info.architecture,
        String(l.info.receptiveField),
        String(l.info.sampleRate),
        String(l.block),
        ms(l.ours.medianMs),
        ms(l.ours.firstMs),
        ms(l.theirs.medianMs),
        ms(l.theirs.firstMs),
        ratioText(l.theirs.medianMs / l.ours.medianMs),
      ]),
    ),
  ];
  if (loads.length > 0) {
    out.push(`(nam-wasm also instantiates its compiled module once per emscripten instance: ${ms(median(loads.map((l) => l.instantiateMs)))} median, not included)`);
  }
  return out.join('\n');
}

/** The model the summary speaks of: the standard one when measured, else the first. */
function summaryModel(results: readonly CaseResult[]): string | undefined {
  return results.some((r) => r.model === 'standard') ? 'standard' : results[0]?.model;
}

/** The summary: per block, the median over the main pass and the forks when there are forks, else the main pass. */
function summaryLine(results: readonly CaseResult[], forks: readonly ForkSet[]): string {
  const std = summaryModel(results);
  const at = (block: number): string => {
    const set = forks.find((f) => f.block === block);
    if (set && set.results.length > 1) {
      const one = (v: KernelChoice, name: string): string => {
        const f = forkRatio(set, v);
        return f ? `${ratioText(f.median)} (${name}; ${f.count} processes ${ratioText(f.min)}–${ratioText(f.max)})` : `n/a (${name})`;
      };
      return `block ${block}: ${one('simd', 'SIMD')}, ${one('relaxed-simd', 'relaxed SIMD')}`;
    }
    const r = results.find((c) => c.model === std && c.block === block);
    if (!r) return `block ${block}: not measured`;
    return `block ${block}: ${ratioText(ratio(r, 'simd'))} (SIMD), ${ratioText(ratio(r, 'relaxed-simd'))} (relaxed SIMD)`;
  };
  return `SUMMARY: ${std} model, ours/nam-wasm speed (RTF ratio, > 1 = ours faster) at ${SUMMARY_BLOCKS.map(at).join('; at ')}.`;
}

function callgrindReport(c: CallgrindResult): string {
  const title =
    `Instructions per sample (valgrind --tool=callgrind; ${c.model} model, block ${CALLGRIND_BLOCK}, fast tanh; node ${c.nodeFlags.join(' ')}; ` +
    `all threads): (I(${CALLGRIND_SECONDS[1]} s) − I(${CALLGRIND_SECONDS[0]} s)) / (${CALLGRIND_SECONDS[1] - CALLGRIND_SECONDS[0]} s × ${c.rate}), ` +
    'which cancels start-up, load and JIT';
  if (c.error) return `${title}\nnot measured: ${c.error}`;
  const perSample = (variant: CallgrindRun['variant']): { i1?: number; i3?: number; ips?: number; error?: string } => {
    const [r1, r3] = CALLGRIND_SECONDS.map((s) => c.runs.find((r) => r.variant === variant && r.seconds === s));
    const error = r1?.error ?? r3?.error;
    const i1 = r1?.instructions;
    const i3 = r3?.instructions;
    const ips = i1 !== undefined && i3 !== undefined ? (i3 - i1) / ((CALLGRIND_SECONDS[1] - CALLGRIND_SECONDS[0]) * c.rate) : undefined;
    return { i1, i3, ips, error };
  };
  const variants = [...new Set(c.runs.map((r) => r.variant))];
  const theirs = perSample('nam-wasm').ips;
  const name = (v: CallgrindRun['variant']): string => (v === 'nam-wasm' ? 'nam-wasm' : v === 'simd' ? 'ours SIMD' : 'ours relaxed SIMD');
  const rows = variants.map((v) => {
    const s = perSample(v);
    return [
      name(v),
      s.i1 === undefined ? 'failed' : group(s.i1),
      s.i3 === undefined ? 'failed' : group(s.i3),
      s.ips === undefined ? 'n/a' : group(Math.round(s.ips)),
      s.ips === undefined || theirs === undefined ? 'n/a' : ratioText(theirs / s.ips),
    ];
  });
  const errors = variants.flatMap((v) => {
    const e = perSample(v).error;
    return e ? [`${name(v)}: ${e}`] : [];
  });
  return [
    title,
    table(['implementation', `I(${CALLGRIND_SECONDS[0]} s)`, `I(${CALLGRIND_SECONDS[1]} s)`, 'instructions/sample', 'nam-wasm/this'], rows),
    ...errors,
    ...(variants.includes('relaxed-simd')
      ? []
      : ['(ours with relaxed SIMD: add --callgrind-relaxed; valgrind runs it correctly, same output as native, but its FMAs slowly)']),
    `(${c.runs.length} valgrind runs, two at a time: ${(c.wallS / 60).toFixed(1)} min)`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const opts = parseOptions(process.argv.slice(2));
  const support = runtimeSupport();
  const simdVariants: KernelChoice[] = [...(support.simd ? ['simd' as const] : []), ...(support.relaxed ? ['relaxed-simd' as const] : [])];
  if (opts.caseJson) {
    // A fork: one case, as JSON, nothing else.
    if (opts.models.length !== 1 || opts.blocks.length !== 1) fail('--case-json takes exactly one --model and one --block');
    const r = await runCase(opts.models[0]!, opts.blocks[0]!, opts, simdVariants);
    process.stdout.write(`${CASE_JSON_PREFIX}${JSON.stringify(r)}\n`);
    return;
  }
  process.stdout.write(`${header(support, opts)}\n`);

  if (opts.speed) {
    if (!support.simd) process.stderr.write('bench: this runtime has no WebAssembly SIMD; only plain TS and nam-wasm are timed\n');
    const loadBlock = opts.blocks.includes(128) ? 128 : opts.blocks[0]!;
    const results: CaseResult[] = [];
    const loads: LoadResult[] = [];
    for (const model of opts.models) {
      process.stderr.write(`[${modelLabel(model)}] load times\n`);
      if (support.simd) loads.push(await measureLoads(model, loadBlock, opts));
      for (const block of opts.blocks) results.push(await runCase(model, block, opts, simdVariants));
    }
    // Plain TS last: its JIT feedback (other classes through the same call sites) cannot reach the SIMD numbers.
    const jsResults: CaseResult[] = [];
    for (const model of opts.models) {
      for (const block of opts.jsBlocks) jsResults.push(await runCase(model, block, opts, ['js']));
    }
    const forks = runForks(results, opts);
    const forkText = forkReport(forks, opts);
    process.stdout.write(`\n${speedReport(results, jsResults, loads, opts)}\n${forkText ? `\n${forkText}\n` : ''}\n${summaryLine(results, forks)}\n`);
    process.stdout.write(`(speed part: ${((performance.now() - started) / 60_000).toFixed(1)} min, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at its end)\n`);
  }

  if (opts.callgrind) {
    process.stdout.write(`\n${callgrindReport(await callgrindCheck(opts, support))}\n`);
  } else {
    process.stdout.write('\n(instructions per sample under callgrind: add --callgrind, or npm run bench:callgrind)\n');
  }
  process.stdout.write(`\nTotal: ${((performance.now() - started) / 60_000).toFixed(1)} min\n`);
}

await main();
