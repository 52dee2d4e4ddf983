/**
 * The rig's AudioWorkletProcessor: the whole engine (Elementary pre graph → NAM model → Elementary
 * post graph, `RigEngine`) and its control side (`RigController`) in ONE processor.
 *
 * Loaded with `audioWorklet.addModule(url)` where `url` comes from
 * `import url from '…/rig-processor.ts?worker&url'` (Vite bundles it, with the Elementary glue from
 * the `virtual:nam-rig/elementary-glue` module, see vite-plugin.ts).
 *
 * Where the graphs are built — the trade-off: `RigController` builds graphs and models inside this
 * processor, in its port's message handler. That handler runs on the audio thread between render
 * quanta, so a model change (parse, build, prewarm: a few ms to tens of ms for a big WaveNet) or an
 * IR load can make one or more quanta late (a dropout) at the moment it is applied; knob moves are
 * ref updates (small batches) and cost little. The alternative — building Elementary graphs on the
 * main thread and posting the instruction batches (graph-renderer.ts batches survive structured
 * clone) — keeps graph allocation off the audio thread, but the NAM model (wasm memory) must still
 * be built here, so it needs a second controller split in two; kept for later. The steady-state
 * `process` path allocates nothing (rig-engine.ts); meters allocate a little ~30 times a second.
 *
 * Everything in `processorOptions` (model text, IR, params) is applied in the constructor, so the
 * first quantum already runs the full rig: an OfflineAudioContext render matches the Node engine's
 * `RigController` render of the same settings from sample 0.
 */
import glue from 'virtual:nam-rig/elementary-glue';
import { createElementaryModule } from '../elementary-runtime.ts';
import { RigController } from '../rig-controller.ts';
import { isMeterEvent } from '../elementary-processor.ts';
import { RIG_BLOCK_SIZE, RIG_PROCESSOR_NAME, type FromProcessor, type RigProcessorOptions, type ToProcessor } from './protocol.ts';

// AudioWorkletGlobalScope (not in TypeScript's DOM lib).
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: unknown);
}
declare function registerProcessor(name: string, ctor: new (options: { processorOptions?: RigProcessorOptions }) => AudioWorkletProcessor): void;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim() || 'unknown error';

class RigProcessor extends AudioWorkletProcessor {
  private controller: RigController | null = null;
  private bypass = false;
  private readonly silence = new Float32Array(RIG_BLOCK_SIZE);
  private readonly meterEvery: number;
  private blocks = 0;
  private inPeak = 0;
  private outPeak = 0;

  constructor(options: { processorOptions?: RigProcessorOptions }) {
    super();
    const o = options.processorOptions ?? {};
    const hz = o.meterHz ?? 30;
    this.meterEvery = hz > 0 ? Math.max(1, Math.min(31, Math.round(sampleRate / RIG_BLOCK_SIZE / hz))) : 0;
    this.port.onmessage = (e: MessageEvent<ToProcessor>) => this.onMessage(e.data);
    let module;
    try {
      module = createElementaryModule(glue);
    } catch (e) {
      this.post({ type: 'error', id: null, source: 'engine', message: `the Elementary runtime did not start: ${message(e)}` });
      return;
    }
    const base = { sampleRate, maxBlockSize: RIG_BLOCK_SIZE, params: o.params ?? {}, kernels: o.kernels ?? 'auto', module } as const;
    try {
      this.controller = new RigController({ ...base, ...(o.modelText !== undefined ? { model: o.modelText } : {}) });
    } catch (e) {
      if (o.modelText === undefined) {
        this.post({ type: 'error', id: null, source: 'engine', message: message(e) });
        return;
      }
      this.post({ type: 'error', id: null, source: 'model', message: message(e) });
      try {
        this.controller = new RigController(base);
      } catch (e2) {
        this.post({ type: 'error', id: null, source: 'engine', message: message(e2) });
        return;
      }
    }
    if (o.ir) {
      try {
        this.controller.loadIr(o.ir.samples, o.ir.sampleRate);
      } catch (e) {
        this.post({ type: 'error', id: null, source: 'ir', message: message(e) });
      }
    }
    this.post({ type: 'ready', kernels: this.controller.model?.kernels ?? null });
  }

  private post(m: FromProcessor): void {
    this.port.postMessage(m);
  }

  private onMessage(m: ToProcessor): void {
    if (m.type === 'bypass') {
      this.bypass = m.on;
      return;
    }
    const c = this.controller;
    const source = m.type === 'param' ? 'param' : m.type;
    if (c === null) {
      this.post({ type: 'error', id: m.id, source, message: 'the audio engine is not running' });
      return;
    }
    try {
      switch (m.type) {
        case 'model':
          c.setModel(m.text);
          this.post({ type: 'loaded', id: m.id, what: 'model' });
          break;
        case 'ir':
          c.loadIr(m.samples, m.sampleRate);
          this.post({ type: 'loaded', id: m.id, what: 'ir' });
          break;
        case 'param':
          this.post({ type: 'param', id: m.id, param: m.param, value: c.setParam(m.param, m.value) });
          break;
      }
    } catch (e) {
      this.post({ type: 'error', id: m.id, source, message: message(e) });
    }
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0];
    const y = out?.[0];
    if (y === undefined) return true;
    const n = y.length;
    const x = inputs[0]?.[0] ?? (n <= RIG_BLOCK_SIZE ? this.silence : new Float32Array(n));
    const c = this.controller;
    if (c === null || this.bypass) {
      if (c === null && !this.bypass) y.fill(0);
      else y.set(x.subarray(0, n));
      if (this.meterEvery > 0) {
        let p = this.inPeak;
        for (let i = 0; i < n; i++) p = Math.max(p, Math.abs(x[i]!));
        this.inPeak = p;
        this.outPeak = Math.max(this.outPeak, c === null && !this.bypass ? 0 : p);
      }
    } else {
      for (let at = 0; at < n; at += RIG_BLOCK_SIZE) {
        const len = Math.min(RIG_BLOCK_SIZE, n - at);
        if (at === 0 && len === n) c.engine.process(x, y, n);
        else c.engine.process(x.subarray(at, at + len), y.subarray(at, at + len), len);
      }
    }
    for (let ch = 1; ch < out!.length; ch++) out![ch]!.set(y);
    if (this.meterEvery > 0 && ++this.blocks >= this.meterEvery) {
      this.blocks = 0;
      this.postMeters();
    }
    return true;
  }

  /** Peaks since the previous post: the graphs' meter events when the rig runs, else the JS peaks. */
  private postMeters(): void {
    const c = this.controller;
    if (c !== null) {
      // Always drain the runtimes' queues (they hold 32 events); use them only when not bypassed.
      for (const e of [...c.engine.pre.pollEvents(), ...c.engine.post.pollEvents()]) {
        if (this.bypass || !isMeterEvent(e)) continue;
        const peak = Math.max(Math.abs(e.event.min), Math.abs(e.event.max));
        if (e.event.source === 'in') this.inPeak = Math.max(this.inPeak, peak);
        else if (e.event.source === 'out') this.outPeak = Math.max(this.outPeak, peak);
      }
    }
    this.post({ type: 'meters', in: this.inPeak, out: this.outPeak });
    this.inPeak = this.outPeak = 0;
  }
}

registerProcessor(RIG_PROCESSOR_NAME, RigProcessor);
