/**
 * The rig engine: one synchronous `process` for every host (Node CLI, AudioWorklet, tests).
 *
 *   input ─► [pre: Elementary]  ─ch0─► model stage (NAM, resampled if needed) ─► [post: Elementary] ─► output
 *                 (input gain,   ─ch1..k─► sidechains (gate gain), delayed by ─►   (gate gain, tone,
 *                  meter 'in')             the model stage's latency              cab, DC, output, meter 'out')
 *
 * Zero added latency when the model runs at the engine's rate: pre, model and post all handle the same
 * n samples inside one call. Otherwise the model stage resamples around the model and `latencySamples`
 * reports the delay.
 *
 * The engine never builds graphs (that allocates). Everything that changes it arrives as queued
 * operations (`enqueueBatch`, `enqueueResource`, `enqueueModel`, …), applied in order at the start of
 * the next `process`; `RigController` (rig-controller.ts) produces them where allocation is fine.
 * A new model is crossfaded from the old one linearly over `crossfadeMs` (default 20 ms) with buffers
 * allocated in the constructor.
 *
 * `process` allocates nothing in steady state (test/engine/rig-alloc-probe.ts). Applying queued
 * operations and `pollMeters` do allocate (on the native side or for the events), so meters are read
 * only when asked. The meters' ranges are gathered over every block here (`PeakTracker`): the graphs'
 * `el.meter` nodes report only their latest block.
 */
import type { ElementaryInstructionBatch, ElementaryModule } from './elementary-runtime.ts';
import { ElementaryProcessor } from './elementary-processor.ts';
import type { ModelStage } from './model-stage.ts';
import { PeakTracker } from './peak-tracker.ts';

export type GraphTarget = 'pre' | 'post';

/** One queued change, applied at the start of the next `process`. */
export type EngineOp =
  | { readonly kind: 'batch'; readonly target: GraphTarget; readonly batch: ElementaryInstructionBatch }
  | { readonly kind: 'resource'; readonly target: GraphTarget; readonly key: string; readonly data: Float32Array }
  | { readonly kind: 'prune'; readonly target: GraphTarget }
  | { readonly kind: 'gc'; readonly target: GraphTarget }
  | { readonly kind: 'model'; readonly stage: ModelStage | null };

/** Node ids one graph's runtime freed in a `gc` op (for that graph's renderer's `prune`). */
export interface CollectedNodes {
  readonly target: GraphTarget;
  readonly ids: readonly number[];
}

export interface RigEngineOptions {
  /** The host's rate: the Elementary graphs run at it. */
  sampleRate: number;
  /** Largest n `process` accepts. */
  maxBlockSize: number;
  /** Sidechain channels between pre and post (the rig has one: the gate gain). Default 1. */
  sidechains?: number;
  /** Model crossfade length, ms (default 20). */
  crossfadeMs?: number;
  /** Elementary module to host the two processors (default: a fresh one, loaded synchronously). */
  module: ElementaryModule;
}

export interface MeterReading {
  min: number;
  max: number;
}

export interface MeterReadings {
  in?: MeterReading;
  out?: MeterReading;
}

export class RigEngine {
  readonly sampleRate: number;
  readonly maxBlockSize: number;
  readonly sidechains: number;
  readonly crossfadeSamples: number;
  readonly pre: ElementaryProcessor;
  readonly post: ElementaryProcessor;

  private readonly ops: EngineOp[] = [];
  private readonly collected: CollectedNodes[] = [];
  /**
   * `collected.length`, kept as a number: the audio thread reads it every block, and an optimised read
   * of the array's length checks the array's map, which changes when the first result is pushed (its
   * elements kind): that deoptimised the whole optimised block path at a host's first `gc` op. Stored
   * twice in the constructor, so V8 never takes it for a constant either (see NativeRigAudio).
   */
  private collectedPending = -1;
  private stage: ModelStage | null = null;
  /** The model fading in, while a crossfade runs. */
  private incoming: ModelStage | null = null;
  private fadePos = 0;
  /** Latency of the most recently queued model stage (known before it reaches the audio side). */
  private announcedLatency = 0;

  private readonly preOut: Float32Array[];
  private readonly postIn: Float32Array[];
  private readonly inArr: Float32Array[];
  private readonly outArr: Float32Array[];
  private readonly modelOut: Float32Array;
  private readonly fadeOut: Float32Array;
  /** Sidechain delay lines (one ring per sidechain), sized for `maxDelay` samples. */
  private readonly delayLines: Float32Array[];
  private delayWrite = 0;
  private readonly inPeaks = new PeakTracker();
  private readonly outPeaks = new PeakTracker();
  private readonly maxDelay: number;

