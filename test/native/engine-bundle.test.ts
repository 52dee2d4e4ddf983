/**
 * The plugin's engine bundles (scripts/build-native-engine.ts) in bare V8 contexts (node:vm: no Node
 * globals, no DOM, like the plugin's embedded isolates), one context per isolate as in the plugin: the
 * graph bundle's op groups, moved as text + Float32Arrays, drive the audio bundle, whose output must
 * equal the CLI's offline render (`renderOffline`) of the same model, IR and knobs. Also: the generated
 * parameter list follows the registry, bridge messages are answered, and a saved state restores.
 * The audio side's answers (stepped model loads, node gc) go back to the graph side as the C++ host
 * moves them: a model swap plays on without a silent block, and node gc keeps the audio side's
 * Elementary nodes bounded over many swaps with different level metadata.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { buildNativeEngine, type NativeParam } from '../../scripts/build-native-engine.ts';
import { renderOffline, RIG_PREROLL_SECONDS } from '../../src/cli/offline-render.ts';
import { decodeWav, mixToMono } from '../../src/dsp/io/wav-read.ts';
import { parseNam } from '../../src/dsp/nam/index.ts';
import { paramIndex } from '../../src/dsp/rig/registry.ts';
import { synthesizeDiClip } from '../../src/dsp/synth/karplus-strong.ts';
import type { NativeAudioApi } from '../../src/dsp/engine/native/audio-entry.ts';
import type { NativeGraphApi } from '../../src/dsp/engine/native/graph-entry.ts';
import type { NativeRigAudio } from '../../src/dsp/engine/native/native-rig-audio.ts';
import type { NativeRigGraph } from '../../src/dsp/engine/native/native-rig-graph.ts';
import { MODELS_DIR } from '../helpers/fixtures.ts';
import { nodeLedger } from '../helpers/node-ledger.ts';

const ROOT = join(__dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'nam-rig-engine-bundle-'));
const RATE = 48000;
const BLOCK = 128;
const logs: string[] = [];

function load<T>(file: string, global: string): T {
  const ctx = vm.createContext({ console: { log: (...a: unknown[]) => logs.push(a.join(' ')), warn: () => undefined, error: (...a: unknown[]) => logs.push(a.join(' ')) } });
  vm.runInContext(readFileSync(join(out, file), 'utf8'), ctx, { filename: file });
  return (ctx as Record<string, unknown>)[global] as T;
}

/** Moves the graph's pending ops to the audio side as the C++ host does (text + copied floats). */
function pump(graph: NativeRigGraph, audio: NativeRigAudio): void {
  const ops = graph.takeOps();
  if (ops) audio.apply(ops.text, ops.resources.map((r) => Float32Array.from(r)));
}

/** Hands `waiting` audio-side answers to the graph side, then its ops back (the host's timer does this). */
function exchange(graph: NativeRigGraph, audio: NativeRigAudio, waiting: number): void {
  for (let i = 0; i < waiting; i++) {
    const e = audio.takeEvent(16_384);
    if (e !== '') graph.handleAudioEvent(e);
  }
  pump(graph, audio);
}

