/**
 * The rig's level meters. `el.meter({name}, x)` passes `x` through unchanged and reports the block's
 * `{min, max}` to the engine under `name` (poll with `processQueuedEvents`; only the latest reading is
 * kept). Like the NAM plugin, `in` reads the signal after the input gain and `out` the final output.
 */
import { el, type NodeRepr_t } from '@elemaudio/core';

export const METER_NAMES = ['in', 'out'] as const;
export type MeterName = (typeof METER_NAMES)[number];

/** `x`, passed through a meter reporting as `name`. */
export function meter(name: MeterName, x: NodeRepr_t): NodeRepr_t {
  return el.meter({ name }, x);
}
