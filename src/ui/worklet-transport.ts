/**
 * The web app's `RigTransport`: the rig engine runs in one AudioWorkletProcessor
 * (src/dsp/engine/worklet/rig-processor.ts) and every command is a message on its port.
 *
 *   input (live input via getUserMedia, or a DI file looping in an AudioBufferSourceNode)
 *     → AudioWorkletNode 'nam-rig' (mono in, mono out) → destination
 *
 * The AudioContext starts suspended until a user gesture (browsers' autoplay policy); the transport
 * resumes it on the first click or key press in the page and whenever an input is chosen.
 * Commands sent before the worklet is up are queued and delivered in order.
 *
 * The graph side of the engine (`RigGraphs`: Elementary renderers, parameter refs, IR resampling) runs
 * here on the main thread, so graph building never allocates on the audio thread: parameter and IR
 * changes become ops (instruction batches, VFS entries, prunes) posted to the worklet, which only queues
 * them on its engine. Models are parsed and validated here (`parseNam`, and `measureArenaBytes`, which
 * runs the whole build's sizing pass: a bad model is refused here, before anything is posted) and
 * posted parsed, their weights' buffer transferred; the worklet builds them in bounded steps between
 * render quanta while the old model plays, then crossfades. Once one is loaded, the graphs take its
 * level metadata here (`setLevels`: level refs change, no new nodes).
 *
 * `renderOffline` runs the same worklet in an OfflineAudioContext (48 kHz by default), with the model,
 * IR and params applied before the first sample: it is what the e2e test compares with the Node engine.
 */
import workletUrl from '../dsp/engine/worklet/rig-processor.ts?worker&url';
import { RIG_BLOCK_SIZE, RIG_PROCESSOR_NAME, type FromProcessor, type RigProcessorOptions, type ToProcessor } from '../dsp/engine/worklet/protocol.ts';
import type { KernelChoice } from '../dsp/nam/index.ts';
import { parseNam, type NamFile } from '../dsp/nam/file.ts';
import { measureArenaBytes } from '../dsp/nam/model-build-job.ts';
import { levelsOf, RigGraphs, type RigOp } from '../dsp/engine/rig-graphs.ts';
import type { ModelLevels } from '../dsp/rig/manifest.ts';
import type { QualifiedId } from '../dsp/rig/manifest.ts';
import type { InputSource } from './audio-input.ts';
import { oneLine } from './messages.ts';
import { describeModel } from './model-info.ts';
import type { MeterReading, ModelInfo, RigTransport, TransportError, Unsubscribe } from './transport.ts';

export { workletUrl };

export interface WorkletTransport extends RigTransport {
  readonly context: AudioContext;
  /** Resolves when the worklet module is loaded and the node exists (rejects if that fails). */
  readonly ready: Promise<void>;
  /** Routes the chosen input into the rig (replacing the previous one). */
  setInput(source: InputSource, stream?: MediaStream): void;
  /** Resumes the AudioContext (call from a user gesture). */
  resume(): Promise<void>;
  close(): Promise<void>;
}

export interface WorkletTransportOptions {
  /** An existing context (default: a new `AudioContext` with `latencyHint: 'interactive'`). */
  readonly context?: AudioContext;
  /** Resume on the first pointer/key event in this document (default: `document` when there is one). */
  readonly gestureTarget?: EventTarget | null;
  /** Initial parameter values (clamped), over the registry's defaults. */
  readonly params?: Readonly<Record<string, number>>;
  /** Everything but `ops` (the transport renders the first graphs itself). */
  readonly processorOptions?: Omit<RigProcessorOptions, 'ops'>;
  /**
   * Ask the worklet to free Elementary nodes no graph uses (`RigGraphs.collectGarbage`) after an IR
   * load or model change once this many graph renders happened since the last time (default 4; 0 = never).
   */
  readonly gcEveryRenders?: number;
}

/**
 * Parses and validates a model on the main thread for the worklet: the parsed file and the SIMD memory
 * its build needs (the sizing pass builds every layer's shape, so a bad config or weight count throws
 * here, a NamError naming the problem).
 */
export function prepareModel(text: string): { file: NamFile; arenaBytes: number } {
  const file = parseNam(text);
  return { file, arenaBytes: measureArenaBytes(file, { maxBlockSize: RIG_BLOCK_SIZE }) };
}

/**
 * The `model` message for a prepared model, and its transfer list (the weights' buffer). `immediate`
 * when the context is not rendering (see the protocol).
 */
function modelMessage(id: number, p: { file: NamFile; arenaBytes: number }, immediate: boolean): [ToProcessor, Transferable[]] {
  return [{ type: 'model', id, file: p.file, arenaBytes: p.arenaBytes, ...(immediate ? { immediate } : {}) }, [p.file.weights.buffer]];
}

function channel<A extends unknown[]>() {
  const listeners = new Set<(...args: A) => void>();
  return {
    add(cb: (...args: A) => void): Unsubscribe {
      listeners.add(cb);
      return () => void listeners.delete(cb);
    },
    emit(...args: A): void {
      for (const cb of [...listeners]) cb(...args);
    },
  };
}

