/**
 * The lowest and highest sample seen since the last reading: what the rig's `in` and `out` meters
 * report. Elementary's `el.meter` node keeps only the latest block's `{min, max}` (and drops it after
 * exactly 32·k unread blocks, see meter-poll.ts), so a peak in any block between two polls would be
 * missed; the engine feeds every block through one of these instead. `add` allocates nothing.
 */
import type { MeterReading } from './rig-engine.ts';

export class PeakTracker {
  private min = Infinity;
  private max = -Infinity;

  /** Takes in the first n samples of x. */
  add(x: Float32Array, n: number): void {
    let lo = this.min;
    let hi = this.max;
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.min = lo;
    this.max = hi;
  }

  /**
   * The peak |sample| since the previous reading, written into `into[at]` (−1 when no samples came in),
   * and starts over. Allocates nothing (a returned double may be boxed; a typed-array store is not).
   */
  takePeakInto(into: Float32Array, at: number): void {
    into[at] = this.min > this.max ? -1 : Math.max(Math.abs(this.min), Math.abs(this.max));
    this.min = Infinity;
    this.max = -Infinity;
  }

  /** The range since the previous `take` (undefined when no samples came in), and starts over. */
  take(): MeterReading | undefined {
    if (this.min > this.max) return undefined;
    const reading = { min: this.min, max: this.max };
    this.min = Infinity;
    this.max = -Infinity;
    return reading;
  }
}
