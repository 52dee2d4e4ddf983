/**
 * The AudioWorklet transport's main-thread side against a fake AudioContext and AudioWorkletNode:
 * message protocol, queueing before the worklet is up, model info / errors / meters back to the UI,
 * input routing (DI file loop, none), resume on a user gesture. The real worklet runs in the
 * Chromium e2e test (e2e-audio.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FromProcessor, RigProcessorOptions, ToProcessor } from '../../src/dsp/engine/worklet/protocol.ts';
import { RIG_PROCESSOR_NAME } from '../../src/dsp/engine/worklet/protocol.ts';
import { createWorkletTransport } from '../../src/ui/worklet-transport.ts';
import type { ModelInfo, TransportError } from '../../src/ui/transport.ts';

const MODEL = readFileSync(join(resolve(__dirname, '../..'), 'presets/models/nam-rig-default.nam'), 'utf8');

class FakeNode {
  readonly connections: unknown[] = [];
  disconnected = 0;
  connect(to: unknown): void {
    this.connections.push(to);
  }
  disconnect(): void {
    this.disconnected++;
  }
}

class FakeWorkletNode extends FakeNode {
  static last: FakeWorkletNode | null = null;
  readonly sent: ToProcessor[] = [];
  readonly transfers: unknown[][] = [];
  readonly port = {
    onmessage: null as ((e: { data: FromProcessor }) => void) | null,
    postMessage: (m: ToProcessor, transfer: unknown[] = []) => {
      this.sent.push(m);
      this.transfers.push(transfer);
    },
  };
  constructor(
    readonly context: unknown,
    readonly name: string,
    readonly options: unknown,
  ) {
    super();
    FakeWorkletNode.last = this;
  }
  reply(m: FromProcessor): void {
    this.port.onmessage?.({ data: m });
  }
}

class FakeBufferSource extends FakeNode {
  buffer: unknown = null;
  loop = false;
  started = 0;
  stopped = 0;
  start(): void {
    this.started++;
  }
  stop(): void {
    this.stopped++;
  }
}

function fakeContext() {
  const sources: FakeBufferSource[] = [];
  let loaded: () => void = () => undefined;
  const ctx = {
    state: 'suspended' as AudioContextState,
    sampleRate: 48000,
    destination: new FakeNode(),
    resumed: 0,
    modules: [] as string[],
    sources,
    audioWorklet: {
      addModule: (url: string) => {
        ctx.modules.push(url);
        return new Promise<void>((r) => (loaded = r));
      },
    },
    finishLoading: () => loaded(),
    resume: async () => {
      ctx.resumed++;
      ctx.state = 'running';
    },
    close: async () => undefined,
    createBuffer: (channels: number, length: number, sampleRate: number) => ({ channels, length, sampleRate, copyToChannel: () => undefined }),
    createBufferSource: () => {
      const s = new FakeBufferSource();
      sources.push(s);
      return s;
    },
    createMediaStreamSource: () => new FakeNode(),
  };
  return ctx;
}

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

describe('worklet transport', () => {
  const saved = (globalThis as { AudioWorkletNode?: unknown }).AudioWorkletNode;
  beforeEach(() => {
    (globalThis as { AudioWorkletNode?: unknown }).AudioWorkletNode = FakeWorkletNode;
    FakeWorkletNode.last = null;
  });
  afterEach(() => {
    (globalThis as { AudioWorkletNode?: unknown }).AudioWorkletNode = saved;
  });

  it('queues commands until the worklet is up, then delivers them in order', async () => {
    const ctx = fakeContext();
    const t = createWorkletTransport({ context: ctx as unknown as AudioContext, gestureTarget: null });
    t.setParam('tone.bass', 7);
    t.setBypass(true);
    t.loadIr(Float32Array.of(1, 0.5), 44100, 'ir.wav');
    expect(FakeWorkletNode.last).toBeNull();
    ctx.finishLoading();
    await t.ready;
    const node = FakeWorkletNode.last!;
    expect(ctx.modules).toHaveLength(1);
    expect(node.name).toBe(RIG_PROCESSOR_NAME);
    expect(node.connections).toEqual([ctx.destination]);
    // The graphs are built here: the worklet gets their first render in processorOptions, then ops.
    const initial = (node.options as { processorOptions: RigProcessorOptions }).processorOptions.ops ?? [];
    expect(initial.map((o) => o.kind)).toContain('batch');
    expect(initial[0]).toMatchObject({ kind: 'resource', target: 'post', key: 'rig/ir/identity' });
    expect(node.sent.map((m) => m.type)).toEqual(['ops', 'bypass', 'ops']);
    const ops = (i: number) => (node.sent[i] as Extract<ToProcessor, { type: 'ops' }>).ops;
    expect(ops(0).every((o) => o.kind === 'batch')).toBe(true); // a ref update, no re-render
    expect(ops(0).some((o) => o.kind === 'batch' && JSON.stringify(o.batch).includes('7'))).toBe(true);
    // The IR is stored under a fresh key (resampled here), then the cab re-rendered.
    expect(ops(2)[0]).toMatchObject({ kind: 'resource', target: 'post', key: 'rig/ir/1' });
    expect(ops(2).at(-1)).toMatchObject({ kind: 'prune', target: 'post' });
    t.setParam('output.gain', -3);
    expect(node.sent.at(-1)).toMatchObject({ type: 'ops' });
  });

  it('reports a bad parameter as a param error without sending anything', async () => {
    const ctx = fakeContext();
    const t = createWorkletTransport({ context: ctx as unknown as AudioContext, gestureTarget: null });
    const errors: TransportError[] = [];
    t.onError((e) => errors.push(e));
    ctx.finishLoading();
    await t.ready;
    const node = FakeWorkletNode.last!;
    t.setParam('tone.bsas' as never, 1);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.source).toBe('param');
    expect(node.sent).toEqual([]);
  });

  it('answers a model load with model info, a failed one with an error naming it; forwards meters', async () => {
    const ctx = fakeContext();
    const t = createWorkletTransport({ context: ctx as unknown as AudioContext, gestureTarget: null });
    const infos: ModelInfo[] = [];
    const errors: TransportError[] = [];
    const meters: number[][] = [];
    t.onModelInfo((i) => infos.push(i));
    t.onError((e) => errors.push(e));
    t.onMeters((m) => meters.push([m.in, m.out]));
    ctx.finishLoading();
    await t.ready;
    const node = FakeWorkletNode.last!;
    t.loadModel(MODEL, 'default.nam');
    // Parsed and sized here; posted parsed, the weights' buffer transferred (not the text).
    const first = node.sent.at(-1) as Extract<ToProcessor, { type: 'model' }>;
    expect(first.type).toBe('model');
    expect(first).not.toHaveProperty('text');
    expect(first.file.architecture).toBe('WaveNet');
    expect(first.file.weights).toBeInstanceOf(Float32Array);
    expect(first.file.weights.length).toBe((JSON.parse(MODEL) as { weights: unknown[] }).weights.length);
    expect(first.arenaBytes).toBeGreaterThan(65536);
    expect(node.transfers.at(-1)).toEqual([first.file.weights.buffer]);
    // The context is suspended (no process() calls, so no build steps): the worklet builds it at once.
    expect(first.immediate).toBe(true);
    const before = node.sent.length;
    node.reply({ type: 'loaded', id: first.id, what: 'model' });
    expect(infos).toHaveLength(1);
    // The graphs are re-rendered here for the model's level metadata and the batches posted.
    expect(node.sent.slice(before).map((m) => m.type)).toEqual(['ops']);
    expect(infos[0]!.architecture).toBe('WaveNet');
    expect(infos[0]!.weights).toBe(first.file.weights.length);

    // A file that does not parse, or whose weights do not fit its config, is refused here: nothing is posted.
    const sentBefore = node.sent.length;
    t.loadModel('{}', 'bad.nam');
    const short = JSON.parse(MODEL) as { weights: number[] };
    short.weights.pop();
    t.loadModel(JSON.stringify(short), 'short.nam');
    expect(node.sent.length).toBe(sentBefore);
    expect(errors.map((e) => e.source)).toEqual(['model', 'model']);
    expect(errors[0]!.message).toMatch(/^bad\.nam: .*version/);
    expect(errors[1]!.message).toMatch(/^short\.nam: weights: this config needs \d+ values, the file has \d+/);

    // A build failing in the worklet comes back as an error naming the file.
    errors.length = 0;
    t.loadModel(MODEL, 'other.nam');
    const third = node.sent.at(-1) as { id: number };
    node.reply({ type: 'error', id: third.id, source: 'model', message: 'the model does not build' });
    expect(errors).toEqual([{ source: 'model', message: 'other.nam: the model does not build' }]);

    node.reply({ type: 'meters', in: 0.5, out: 0.25 });
    expect(meters).toEqual([[0.5, 0.25]]);
  });

  it('drops a model superseded while building; only the newer one is announced', async () => {
    const ctx = fakeContext();
    const t = createWorkletTransport({ context: ctx as unknown as AudioContext, gestureTarget: null });
    const infos: ModelInfo[] = [];
    const errors: TransportError[] = [];
    t.onModelInfo((i) => infos.push(i));
    t.onError((e) => errors.push(e));
    await t.resume(); // rendering: the worklet builds in steps between quanta
    t.loadModel(MODEL, 'a.nam'); // queued before the worklet is up, with its transfer list
    ctx.finishLoading();
    await t.ready;
    const node = FakeWorkletNode.last!;
    t.loadModel(MODEL, 'b.nam');
    const [a, b] = node.sent.filter((m): m is Extract<ToProcessor, { type: 'model' }> => m.type === 'model');
    expect([a!.immediate, b!.immediate]).toEqual([undefined, undefined]);
    expect(node.transfers[node.sent.indexOf(a!)]).toEqual([a!.file.weights.buffer]);
    node.reply({ type: 'superseded', id: a!.id });
    node.reply({ type: 'loaded', id: a!.id, what: 'model' }); // stale: ignored
    node.reply({ type: 'loaded', id: b!.id, what: 'model' });
    expect(infos.map((i) => i.fileName)).toEqual(['b.nam']);
    expect(errors).toEqual([]);
  });

  it('collects Elementary nodes in the worklet after renders; holds renders until the freed ids are back', async () => {
    const ctx = fakeContext();
    const t = createWorkletTransport({ context: ctx as unknown as AudioContext, gestureTarget: null, gcEveryRenders: 2 });
    const errors: TransportError[] = [];
    t.onError((e) => errors.push(e));
    ctx.finishLoading();
    await t.ready;
    const node = FakeWorkletNode.last!;
    const opsOf = (i: number) => (node.sent[i] as Extract<ToProcessor, { type: 'ops' }>).ops;
    const kinds = (i: number) => opsOf(i).map((o) => o.kind);
    t.loadIr(Float32Array.of(1, 0.5), 48000, 'a.wav'); // one render of the post graph
    expect(kinds(0)).not.toContain('gc');
    t.loadIr(Float32Array.of(1, 0.25), 48000, 'b.wav'); // the second: a gc round trip starts
    expect(kinds(1).slice(-2)).toEqual(['gc', 'gc']);
    expect(opsOf(1).slice(-2).map((o) => o.target)).toEqual(['pre', 'post']);
    // While the answer is awaited an IR load sends only its VFS entry: the render waits.
    t.loadIr(Float32Array.of(1, 0.125), 48000, 'c.wav');
    expect(kinds(2)).toEqual(['resource']);
    node.reply({ type: 'pruned', target: 'pre', ids: [] });
    expect(node.sent).toHaveLength(3);
    node.reply({ type: 'pruned', target: 'post', ids: [123456] });
    // The held render, the cab crossfade's ref update and the VFS prune follow, in that order.
    expect(kinds(3)[0]).toBe('batch');
    expect(kinds(3).at(-1)).toBe('prune');
    // An answer nobody asked for is reported, not thrown.
    node.reply({ type: 'pruned', target: 'post', ids: [] });
    expect(errors).toEqual([{ source: 'engine', message: 'no node gc of the post graph is awaited' }]);
  });

  it('plays a DI file into the worklet, updates its loop flag, stops on none', async () => {
    const ctx = fakeContext();
    const t = createWorkletTransport({ context: ctx as unknown as AudioContext, gestureTarget: null });
    const file = { kind: 'file', name: 'di.wav', samples: new Float32Array(480), sampleRate: 48000, loop: true, playing: true } as const;
    t.setInput(file);
    expect(ctx.sources).toHaveLength(1);
    const src = ctx.sources[0]!;
    expect(src.loop).toBe(true);
    expect(src.started).toBe(1);
    expect(src.connections).toEqual([]); // connected once the node exists
    ctx.finishLoading();
    await t.ready;
    expect(src.connections).toEqual([FakeWorkletNode.last]);
    t.setInput({ ...file, loop: false });
    expect(ctx.sources).toHaveLength(1);
    expect(src.loop).toBe(false);
    t.setInput({ kind: 'none' });
    expect(src.stopped).toBe(1);
    expect(src.disconnected).toBe(1);
    expect(ctx.resumed).toBeGreaterThan(0);
  });

  it('resumes the context on the first user gesture', async () => {
    const ctx = fakeContext();
    const target = new EventTarget();
    createWorkletTransport({ context: ctx as unknown as AudioContext, gestureTarget: target });
    expect(ctx.resumed).toBe(0);
    target.dispatchEvent(new Event('pointerdown'));
    await flush();
    expect(ctx.state).toBe('running');
    expect(ctx.resumed).toBe(1);
  });
});
