/**
 * The NAM model as one stage of the rig engine, at the engine's rate.
 *
 *   equal rates:     y = model(x)                                  (zero latency)
 *   different rates: y = down(model(up(x)))                        (two StreamingResamplers)
 *
 * `process(input, output, n)` turns n engine-rate samples into n engine-rate samples. Around a resampled
 * model a FIFO collects the downsampler's output: the StreamingResampler guarantees that after N inputs
 * at least ceil(N·to/from) outputs exist, so a round trip of N samples yields at least N, and the FIFO
 * never runs dry. The added latency is `up.latency · engineRate/modelRate + down.latency` engine samples
 * (generally fractional; `latencySamples`), `latencyWholeSamples` rounds it (the gate's sidechain delay).
 *
 * Everything is allocated in the constructor (built where allocation is allowed, e.g. `RigController`);
 * `process` allocates nothing. The NAM model's `process` takes the shorter of its two arrays' lengths as
 * the block length, so subarray views for every block length are created up front.
 */
import type { NamModel } from '../nam/index.ts';
import { StreamingResampler } from '../resample/index.ts';

/** `views[k]` = `buf.subarray(0, k)` for k = 0..buf.length. */
function viewsOf(buf: Float32Array): Float32Array[] {
  const views: Float32Array[] = [];
  for (let k = 0; k <= buf.length; k++) views.push(buf.subarray(0, k));
  return views;
}

export class ModelStage {
  readonly model: NamModel;
  readonly engineRate: number;
  readonly maxBlockSize: number;
  /** Added latency in engine-rate samples (0 when the rates are equal; may be fractional). */
  readonly latencySamples: number;
  /** `latencySamples`, rounded: how far the engine delays the sidechains to stay aligned. */
  readonly latencyWholeSamples: number;
  readonly resampled: boolean;

  private readonly inViews: Float32Array[];
  private readonly outViews: Float32Array[];
  private readonly up: StreamingResampler | undefined;
  private readonly down: StreamingResampler | undefined;
  private readonly upBuf: Float32Array;
  private readonly upViews: Float32Array[];
  private readonly modelOut: Float32Array;
  private readonly modelOutViews: Float32Array[];
  private readonly downBuf: Float32Array;
  /** FIFO of engine-rate model output (ring buffer). */
  private readonly fifo: Float32Array;
  private fifoRead = 0;
  private fifoCount = 0;

  constructor(model: NamModel, engineRate: number, maxBlockSize: number) {
    this.model = model;
    this.engineRate = engineRate;
    this.maxBlockSize = maxBlockSize;
    const scratchIn = new Float32Array(maxBlockSize);
    const scratchOut = new Float32Array(maxBlockSize);
    this.inViews = viewsOf(scratchIn);
    this.outViews = viewsOf(scratchOut);
    this.resampled = model.sampleRate !== engineRate;
    if (this.resampled) {
      const up = new StreamingResampler(engineRate, model.sampleRate, maxBlockSize);
      const down = new StreamingResampler(model.sampleRate, engineRate, up.maxOutputBlock);
      this.up = up;
      this.down = down;
      this.upBuf = new Float32Array(up.maxOutputBlock);
      this.upViews = viewsOf(this.upBuf);
      this.modelOut = new Float32Array(up.maxOutputBlock);
      this.modelOutViews = viewsOf(this.modelOut);
      this.downBuf = new Float32Array(down.maxOutputBlock);
      this.fifo = new Float32Array(2 * (maxBlockSize + down.maxOutputBlock) + 64);
      this.latencySamples = (up.latencySamples * engineRate) / model.sampleRate + down.latencySamples;
    } else {
      this.up = undefined;
      this.down = undefined;
      this.upBuf = this.modelOut = this.downBuf = this.fifo = new Float32Array(0);
      this.upViews = this.modelOutViews = [];
      this.latencySamples = 0;
    }
    this.latencyWholeSamples = Math.round(this.latencySamples);
  }

  /** output[0..n) = the model stage's response to input[0..n); n ≤ maxBlockSize. May not be in place. */
  process(input: Float32Array, output: Float32Array, n: number): void {
    if (this.up === undefined || this.down === undefined) {
      // Copy into scratch so the model sees exactly n samples whatever the callers' array lengths.
      const x = this.inViews[n]!;
      const y = this.outViews[n]!;
      for (let i = 0; i < n; i++) x[i] = input[i]!;
      this.model.process(x, y);
      for (let i = 0; i < n; i++) output[i] = y[i]!;
      return;
    }
    const m = this.up.process(input, n, this.upBuf);
    if (m > 0) this.model.process(this.upViews[m]!, this.modelOutViews[m]!);
    const k = this.down.process(this.modelOut, m, this.downBuf);
    const fifo = this.fifo;
    const size = fifo.length;
    let w = (this.fifoRead + this.fifoCount) % size;
    for (let i = 0; i < k; i++) {
      fifo[w] = this.downBuf[i]!;
      w = w + 1 === size ? 0 : w + 1;
    }
    this.fifoCount += k;
    let r = this.fifoRead;
    const take = Math.min(n, this.fifoCount);
    for (let i = 0; i < take; i++) {
      output[i] = fifo[r]!;
      r = r + 1 === size ? 0 : r + 1;
    }
    for (let i = take; i < n; i++) output[i] = 0; // cannot happen (see the module comment)
    this.fifoRead = r;
    this.fifoCount -= take;
  }
}
