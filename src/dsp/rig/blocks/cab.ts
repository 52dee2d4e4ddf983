/**
 * Cab: the impulse response, by `el.convolve` (mono, zero latency, partitioned), with a crossfade
 * between two convolvers so an IR change never clicks (`el.convolve` itself swaps hard).
 *
 *   wet_s = k · convolve(IR_s, x)   for each loaded slot s ∈ {irA, irB}; an empty slot passes x
 *   wet   = wet_A + mix · (wet_B − wet_A)          mix: 0 → slot A, 1 → slot B (engine-driven, el.sm)
 *   y     = x + enabled · (wet − x)
 *   k     = 10^(−18/20) · 48000 / fs               the plugin's IR gain (AudioDSPTools
 *                                                  `ImpulseResponse::_SetWeights`: "IRs are too loud")
 *
 * Swapping IRs: the engine loads the new IR under a fresh VFS key into the slot `mix` is away from
 * (one re-render: the convolver is keyed by its slot, so only its `path` property changes and nothing
 * downstream is rebuilt), then moves the `cab.mix` ref to that slot. It must not reload a slot before
 * the previous crossfade has settled (≈ 5 × 20 ms). The IR itself must already be resampled to the
 * graph's rate and cut to `IR_MAX_SAMPLES`, as the plugin does. Both convolvers run while the cab is on
 * or off: switching is click-free, at the price of the CPU.
 */
import { el, type NodeRepr_t } from '@elemaudio/core';
import { defineBlock } from '../manifest.ts';
import { select } from '../signal-math.ts';

/** The plugin's IR length limit, in samples at the host rate. */
export const IR_MAX_SAMPLES = 8192;

/** The gain the plugin applies to an IR at the host rate `sampleRate`: 10^(−18/20) · 48000 / fs. */
export function irGain(sampleRate: number): number {
  return 10 ** (-18 / 20) * (48000 / sampleRate);
}

export type IrSlot = 'irA' | 'irB';

/** One slot's wet signal: its IR's convolution (keyed by slot) times the IR gain, or `x` when empty. */
export function irSlot(x: NodeRepr_t, slot: IrSlot, path: string | undefined, sampleRate: number): NodeRepr_t {
  if (path === undefined) return x;
  return el.mul(irGain(sampleRate), el.convolve({ key: `cab.${slot}`, path }, x));
}

export const cabBlock = defineBlock({
  id: 'cab',
  label: 'Cab (IR)',
  params: [
    { id: 'enabled', label: 'IR', min: 0, max: 1, default: 1, unit: 'on/off', taper: 'linear', step: 1 },
    { id: 'mix', label: 'IR crossfade (A → B)', min: 0, max: 1, default: 0, unit: '', taper: 'linear', scope: 'engine' },
  ],
  resources: [
    { id: 'irA', label: 'IR slot A', kind: 'ir' },
    { id: 'irB', label: 'IR slot B', kind: 'ir' },
  ],
  graph(x, p, ctx) {
    const a = irSlot(x, 'irA', p.resource('irA'), ctx.sampleRate);
    const b = irSlot(x, 'irB', p.resource('irB'), ctx.sampleRate);
    const wet = select(p.param('mix'), b, a);
    return el.add(x, el.mul(p.param('enabled'), el.sub(wet, x)));
  },
});