function render(audio: NativeRigAudio, x: Float32Array, graph?: NativeRigGraph): Float32Array {
  const y = new Float32Array(x.length);
  audio.input.fill(0);
  for (let left = Math.round(RIG_PREROLL_SECONDS * RATE); left > 0; left -= BLOCK) {
    const waiting = audio.process(Math.min(left, BLOCK), false);
    if (graph) exchange(graph, audio, waiting);
  }
  for (let at = 0; at < x.length; at += BLOCK) {
    const n = Math.min(BLOCK, x.length - at);
    audio.input.set(x.subarray(at, at + n));
    const waiting = audio.process(n, false);
    if (graph) exchange(graph, audio, waiting);
    y.set(audio.output.subarray(0, n), at);
  }
  return y;
}

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('native engine bundles in bare V8 contexts', () => {
  let audioApi: NativeAudioApi;
  let graphApi: NativeGraphApi;
  const modelText = readFileSync(join(MODELS_DIR, 'jc.nam'), 'utf8');
  const irWav = decodeWav(new Uint8Array(readFileSync(join(ROOT, 'presets/irs/nam-rig-2x12-closed.wav'))));
  const ir = { samples: mixToMono(irWav.channels), sampleRate: irWav.sampleRate };
  const clip = synthesizeDiClip({ sampleRate: RATE, seconds: 1, seed: 5 });
  const knobs = { 'tone.bass': 7, 'gate.threshold': -55, 'output.gain': -2 };

  beforeAll(async () => {
    await buildNativeEngine(out);
    audioApi = load<NativeAudioApi>('audio.js', 'namRigAudio');
    graphApi = load<NativeGraphApi>('graph.js', 'namRigGraph');
  });

  /** A graph and audio side connected as the host connects them, four blocks played, no model yet. */
  function playingWithoutModel(): { graph: NativeRigGraph; audio: NativeRigAudio } {
    const graph = graphApi.create(RATE);
    graph.prepare(RATE, BLOCK);
    const audio = audioApi.create(RATE, BLOCK);
    pump(graph, audio);
    for (let b = 0; b < 4; b++) exchange(graph, audio, audio.process(BLOCK, false));
    return { graph, audio };
  }

  it('writes the host parameters from the registry', () => {
    const params = JSON.parse(readFileSync(join(out, 'params.json'), 'utf8')) as NativeParam[];
    expect(params.map((p) => p.id)).toEqual(paramIndex().map((p) => p.id));
    const mode = params.find((p) => p.id === 'output.mode')!;
    expect(mode.kind).toBe('choice');
    expect(mode.options).toEqual(['Raw', 'Normalized', 'Calibrated']);
    expect(params.find((p) => p.id === 'gate.enabled')!.kind).toBe('bool');
  });

  it('renders what the CLI renders for the same model, IR and knobs, through UI messages across two contexts', () => {
    const graph = graphApi.create(RATE);
    graph.prepare(RATE, BLOCK);
    const audio = audioApi.create(RATE, BLOCK);
    pump(graph, audio);
    const irBytes = new Uint8Array(ir.samples.buffer, ir.samples.byteOffset, ir.samples.byteLength);
    graph.handleUiMessage(JSON.stringify({ type: 'model', name: 'jc.nam', text: modelText }));
    graph.handleUiMessage(JSON.stringify({ type: 'ir', name: 'closed.wav', sampleRate: ir.sampleRate, samples: Buffer.from(irBytes).toString('base64') }));
    for (const [id, value] of Object.entries(knobs)) graph.handleUiMessage(JSON.stringify({ type: 'param', id, value }));
    pump(graph, audio);
    const messages = graph.takeUiMessages().map((m) => JSON.parse(m) as { type: string });
    expect(messages.filter((m) => m.type === 'error')).toEqual([]);
    expect(messages.map((m) => m.type)).toEqual(['modelInfo', 'irInfo']);
    expect(JSON.parse(graph.takeHostChanges())).toEqual({ params: Object.entries(knobs) });

    const expected = renderOffline(parseNam(modelText), clip, RATE, { raw: false, fastTanh: false, prewarm: true, block: BLOCK, knobs, ir }).output;
    const actual = render(audio, clip, graph); // the model builds in steps during the pre-roll
    expect(maxAbsDiff(actual, expected)).toBeLessThan(1e-6);
    expect(Math.max(...actual.map(Math.abs))).toBeGreaterThan(0.01);
  });

  it('compiles real-signal paths on a scratch rig without changing what the engine renders (warmUpWithSignal)', () => {
    const graph = graphApi.create(RATE);
    graph.handleUiMessage(JSON.stringify({ type: 'model', name: 'jc.nam', text: modelText }));
    graph.prepare(RATE);
    const first = graph.takeOps()!;
    const audio = audioApi.create(RATE, BLOCK);
    audio.apply(first.text, first.resources.map((r) => Float32Array.from(r)));
    audio.warmUpWithSignal(200, first.text, first.resources.map((r) => Float32Array.from(r)));
    audio.warmUp(100);
    const expected = renderOffline(parseNam(modelText), clip, RATE, { raw: false, fastTanh: false, prewarm: true, block: BLOCK }).output;
    expect(maxAbsDiff(render(audio, clip), expected)).toBeLessThan(1e-6);
  });

  it('saves a state that restores the same sound in a fresh pair of contexts, and answers hello with it', () => {
    const a = graphApi.create(RATE);
    a.handleUiMessage(JSON.stringify({ type: 'model', name: 'jc.nam', text: modelText }));
    a.setParamFromHost('tone.mid', 2.5);
    const state = a.getState();
    expect(JSON.parse(state)).toMatchObject({ format: 'nam-rig-preset', params: { 'tone.mid': 2.5 }, model: { embedded: { fileName: 'jc.nam' } } });

    const b = graphApi.create(RATE);
    b.setState(state);
    b.prepare(RATE);
    const audio = audioApi.create(RATE, BLOCK);
    pump(b, audio);
    b.takeUiMessages();
    b.handleUiMessage(JSON.stringify({ type: 'hello' }));
    const hello = b.takeUiMessages().map((m) => JSON.parse(m) as { type: string; id?: string; value?: number });
    expect(hello.find((m) => m.id === 'tone.mid')?.value).toBe(2.5);
    expect(hello.some((m) => m.type === 'modelInfo')).toBe(true);

    const expected = renderOffline(parseNam(modelText), clip, RATE, { raw: false, fastTanh: false, prewarm: true, block: BLOCK, knobs: { 'tone.mid': 2.5 } }).output;
    expect(maxAbsDiff(render(audio, clip), expected)).toBeLessThan(1e-6);
  });

  it('swaps models while playing without a silent block, then sounds as the new model alone (stepped build, levels after the answer)', () => {
    const graph = graphApi.create(RATE);
    graph.prepare(RATE, BLOCK);
    const audio = audioApi.create(RATE, BLOCK);
    pump(graph, audio);
    const x = synthesizeDiClip({ sampleRate: RATE, seconds: 3, seed: 11 });
    const steady = Float32Array.from({ length: x.length }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 110 * i) / RATE) + 0.5 * x[i]!);
    const swapAt = 80;
    const y = new Float32Array(steady.length);
    let loadedAt = -1;
    for (let b = 0; b * BLOCK < steady.length; b++) {
      audio.input.set(steady.subarray(b * BLOCK, (b + 1) * BLOCK));
      if (b === swapAt) {
        graph.handleUiMessage(JSON.stringify({ type: 'model', name: 'jc.nam', text: modelText }));
        pump(graph, audio);
      }
      const waiting = audio.process(BLOCK, false);
      if (waiting > 0 && loadedAt < 0) loadedAt = b;
      exchange(graph, audio, waiting);
      y.set(audio.output.subarray(0, BLOCK), b * BLOCK);
    }
    expect(graph.takeUiMessages().map((m) => JSON.parse(m) as { type: string }).filter((m) => m.type === 'error')).toEqual([]);
    expect(loadedAt, 'the build took several blocks (stepped), and ended').toBeGreaterThan(swapAt + 2);
    let quietest = Infinity;
    for (let b = swapAt - 5; b < loadedAt + 40; b++) quietest = Math.min(quietest, y.subarray(b * BLOCK, (b + 1) * BLOCK).reduce((m, v) => m + v * v, 0));
    expect(quietest, 'no block around the swap is silent').toBeGreaterThan(1e-4);
    // After the crossfade, the receptive field and the IR-less post chain settled: the new model's render.
    const expected = renderOffline(parseNam(modelText), steady, RATE, { raw: false, fastTanh: false, prewarm: true, block: BLOCK }).output;
    const from = steady.length - RATE;
    expect(maxAbsDiff(y.subarray(from), expected.subarray(from))).toBeLessThan(1e-5);
    console.log(`stepped model swap: ${loadedAt - swapAt} blocks from the op to the loaded answer`);
  });

  it('shows a build under way in buildState, and a held block runs no build step (the host collects garbage there)', () => {
    const { graph, audio } = playingWithoutModel();
    expect(audio.buildState[0], 'no build before the model op').toBe(0);
    graph.handleUiMessage(JSON.stringify({ type: 'model', name: 'jc.nam', text: modelText }));
    pump(graph, audio);
    expect(audio.buildState[0], 'the model op begins a build').toBe(2);
    // Held blocks: no step runs, so the build never ends however long the host holds it.
    for (let b = 0; b < 50; b++) {
      expect(audio.process(BLOCK, false, true), 'no loaded answer while held').toBe(0);
      expect(audio.buildState[1], 'no step ran').toBe(0);
    }
    expect(audio.buildState[0], 'begun, no step yet').toBe(2);
    audio.process(BLOCK, false);
    expect(audio.buildState[0], 'under way').toBe(1);
    expect(audio.buildState[1], 'its first step ran').toBeGreaterThan(0);
    // Released: it ends in the usual few steps, and the state says so.
    let steps = 0;
    let answered = 0;
    while (answered === 0 && steps < 100) {
      answered = audio.process(BLOCK, false);
      steps++;
    }
    expect(answered).toBeGreaterThan(0);
    expect(JSON.parse(audio.takeEvent(16_384)) as { type: string }).toMatchObject({ type: 'loaded' });
    expect(steps, 'a few bounded steps').toBeGreaterThan(2);
    expect(audio.buildState[0], 'no build after the answer').toBe(0);
  });

  it('holds a build step in a block that applies graph changes first, never two blocks in a row; flushOps applies them at once', () => {
    const { graph, audio } = playingWithoutModel();
    graph.handleUiMessage(JSON.stringify({ type: 'model', name: 'jc.nam', text: modelText }));
    pump(graph, audio);
    audio.process(BLOCK, false);
    expect(audio.buildState[0], 'under way').toBe(1);
    // A knob turned before every block (automation): the steps still run, every other block.
    const ran: boolean[] = [];
    let answered = 0;
    for (let b = 0; b < 200 && answered === 0; b++) {
      graph.setParamFromHost('tone.bass', 3 + (b % 5));
      pump(graph, audio);
      answered = audio.process(BLOCK, false);
      ran.push(audio.buildState[1] > 0);
    }
    expect(answered, 'the load completes under automation').toBeGreaterThan(0);
    expect(ran.slice(0, 6)).toEqual([false, true, false, true, false, true]);
    expect(JSON.parse(audio.takeEvent(16_384)) as { type: string }).toMatchObject({ type: 'loaded' });
    // flushOps (the host, after a heavy group): the changes are applied then, so the next block steps.
    graph.handleUiMessage(JSON.stringify({ type: 'model', name: 'jc.nam', text: modelText }));
    pump(graph, audio);
    audio.process(BLOCK, false);
    graph.setParamFromHost('tone.bass', 6);
    pump(graph, audio);
    audio.flushOps();
    audio.process(BLOCK, false);
    expect(audio.buildState[1], 'a step ran: nothing was left to apply').toBeGreaterThan(0);
  });

  it('model swaps with different level metadata create no Elementary nodes on the audio side; node gc round trips still run', () => {
    const graph = graphApi.create(RATE);
    graph.prepare(RATE, BLOCK);
    const audio = audioApi.create(RATE, BLOCK);
    // The audio side's runtimes, reached through the bundle's objects (private in TypeScript).
    const engine = (audio as unknown as { audio: { engine: { pre: Spied; post: Spied } } }).audio.engine;
    type Spied = { applyBatch(batch: unknown[][]): void; gc(): number[] };
    const { ledger } = nodeLedger(engine.pre, engine.post);
    let gcRuns = 0;
    const preGc = engine.pre.gc.bind(engine.pre);
    engine.pre.gc = () => {
      gcRuns++;
      return preGc();
    };
    pump(graph, audio);
    for (let b = 0; b < 4; b++) exchange(graph, audio, audio.process(BLOCK, false));
    const first = ledger.created;
    expect(first, 'the first render').toBeGreaterThan(100);
    const base = JSON.parse(modelText) as { metadata?: Record<string, unknown> };
    for (let i = 1; i <= 24; i++) {
      const metadata = { ...base.metadata, loudness: -20 - i / 10, ...(i % 2 ? { input_level_dbu: 12 } : {}) };
      graph.handleUiMessage(JSON.stringify({ type: 'model', name: `v${i}.nam`, text: JSON.stringify({ ...base, metadata }) }));
      pump(graph, audio);
      for (let b = 0; b < 150; b++) exchange(graph, audio, audio.process(BLOCK, false));
    }
    expect(graph.takeUiMessages().map((m) => JSON.parse(m) as { type: string }).filter((m) => m.type === 'error')).toEqual([]);
    // The levels are refs: a swap changes properties, never the graphs' nodes.
    expect(ledger.created, 'no node created by the swaps').toBe(first);
    expect(ledger.freed).toBe(0);
    // Each swap still re-renders (for blocks that read ctx.model), so the gc round trip keeps running.
    expect(gcRuns, 'gc ops reached the audio side').toBeGreaterThan(2);
  });

  it('refuses a bad model or a state that does not embed its model with an error, keeping what plays', () => {
    const g = graphApi.create(RATE);
    expect(g.takeOps()).not.toBeNull(); // the first render
    g.handleUiMessage(JSON.stringify({ type: 'model', name: 'bad.nam', text: '{"architecture":"WaveNet"' }));
    const [err] = g.takeUiMessages().map((m) => JSON.parse(m) as { type: string; error: { source: string; message: string } });
    expect(err).toMatchObject({ type: 'error', error: { source: 'model' } });
    expect(g.takeOps()).toBeNull();
    const state = JSON.parse(g.getState()) as Record<string, unknown>;
    state['model'] = { ref: { sha256: 'a'.repeat(64), fileName: 'elsewhere.nam' } };
    expect(() => g.setState(JSON.stringify(state))).toThrow(/elsewhere\.nam.*embedded/);
  });
});