/** Creates the rig node in `context` (loading the worklet module first). */
export async function createRigNode(context: BaseAudioContext, processorOptions: RigProcessorOptions = {}): Promise<AudioWorkletNode> {
  await context.audioWorklet.addModule(workletUrl);
  return new AudioWorkletNode(context, RIG_PROCESSOR_NAME, {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    channelCount: 1,
    channelCountMode: 'explicit',
    channelInterpretation: 'speakers',
    processorOptions,
  });
}

export function createWorkletTransport(options: WorkletTransportOptions = {}): WorkletTransport {
  const context = options.context ?? new AudioContext({ latencyHint: 'interactive' });
  const meters = channel<[MeterReading]>();
  const errors = channel<[TransportError]>();
  const models = channel<[ModelInfo]>();
  const params = channel<[QualifiedId, number]>();
  const queue: [ToProcessor, Transferable[]][] = [];
  const pendingModels = new Map<number, { name: string; info: ModelInfo; levels: ModelLevels }>();
  let node: AudioWorkletNode | null = null;
  let nextId = 1;
  let input: { node: AudioNode; stop?: () => void } | null = null;
  let fileSource: AudioBufferSourceNode | null = null;

  const send = (m: ToProcessor, transfer: Transferable[] = []): void => {
    if (node) node.port.postMessage(m, transfer);
    else queue.push([m, transfer]);
  };

  // The graph side: its first ops go in processorOptions (applied before the first quantum), later ones
  // in `ops` messages, in order.
  const outbox: RigOp[] = [];
  const graphs = new RigGraphs({
    sampleRate: context.sampleRate,
    levels: levelsOf(options.processorOptions?.model?.metadata),
    emit: (op) => void outbox.push(op),
    ...(options.params ? { params: options.params } : {}),
  });
  const processorOptions: RigProcessorOptions = { ...options.processorOptions, ops: outbox.splice(0) };
  const flush = (): void => {
    if (outbox.length > 0) send({ type: 'ops', ops: outbox.splice(0) });
  };
  // Node gc: every re-render leaves nodes in the worklet's runtime; collect once enough piled up.
  const gcEvery = options.gcEveryRenders ?? 4;
  let rendersAtGc = graphs.renders;
  const maybeCollect = (): void => {
    if (gcEvery > 0 && graphs.renders - rendersAtGc >= gcEvery && graphs.collectGarbage()) rendersAtGc = graphs.renders;
  };
  /** Runs a graph-side change and posts what it emitted (also what it emitted before throwing). */
  const change = (source: 'param' | 'ir' | 'model' | 'engine', f: () => void): void => {
    try {
      f();
      if (source === 'ir' || source === 'model') maybeCollect();
    } catch (e) {
      errors.emit({ source, message: oneLine(e) });
    } finally {
      flush();
    }
  };

  const onMessage = (m: FromProcessor): void => {
    switch (m.type) {
      case 'meters':
        meters.emit({ in: m.in, out: m.out });
        break;
      case 'loaded':
        if (m.what === 'model') {
          const p = pendingModels.get(m.id);
          pendingModels.delete(m.id);
          if (p) {
            change('model', () => void graphs.setLevels(p.levels));
            models.emit(p.info);
          }
        }
        break;
      case 'pruned':
        change('engine', () => graphs.pruned(m.target, m.ids)); // and what was held for it follows
        break;
      case 'superseded':
        pendingModels.delete(m.id); // a newer load replaced it before it finished building
        break;
      case 'error': {
        const p = m.id === null ? undefined : pendingModels.get(m.id);
        if (m.id !== null) pendingModels.delete(m.id);
        errors.emit({ source: m.source, message: oneLine(m.message, p?.name) });
        break;
      }
      case 'ready':
        break;
    }
  };

  const ready = createRigNode(context, processorOptions).then(
    (n) => {
      node = n;
      n.port.onmessage = (e: MessageEvent<FromProcessor>) => onMessage(e.data);
      n.connect(context.destination);
      if (input) input.node.connect(n);
      for (const [m, transfer] of queue.splice(0)) n.port.postMessage(m, transfer);
    },
    (e: unknown) => {
      errors.emit({ source: 'engine', message: oneLine(e, 'The audio engine did not start') });
      throw e;
    },
  );
  ready.catch(() => undefined);

  const resume = async (): Promise<void> => {
    if (context.state === 'suspended') await context.resume();
  };
  const gesture = options.gestureTarget !== undefined ? options.gestureTarget : typeof document === 'undefined' ? null : document;
  if (gesture) {
    const onGesture = (): void => {
      void resume().then(() => {
        if (context.state === 'running') {
          gesture.removeEventListener('pointerdown', onGesture);
          gesture.removeEventListener('keydown', onGesture);
        }
      });
    };
    gesture.addEventListener('pointerdown', onGesture);
    gesture.addEventListener('keydown', onGesture);
  }

  const dropInput = (): void => {
    if (!input) return;
    input.stop?.();
    input.node.disconnect();
    input = null;
    fileSource = null;
  };
  const useInput = (n: AudioNode, stop?: () => void): void => {
    input = stop ? { node: n, stop } : { node: n };
    if (node) n.connect(node);
  };

  return {
    context,
    ready,
    resume,
    setParam(id, value) {
      change('param', () => void graphs.setParam(id, value));
    },
    loadModel(text, name) {
      let prepared: { file: NamFile; arenaBytes: number };
      try {
        prepared = prepareModel(text);
      } catch (e) {
        errors.emit({ source: 'model', message: oneLine(e, name) });
        return;
      }
      const id = nextId++;
      // Describe it before its weights' buffer is transferred away.
      pendingModels.set(id, { name, info: describeModel(prepared.file, name), levels: levelsOf(prepared.file.metadata) });
      // A suspended context calls no process(), so the worklet builds it at once (nothing plays then).
      send(...modelMessage(id, prepared, context.state !== 'running'));
    },
    loadIr(samples, sampleRate) {
      change('ir', () => void graphs.loadIr(samples, sampleRate));
    },
    setBypass(on) {
      send({ type: 'bypass', on });
    },
    setInput(source, stream) {
      void resume().catch(() => undefined);
      if (source.kind === 'file' && fileSource && input && source.playing) {
        fileSource.loop = source.loop; // same file still playing: only the loop flag changed
        return;
      }
      dropInput();
      if (source.kind === 'device' && stream) {
        useInput(context.createMediaStreamSource(stream));
      } else if (source.kind === 'file' && source.playing) {
        const buffer = context.createBuffer(1, source.samples.length, source.sampleRate);
        buffer.copyToChannel(new Float32Array(source.samples), 0);
        const src = context.createBufferSource();
        src.buffer = buffer;
        src.loop = source.loop;
        src.start();
        fileSource = src;
        useInput(src, () => {
          try {
            src.stop();
          } catch {
            /* already stopped */
          }
        });
      }
    },
    async close() {
      dropInput();
      node?.disconnect();
      await context.close();
    },
    onMeters: meters.add,
    onError: errors.add,
    onModelInfo: models.add,
    onParam: params.add,
  };
}

