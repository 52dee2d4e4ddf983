/** The bypass crossfade: linear, bounded steps, exact at both ends. */
import { describe, expect, it } from 'vitest';
import { BYPASS_FADE_S, crossfadeToDry } from '../../src/dsp/engine/worklet/bypass-crossfade.ts';

describe('bypass crossfade', () => {
  const sr = 48000;
  const step = 1 / (BYPASS_FADE_S * sr);
  const x = new Float32Array(128).fill(1); // dry
  it('leaves the rig output untouched at mix 1 and gives the dry input at mix 0', () => {
    const y = new Float32Array(128).fill(-1);
    expect(crossfadeToDry(x, y, 128, 1, 1, step)).toBe(1);
    expect(y.every((v) => v === -1)).toBe(true);
    expect(crossfadeToDry(x, y, 128, 0, 0, step)).toBe(0);
    expect(y.every((v) => v === 1)).toBe(true);
  });
  it('ramps linearly over the fade time, with no step larger than the ramp allows', () => {
    let mix = 1;
    let prev = -1;
    let blocks = 0;
    let worstJump = 0;
    while (mix > 0 && blocks < 100) {
      const y = new Float32Array(128).fill(-1); // rig output −1, dry +1: output goes from −1 to +1
      mix = crossfadeToDry(x, y, 128, mix, 0, step);
      for (const v of y) {
        worstJump = Math.max(worstJump, Math.abs(v - prev));
        prev = v;
      }
      blocks++;
    }
    expect(mix).toBe(0);
    // 10 ms at 48 kHz = 480 samples = 3.75 blocks of 128.
    expect(blocks).toBe(Math.ceil((BYPASS_FADE_S * sr) / 128));
    expect(worstJump).toBeLessThanOrEqual(2 * step + 1e-6);
  });
});