  constructor(options: RigEngineOptions) {
    const { sampleRate, maxBlockSize } = options;
    if (!(sampleRate > 0) || !Number.isInteger(maxBlockSize) || maxBlockSize < 1) {
      throw new RangeError(`RigEngine needs a positive sample rate and block size, got ${sampleRate} and ${maxBlockSize}`);
    }
    this.sampleRate = sampleRate;
    this.maxBlockSize = maxBlockSize;
    this.sidechains = options.sidechains ?? 1;
    this.crossfadeSamples = Math.max(1, Math.round(((options.crossfadeMs ?? 20) / 1000) * sampleRate));
    this.collectedPending = 0;
    this.pre = new ElementaryProcessor(options.module, 1, 1 + this.sidechains);
    this.post = new ElementaryProcessor(options.module, 1 + this.sidechains, 1);
    this.pre.prepare(sampleRate, maxBlockSize);
    this.post.prepare(sampleRate, maxBlockSize);
    this.preOut = [];
    for (let c = 0; c < 1 + this.sidechains; c++) this.preOut.push(new Float32Array(maxBlockSize));
    this.modelOut = new Float32Array(maxBlockSize);
    this.fadeOut = new Float32Array(maxBlockSize);
    // Resampling latency is a few ms at most; 0.25 s of headroom covers any supported ratio.
    this.maxDelay = Math.ceil(0.25 * sampleRate);
    this.delayLines = [];
    for (let c = 0; c < this.sidechains; c++) this.delayLines.push(new Float32Array(this.maxDelay + maxBlockSize));
    this.postIn = [this.modelOut];
    for (let c = 0; c < this.sidechains; c++) this.postIn.push(new Float32Array(maxBlockSize));
    this.inArr = [new Float32Array(0)];
    this.outArr = [new Float32Array(0)];
  }

  /** Added latency in samples at the engine's rate (0 at equal rates; may be fractional). */
  get latencySamples(): number {
    return this.announcedLatency;
  }

  /** The model stage playing now (the incoming one counts once its crossfade ends). */
  get modelStage(): ModelStage | null {
    return this.stage;
  }

  /** True while a queued operation or a model crossfade is pending. */
  get busy(): boolean {
    return this.ops.length > 0 || this.incoming !== null;
  }

  enqueueBatch(target: GraphTarget, batch: ElementaryInstructionBatch): void {
    this.ops.push({ kind: 'batch', target, batch });
  }

  /** Adds an immutable VFS entry before the next batches (keys cannot be overwritten). */
  enqueueResource(target: GraphTarget, key: string, data: Float32Array): void {
    this.ops.push({ kind: 'resource', target, key, data });
  }

  /** Drops VFS entries that no node references any more. */
  enqueuePrune(target: GraphTarget): void {
    this.ops.push({ kind: 'prune', target });
  }

  /**
   * Frees the nodes no root of that graph references any more (Elementary's runtime `gc`), in order
   * with the other ops, so batches queued before it are applied first. The freed ids are kept for
   * `takeCollected`: hand them to the graph side (`RigGraphs.pruned`), whose renderer must forget them.
   */
  enqueueGc(target: GraphTarget): void {
    this.ops.push({ kind: 'gc', target });
  }

  /** How many `gc` results wait in `takeCollected` (a cheap check for the audio thread). */
  get collectedCount(): number {
    return this.collectedPending;
  }

  /** The node ids freed by `gc` ops since the last call, in order. Allocates. */
  takeCollected(): CollectedNodes[] {
    this.collectedPending = 0;
    return this.collected.splice(0);
  }

  /** How many operations wait to be applied at the start of the next `process`. */
  get pendingOps(): number {
    return this.ops.length;
  }

  /**
   * Applies the queued operations now instead of at the next `process` (between blocks, on the
   * thread that calls `process`; e.g. a single-thread host running a gc round trip at once).
   */
  flush(): void {
    if (this.ops.length > 0) this.applyOps();
  }

  /**
   * Hands over a prepared model stage (built and prewarmed off the audio path). The first model plays
   * at once; later ones crossfade from the current one over `crossfadeSamples`. `null` unloads (silence).
   */
  enqueueModel(stage: ModelStage | null): void {
    if (stage !== null && (stage.engineRate !== this.sampleRate || stage.maxBlockSize < this.maxBlockSize)) {
      throw new RangeError(`the model stage was built for ${stage.engineRate} Hz / ${stage.maxBlockSize} samples; the engine runs ${this.sampleRate} Hz / ${this.maxBlockSize}`);
    }
    this.ops.push({ kind: 'model', stage });
    this.announcedLatency = stage?.latencySamples ?? 0;
  }

  private processor(target: GraphTarget): ElementaryProcessor {
    return target === 'pre' ? this.pre : this.post;
  }

