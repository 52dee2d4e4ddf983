/**
 * Block-by-block band-limited resampling for audio-rate use.
 *
 * Same kernel and arithmetic as `resample`, made causal: output sample s of the stream is the
 * offline result's sample s - latencySamples (the first latencySamples outputs are the filter's
 * response to the silence and signal around the stream's start). An output is emitted as soon as
 * the inputs it needs have arrived, so after n inputs in total at least ceil(n * toRate / fromRate)
 * outputs have been written: a caller converting fixed blocks there and back never starves.
 *
 * Everything is allocated in the constructor; `process` allocates nothing.
 */
import { buildPolyphaseKernel, kernelOutput, type PolyphaseKernel } from './polyphase-kernel.ts';
import { checkRates } from './rates.ts';

const MAX_BLOCK = 1 << 24;

export class StreamingResampler {
  readonly fromRate: number;
  readonly toRate: number;
  readonly maxInputBlock: number;
  /** Delay of the stream against the aligned offline result, in output-rate samples. */
  readonly latencySamples: number;
  /** Most samples one `process` call with maxInputBlock inputs can write. */
  readonly maxOutputBlock: number;

  private readonly kernel: PolyphaseKernel;
  /** Input history: buf[k] is input sample bufStart + k (negative indices are the silent past). */
  private readonly buf: Float32Array;
  private bufStart = 0;
  private bufLength = 0;
  /** Input samples received since the last reset. */
  private received = 0;
  /** Centre input index and phase (times den) of the next output sample. */
  private i0 = 0;
  private phase = 0;

  constructor(fromRate: number, toRate: number, maxInputBlock: number) {
    checkRates(fromRate, toRate);
    if (!Number.isInteger(maxInputBlock) || maxInputBlock < 1 || maxInputBlock > MAX_BLOCK) {
      throw new Error(`StreamingResampler: maxInputBlock must be an integer in [1, ${MAX_BLOCK}], got ${String(maxInputBlock)}`);
    }
    this.fromRate = fromRate;
    this.toRate = toRate;
    this.maxInputBlock = maxInputBlock;
    this.kernel = buildPolyphaseKernel(fromRate, toRate);
    const { right, num, den } = this.kernel;
    this.latencySamples = Math.ceil((right * den) / num);
    this.maxOutputBlock = this.maxOutputSamples(maxInputBlock);
    // Between calls the history holds at most taps - 1 samples, except for the silent lead-in
    // before the first call, which is shorter than taps + num / den + 1.
    const lead = this.kernel.taps + Math.ceil(num / den) + 1;
    this.buf = new Float32Array(lead + maxInputBlock);
    this.reset();
  }

  /** Upper bound on the samples one `process` call with n inputs writes. */
  maxOutputSamples(n: number): number {
    const { num, den } = this.kernel;
    return Math.floor((n * den + num - 1) / num) + 2;
  }

  /** Back to the state right after construction (silent history, stream position 0). */
  reset(): void {
    const { left, num, den } = this.kernel;
    // The stream starts at offline output j = -latencySamples.
    const pos = -this.latencySamples * num;
    this.i0 = Math.floor(pos / den);
    this.phase = pos - this.i0 * den;
    this.bufStart = this.i0 - left;
    this.bufLength = -this.bufStart; // zeros for inputs bufStart .. -1
    this.buf.fill(0);
    this.received = 0;
  }

  /**
   * Consumes input[0 .. n) and writes the outputs that became computable to output[0 ..);
   * returns how many. `output` must hold at least maxOutputSamples(n) samples.
   */
  process(input: Float32Array, n: number, output: Float32Array): number {
    if (!Number.isInteger(n) || n < 0 || n > this.maxInputBlock || n > input.length) {
      throw new Error(`StreamingResampler.process: n must be an integer in [0, min(${this.maxInputBlock}, input.length)], got ${String(n)}`);
    }
    if (output.length < this.maxOutputSamples(n)) {
      throw new Error(`StreamingResampler.process: output holds ${output.length} samples, needs ${this.maxOutputSamples(n)}`);
    }
    const kernel = this.kernel;
    const { left, right, num, den } = kernel;
    const buf = this.buf;
    const at = this.bufLength;
    for (let k = 0; k < n; k++) buf[at + k] = input[k]!;
    this.bufLength += n;
    this.received += n;

    const last = this.received - 1;
    let i0 = this.i0;
    let phase = this.phase;
    let written = 0;
    while (i0 + right <= last) {
      output[written++] = kernelOutput(kernel, buf, i0 - left - this.bufStart, phase);
      phase += num;
      if (phase >= den) {
        const q = Math.floor(phase / den);
        i0 += q;
        phase -= q * den;
      }
    }
    this.i0 = i0;
    this.phase = phase;

    // Drop history the next output no longer needs. The loop stopped with i0 + right > last, so
    // the next window starts at or before the end of the received input: 0 <= drop <= bufLength.
    const drop = i0 - left - this.bufStart;
    if (drop > 0) {
      buf.copyWithin(0, drop, this.bufLength);
      this.bufStart += drop;
      this.bufLength -= drop;
    }
    return written;
  }
}
