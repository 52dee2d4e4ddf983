/**
 * Which control each rig parameter gets, generated from the flat `paramIndex()`: on/off → toggle,
 * enum → segmented buttons, anything else → knob. Grouped by block in chain order, one control per
 * parameter, nothing written by hand (a new block or parameter shows up in the UI by itself).
 */
import type { IndexedParam } from '../dsp/rig/registry.ts';

export type ControlKind = 'knob' | 'toggle' | 'segmented';

export interface ControlDef {
  readonly kind: ControlKind;
  readonly param: IndexedParam;
}

export interface ControlGroup {
  readonly blockId: string;
  readonly label: string;
  readonly controls: readonly ControlDef[];
}

export function controlKind(p: IndexedParam): ControlKind {
  if (p.spec.unit === 'on/off') return 'toggle';
  if (p.spec.unit === 'enum') return 'segmented';
  return 'knob';
}

/** The index grouped by block, keeping the index's order. */
export function controlGroups(index: readonly IndexedParam[]): ControlGroup[] {
  const groups: { blockId: string; label: string; controls: ControlDef[] }[] = [];
  for (const param of index) {
    let g = groups.find((x) => x.blockId === param.blockId);
    if (!g) groups.push((g = { blockId: param.blockId, label: param.blockLabel, controls: [] }));
    g.controls.push({ kind: controlKind(param), param });
  }
  return groups;
}