export interface OfflineRenderOptions {
  readonly modelText?: string;
  readonly ir?: { readonly samples: Float32Array; readonly sampleRate: number };
  readonly params?: Readonly<Record<string, number>>;
  readonly input: Float32Array;
  /** Default 48000. */
  readonly sampleRate?: number;
  readonly kernels?: 'auto' | KernelChoice;
}

export interface OfflineRenderResult {
  readonly output: Float32Array;
  /** The NAM kernels the worklet's model ran on (null without a model). */
  readonly kernels: string | null;
  readonly errors: string[];
}

/** Renders `input` through the rig worklet in an OfflineAudioContext (mono, same length as the input). */
export async function renderOffline(options: OfflineRenderOptions): Promise<OfflineRenderResult> {
  const rate = options.sampleRate ?? 48000;
  const length = options.input.length;
  const ctx = new OfflineAudioContext({ numberOfChannels: 1, length, sampleRate: rate });
  const errors: string[] = [];
  let model: NamFile | undefined;
  if (options.modelText !== undefined) {
    try {
      model = prepareModel(options.modelText).file;
    } catch (e) {
      errors.push(`model: ${oneLine(e)}`);
    }
  }
  // The graph side runs here; its ops (first render, then the IR) are applied before the first quantum.
  const ops: RigOp[] = [];
  const graphs = new RigGraphs({
    sampleRate: rate,
    levels: levelsOf(model?.metadata),
    emit: (op) => void ops.push(op),
    ...(options.params ? { params: options.params } : {}),
  });
  if (options.ir) {
    try {
      graphs.loadIr(options.ir.samples, options.ir.sampleRate);
    } catch (e) {
      errors.push(`ir: ${oneLine(e)}`);
    }
  }
  const processorOptions: RigProcessorOptions = {
    meterHz: 0,
    ops,
    ...(model !== undefined ? { model } : {}),
    ...(options.kernels ? { kernels: options.kernels } : {}),
  };
  const node = await createRigNode(ctx, processorOptions);
  let kernels: string | null = null;
  const readyMsg = new Promise<void>((resolve) => {
    node.port.onmessage = (e: MessageEvent<FromProcessor>) => {
      if (e.data.type === 'ready') {
        kernels = e.data.kernels;
        resolve();
      } else if (e.data.type === 'error') {
        errors.push(`${e.data.source}: ${e.data.message}`);
        if (e.data.source === 'engine') resolve();
      }
    };
  });
  const buffer = ctx.createBuffer(1, length, rate);
  buffer.copyToChannel(new Float32Array(options.input), 0);
  const src = ctx.createBufferSource();
  src.buffer = buffer;
  src.connect(node);
  node.connect(ctx.destination);
  src.start(0);
  const rendered = await ctx.startRendering();
  await Promise.race([readyMsg, new Promise((r) => setTimeout(r, 1000))]);
  return { output: rendered.getChannelData(0).slice(), kernels, errors };
}