  private applyOps(): void {
    const ops = this.ops;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      switch (op.kind) {
        case 'batch':
          this.processor(op.target).applyBatch(op.batch);
          break;
        case 'resource':
          this.processor(op.target).addSharedResource(op.key, op.data);
          break;
        case 'prune':
          this.processor(op.target).pruneSharedResources();
          break;
        case 'gc':
          this.collectedPending = this.collected.push({ target: op.target, ids: this.processor(op.target).gc() });
          break;
        case 'model':
          if (this.stage === null || op.stage === null) {
            this.stage = op.stage;
            this.incoming = null;
          } else {
            // A crossfade already running finishes instantly on the model it was fading to.
            if (this.incoming !== null) this.stage = this.incoming;
            this.incoming = op.stage;
            this.fadePos = 0;
          }
          break;
      }
    }
    ops.length = 0;
  }

  /**
   * Renders n samples (1 ≤ n ≤ maxBlockSize) of mono `input` into `output` (may be the same array).
   * Applies queued operations first. Allocates nothing when nothing is queued.
   */
  process(input: Float32Array, output: Float32Array, n: number): void {
    if (!(n >= 1 && n <= this.maxBlockSize)) throw new RangeError(`RigEngine.process got ${n} samples; the block size is ${this.maxBlockSize}`);
    if (this.ops.length > 0) this.applyOps();
    const inArr = this.inArr;
    inArr[0] = input;
    this.pre.process(inArr, this.preOut, n);

    const modelIn = this.preOut[0]!;
    this.inPeaks.add(modelIn, n); // meter 'in': after the input gain
    const modelOut = this.modelOut;
    const stage = this.stage;
    if (stage === null) {
      modelOut.fill(0, 0, n);
    } else {
      stage.process(modelIn, modelOut, n);
      const incoming = this.incoming;
      if (incoming !== null) {
        const b = this.fadeOut;
        incoming.process(modelIn, b, n);
        const len = this.crossfadeSamples;
        let pos = this.fadePos;
        for (let i = 0; i < n; i++) {
          const t = pos < len ? pos / len : 1;
          modelOut[i] = modelOut[i]! + t * (b[i]! - modelOut[i]!);
          pos++;
        }
        this.fadePos = pos;
        if (pos >= len) {
          this.stage = incoming;
          this.incoming = null;
        }
      }
    }

    // Sidechains, delayed by the model stage's (rounded) latency so they stay aligned with its output.
    const delay = stage === null ? 0 : Math.min(this.maxDelay, stage.latencyWholeSamples);
    const size = this.maxDelay + this.maxBlockSize;
    for (let c = 0; c < this.sidechains; c++) {
      const src = this.preOut[c + 1]!;
      const dst = this.postIn[c + 1]!;
      const line = this.delayLines[c]!;
      let w = this.delayWrite;
      let r = (w - delay + size) % size;
      for (let i = 0; i < n; i++) {
        line[w] = src[i]!;
        dst[i] = line[r]!;
        w = w + 1 === size ? 0 : w + 1;
        r = r + 1 === size ? 0 : r + 1;
      }
    }
    this.delayWrite = (this.delayWrite + n) % size;

    const outArr = this.outArr;
    outArr[0] = output;
    this.post.process(this.postIn, outArr, n);
    this.outPeaks.add(output, n);
    inArr[0] = this.modelOut; // drop references to the caller's arrays
    outArr[0] = this.modelOut;
  }

  /**
   * The `in` (after the input gain) and `out` meters: the lowest and highest sample of every block
   * since the last poll (a field is absent when no block ran). Also drains both runtimes' event queues.
   * Allocates: call it off the hot path.
   */
  pollMeters(): MeterReadings {
    this.pre.pollEvents();
    this.post.pollEvents();
    const out: MeterReadings = {};
    const inRange = this.inPeaks.take();
    const outRange = this.outPeaks.take();
    if (inRange) out.in = inRange;
    if (outRange) out.out = outRange;
    return out;
  }

  /**
   * The `in` and `out` peaks (largest |sample|) of every block since the last reading, written into
   * `into[0]` and `into[1]` (−1 when no block ran), without draining the runtimes' event queues: for a
   * real-time host, as it allocates nothing. The graphs' `el.meter` readings are then never taken; the
   * runtime keeps at most a bounded queue of them (see meter-poll.ts), so nothing grows.
   */
  readMeterPeaks(into: Float32Array): void {
    this.inPeaks.takePeakInto(into, 0);
    this.outPeaks.takePeakInto(into, 1);
  }

  /** Resets every node's state in both graphs (filters, convolvers, smoothers) and the sidechain delays. */
  reset(): void {
    this.pre.reset();
    this.post.reset();
    for (const line of this.delayLines) line.fill(0);
  }

  dispose(): void {
    this.pre.dispose();
    this.post.dispose();
    this.stage = this.incoming = null;
  }
}
