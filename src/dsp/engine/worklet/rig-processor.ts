/**
 * The rig's AudioWorkletProcessor: the audio side of the engine (`RigAudio`: Elementary pre graph →
 * NAM model → Elementary post graph in a `RigEngine`).
 *
 * Loaded with `audioWorklet.addModule(url)` where `url` comes from
 * `import url from '…/rig-processor.ts?worker&url'` (Vite bundles it, with the Elementary glue from
 * the `virtual:nam-rig/elementary-glue` module, see vite-plugin.ts).
 *
 * No graph is built here: the main thread runs the graph side (`RigGraphs`, src/ui/worklet-transport.ts)
 * and posts its ops (instruction batches, VFS entries, prunes); the port handler only queues them on the
 * engine, which applies them between quanta. The NAM model (wasm memory) must live here: a `model`
 * message carries the file already parsed and validated on the main thread, and the port handler only
 * starts a `ModelBuildJob`. After each quantum's audio, `process` runs one bounded step of it (sizing,
 * memory, layer objects, a slice of weight packing, prewarm …, each well under a quantum) while the
 * old model keeps playing; when it is ready it is queued and crossfades in, and `loaded` is posted
 * (the main thread then sets the graphs' level refs for the model's level metadata and posts those ops).
 * Node gc (`gc` ops from the graph side) runs with the other ops; the freed ids go back in `pruned`.
 * The steady-state `process` path allocates nothing (rig-engine.ts); build steps and meters allocate
 * a bounded amount.
 *
 * Everything in `processorOptions` (first model, first graph ops) is applied in the constructor, so the
 * first quantum already runs the full rig: an OfflineAudioContext render matches the Node engine's
 * `RigController` render of the same settings from sample 0.
 */
import glue from 'virtual:nam-rig/elementary-glue';
import { createElementaryModule } from '../elementary-runtime.ts';
import { RigAudio } from '../rig-audio.ts';
import { sidechainIds } from '../rig-graphs.ts';
import { meterPollBlocks } from '../meter-poll.ts';
import { RIG_BLOCK_SIZE, RIG_PROCESSOR_NAME, type FromProcessor, type RigProcessorOptions, type ToProcessor } from './protocol.ts';
import { BYPASS_FADE_S, crossfadeToDry } from './bypass-crossfade.ts';

// AudioWorkletGlobalScope (not in TypeScript's DOM lib).
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: unknown);
}
declare function registerProcessor(name: string, ctor: new (options: { processorOptions?: RigProcessorOptions }) => AudioWorkletProcessor): void;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim() || 'unknown error';

class RigProcessor extends AudioWorkletProcessor {
  private controller: RigAudio | null = null;
  private bypass = false;
  /** Rig/dry mix, 1 = rig, 0 = bypassed; ramps in BYPASS_FADE_S so switching never clicks. */
  private mix = 1;
  private readonly mixStep = 1 / (BYPASS_FADE_S * sampleRate);
  private readonly silence = new Float32Array(RIG_BLOCK_SIZE);
  private readonly meterEvery: number;
  private blocks = 0;
  private inPeak = 0;
  private outPeak = 0;
  /** Id of the `model` message whose build is under way. */
  private buildingId = -1;

