/**
 * The plugin's engine bundles (scripts/build-native-engine.ts) in bare V8 contexts (node:vm: no Node
 * globals, no DOM, like the plugin's embedded isolates), one context per isolate as in the plugin: the
 * graph bundle's op groups, moved as text + Float32Arrays, drive the audio bundle, whose output must
 * equal the CLI's offline render (`renderOffline`) of the same model, IR and knobs. Also: the generated
 * parameter list follows the registry, bridge messages are answered, and a saved state restores.
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

function render(audio: NativeRigAudio, x: Float32Array): Float32Array {
  const y = new Float32Array(x.length);
  audio.input.fill(0);
  for (let left = Math.round(RIG_PREROLL_SECONDS * RATE); left > 0; left -= BLOCK) audio.process(Math.min(left, BLOCK), false);
  for (let at = 0; at < x.length; at += BLOCK) {
    const n = Math.min(BLOCK, x.length - at);
    audio.input.set(x.subarray(at, at + n));
    audio.process(n, false);
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
    graph.prepare(RATE);
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
    const actual = render(audio, clip);
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
