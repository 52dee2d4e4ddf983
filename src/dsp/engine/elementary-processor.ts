/**
 * A typed wrapper around one native `ElementaryAudioProcessor` (see elementary-runtime.ts).
 *
 *   const proc = new ElementaryProcessor(loadElementaryModule(), 1, 1);
 *   proc.prepare(48000, 128);
 *   proc.applyBatch(batch);               // from graph-renderer.ts, between blocks
 *   proc.process([input], [output], 128); // Float32 in/out, n ≤ blockSize
 *
 * The runtime's I/O buffers are Float64Array views into wasm memory. They are fetched once and
 * cached; whenever the memory has grown (which detaches every view: its buffer's byteLength
 * drops to 0) they are fetched again. So `process` allocates nothing on the steady path.
 * `applyBatch`, `addSharedResource`, `pollEvents` and `gc` do allocate.
 *
 * Several processors may share one module (one wasm memory), e.g. a pre and a post stage with
 * a JS stage between them, all within one synchronous call.
 */
import type { ElementaryEvent, ElementaryInstructionBatch, ElementaryModule, ElementaryNativeProcessor, ElementaryResult } from './elementary-runtime.ts';

/** A meter reading: `el.meter({name}, x)` emits the block's min and max. */
export interface MeterEvent extends ElementaryEvent {
  type: 'meter';
  event: { source?: string; min: number; max: number };
}

export function isMeterEvent(e: ElementaryEvent): e is MeterEvent {
  return e.type === 'meter' && typeof e.event.min === 'number' && typeof e.event.max === 'number';
}

const NO_EVENTS: ElementaryEvent[] = [];

export class ElementaryProcessor {
  readonly numInputs: number;
  readonly numOutputs: number;
  private readonly native: ElementaryNativeProcessor;
  private inViews: Float64Array[] = [];
  private outViews: Float64Array[] = [];
  /** wasm memory size when the views were fetched; a detached view reports 0. */
  private viewBytes = -1;
  private blockSizeValue = 0;
  private sampleRateValue = 0;
  private polled: ElementaryEvent[] = NO_EVENTS;
  private readonly onEvents = (events: ElementaryEvent[]): void => {
    this.polled = events;
  };

  constructor(module: ElementaryModule, numInputs: number, numOutputs: number) {
    if (!Number.isInteger(numInputs) || numInputs < 0 || !Number.isInteger(numOutputs) || numOutputs < 1) {
      throw new RangeError(`ElementaryProcessor needs ≥ 0 inputs and ≥ 1 output channels, got ${numInputs} and ${numOutputs}`);
    }
    this.numInputs = numInputs;
    this.numOutputs = numOutputs;
    this.native = new module.ElementaryAudioProcessor(numInputs, numOutputs);
  }

  get sampleRate(): number {
    return this.sampleRateValue;
  }

  /** The largest `n` that `process` accepts; 0 before `prepare`. */
  get blockSize(): number {
    return this.blockSizeValue;
  }

  /** Allocates the runtime's I/O buffers. May be called again to change rate or block size. */
  prepare(sampleRate: number, blockSize: number): void {
    if (!(sampleRate > 0) || !Number.isInteger(blockSize) || blockSize < 1) {
      throw new RangeError(`prepare needs a positive sample rate and block size, got ${sampleRate} and ${blockSize}`);
    }
    this.native.prepare(sampleRate, blockSize);
    this.sampleRateValue = sampleRate;
    this.blockSizeValue = blockSize;
    this.fetchViews();
  }

  /**
   * Applies one instruction batch from `@elemaudio/core`'s `Renderer` (the array itself, not
   * JSON text: parse serialised batches first). Throws with the runtime's message on failure,
   * e.g. "Invalid value for the given node property" for a missing VFS path.
   */
  applyBatch(batch: ElementaryInstructionBatch): void {
    const r = this.native.postMessageBatch(batch);
    if (!r.success) throw new Error(`Elementary rejected the instruction batch: ${r.message}`);
  }

  /**
   * Renders `n` samples (1 ≤ n ≤ blockSize). Copies `input[c]` (missing channels read as
   * silence) into the runtime, runs it, and copies the first `output.length` channels back.
   * Zero added latency: output sample i corresponds to input sample i.
   */
  process(input: readonly Float32Array[], output: readonly Float32Array[], n: number): void {
    if (!(n >= 1 && n <= this.blockSizeValue)) {
      // The native process() writes past its buffers when n > blockSize.
      throw new RangeError(this.blockSizeValue === 0 ? 'call prepare() before process()' : `process() got ${n} samples; the block size is ${this.blockSizeValue}`);
    }
    if (this.viewBytes !== this.outViews[0]!.buffer.byteLength) this.fetchViews();
    const inViews = this.inViews;
    for (let c = 0; c < inViews.length; c++) {
      const dst = inViews[c]!;
      const src = input[c];
      if (src === undefined) {
        dst.fill(0, 0, n);
        continue;
      }
      if (src.length < n) throw new RangeError(`input channel ${c} has ${src.length} samples; process() was asked for ${n}`);
      for (let i = 0; i < n; i++) dst[i] = src[i]!;
    }
    this.native.process(n);
    if (this.viewBytes !== this.outViews[0]!.buffer.byteLength) this.fetchViews();
    const outViews = this.outViews;
    const channels = Math.min(output.length, outViews.length);
    for (let c = 0; c < channels; c++) {
      const dst = output[c]!;
      const src = outViews[c]!;
      if (dst.length < n) throw new RangeError(`output channel ${c} has ${dst.length} samples; process() was asked for ${n}`);
      for (let i = 0; i < n; i++) dst[i] = src[i]!;
    }
  }

  /** Events queued since the last poll (meters keep only their latest reading). Allocates. */
  pollEvents(): ElementaryEvent[] {
    this.polled = NO_EVENTS;
    this.native.processQueuedEvents(this.onEvents);
    const events = this.polled;
    this.polled = NO_EVENTS;
    return events;
  }

  /**
   * Adds an immutable VFS entry (a Float32Array, or one per channel). Keys cannot be
   * overwritten: use a new key per content and `pruneSharedResources` the unused ones.
   */
  addSharedResource(key: string, data: Float32Array | readonly Float32Array[]): void {
    const r: ElementaryResult = this.native.addSharedResource(key, data);
    if (!r.success) throw new Error(`Elementary could not add shared resource "${key}": ${r.message}`);
  }

  /** Drops VFS entries no node references. */
  pruneSharedResources(): void {
    this.native.pruneSharedResources();
  }

  listSharedResources(): string[] {
    return this.native.listSharedResources();
  }

  /** Resets every node's state (filters, delays, convolvers) without changing the graph. */
  reset(): void {
    this.native.reset();
  }

  /** Frees nodes no root references; pass the returned ids to the graph renderer's `prune`. */
  gc(): number[] {
    return this.native.gc();
  }

  setCurrentTime(samples: number): void {
    this.native.setCurrentTime(samples);
  }

  /** Destroys the native processor; the wrapper is unusable afterwards. */
  dispose(): void {
    this.native.delete();
    this.inViews = [];
    this.outViews = [];
    this.blockSizeValue = 0;
  }

  private fetchViews(): void {
    const inViews: Float64Array[] = [];
    const outViews: Float64Array[] = [];
    for (let c = 0; c < this.numInputs; c++) inViews.push(this.native.getInputBufferData(c));
    for (let c = 0; c < this.numOutputs; c++) outViews.push(this.native.getOutputBufferData(c));
    this.inViews = inViews;
    this.outViews = outViews;
    this.viewBytes = outViews[0]!.buffer.byteLength;
  }
}