  constructor(options: { processorOptions?: RigProcessorOptions }) {
    super();
    const o = options.processorOptions ?? {};
    const hz = o.meterHz ?? 30;
    this.meterEvery = meterPollBlocks(sampleRate, RIG_BLOCK_SIZE, hz); // ≤ 31: see meter-poll.ts
    this.port.onmessage = (e: MessageEvent<ToProcessor>) => this.onMessage(e.data);
    let module;
    try {
      module = createElementaryModule(glue);
    } catch (e) {
      this.post({ type: 'error', id: null, source: 'engine', message: `the Elementary runtime did not start: ${message(e)}` });
      return;
    }
    try {
      this.controller = new RigAudio({ sampleRate, maxBlockSize: RIG_BLOCK_SIZE, sidechains: sidechainIds().length, kernels: o.kernels ?? 'auto', module });
      this.controller.apply(o.ops ?? []);
      this.controller.warmUp(); // before any quantum: the first stepped LSTM/ConvNet load runs compiled code
    } catch (e) {
      this.controller = null;
      this.post({ type: 'error', id: null, source: 'engine', message: message(e) });
      return;
    }
    if (o.model !== undefined) {
      try {
        this.controller.setModel(o.model);
      } catch (e) {
        this.post({ type: 'error', id: null, source: 'model', message: message(e) });
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
    if (c === null) {
      if (m.type === 'model') this.post({ type: 'error', id: m.id, source: 'model', message: 'the audio engine is not running' });
      return;
    }
    if (m.type === 'ops') {
      try {
        c.apply(m.ops);
      } catch (e) {
        this.post({ type: 'error', id: null, source: 'engine', message: message(e) });
      }
      return;
    }
    if (c.building) this.post({ type: 'superseded', id: this.buildingId });
    c.beginModel(m.file, m.arenaBytes);
    this.buildingId = m.id;
    if (m.immediate) while (c.building) this.stepModel(c);
  }

  /** One bounded step of the model build under way; posts the outcome when it ends. */
  private stepModel(c: RigAudio): void {
    const outcome = c.stepModel();
    if (outcome === null) return;
    if (outcome.ok) this.post({ type: 'loaded', id: this.buildingId, what: 'model' });
    else this.post({ type: 'error', id: this.buildingId, source: 'model', message: message(outcome.error) });
    this.buildingId = -1;
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0];
    const y = out?.[0];
    if (y === undefined) return true;
    const n = y.length;
    const x = inputs[0]?.[0] ?? (n <= RIG_BLOCK_SIZE ? this.silence : new Float32Array(n));
    const c = this.controller;
    if (c === null) {
      // No engine: silence, or the dry input when bypassed.
      if (this.bypass) y.set(x.subarray(0, n));
      else y.fill(0);
    } else {
      // The rig keeps running while bypassed, so switching back finds its state warm.
      for (let at = 0; at < n; at += RIG_BLOCK_SIZE) {
        const len = Math.min(RIG_BLOCK_SIZE, n - at);
        if (at === 0 && len === n) c.engine.process(x, y, n);
        else c.engine.process(x.subarray(at, at + len), y.subarray(at, at + len), len);
      }
      this.mix = crossfadeToDry(x, y, n, this.mix, this.bypass ? 0 : 1, this.mixStep);
    }
    if (this.bypass && this.meterEvery > 0) {
      let p = this.inPeak;
      for (let i = 0; i < n; i++) p = Math.max(p, Math.abs(x[i]!));
      this.inPeak = p;
      this.outPeak = Math.max(this.outPeak, p);
    }
    for (let ch = 1; ch < out!.length; ch++) out![ch]!.set(y);
    // Node gc ops ran with this quantum's ops: send the freed ids back to the graph side.
    if (c !== null && c.engine.collectedCount > 0) for (const g of c.engine.takeCollected()) this.post({ type: 'pruned', target: g.target, ids: g.ids });
    if (this.meterEvery > 0 && ++this.blocks >= this.meterEvery) {
      this.blocks = 0;
      this.postMeters();
    }
    // This quantum's audio is out: spend what is left of it on one step of a model build.
    if (c !== null && c.building) this.stepModel(c);
    return true;
  }

  /** Peaks since the previous post: the engine's meters when the rig runs, else the JS peaks of the dry signal. */
  private postMeters(): void {
    const c = this.controller;
    if (c !== null) {
      const m = c.engine.pollMeters(); // every block since the last post (and drains the runtimes' queues)
      if (!this.bypass) {
        if (m.in) this.inPeak = Math.max(this.inPeak, Math.abs(m.in.min), Math.abs(m.in.max));
        if (m.out) this.outPeak = Math.max(this.outPeak, Math.abs(m.out.min), Math.abs(m.out.max));
      }
    }
    this.post({ type: 'meters', in: this.inPeak, out: this.outPeak });
    this.inPeak = this.outPeak = 0;
  }
}

registerProcessor(RIG_PROCESSOR_NAME, RigProcessor);
