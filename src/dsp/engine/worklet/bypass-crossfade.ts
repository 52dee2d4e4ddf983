/**
 * The bypass switch's crossfade: the rig keeps running and its output is mixed with the dry input,
 * with the mix moving linearly over BYPASS_FADE_S, so switching bypass never clicks.
 */
/** Bypass crossfade time. */
export const BYPASS_FADE_S = 0.01;

/**
 * y = mix·y + (1 − mix)·x, with mix moving linearly toward `target` by `step` per sample;
 * returns the new mix. At mix 1 the rig output is left untouched; at 0 it is the dry input.
 */
export function crossfadeToDry(x: Float32Array, y: Float32Array, n: number, mix: number, target: number, step: number): number {
  if (mix === target) {
    if (target === 0) for (let i = 0; i < n; i++) y[i] = x[i]!;
    return mix;
  }
  let m = mix;
  for (let i = 0; i < n; i++) {
    m = target > m ? Math.min(target, m + step) : Math.max(target, m - step);
    y[i] = m * y[i]! + (1 - m) * x[i]!;
  }
  return m;
}

