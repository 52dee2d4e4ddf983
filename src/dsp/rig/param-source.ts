/**
 * Where live values come from, and how a block sees them.
 *
 * The engine implements `ParamSource`: `raw('tone.bass')` returns the node carrying that parameter's
 * live value (in a running rig, the node of `renderer.createRef('const', {value}, [])`, created once
 * per parameter and reused by every render, its setter called when the knob moves), and
 * `resource('cab.irA')` the VFS key loaded in a slot, and `level('loudness')` the model's level metadata as
 * live nodes (refs too). `bindParams` turns a source into one block's
 * `ParamValues`: local ids are qualified with the block's id, every id is checked against the
 * registry (a typo fails when the graph is built, naming the id), and `param()` adds `el.sm`.
 *
 * `constParamSource` is the static source for offline renders and tests: keyed `el.const` nodes, so a
 * re-render with a new value is a property update, not a new node.
 */
import { el, type NodeRepr_t } from '@elemaudio/core';
import { levelNumbers, type AnyBlock, type LevelSignal, type ModelLevelName, type ParamValues, type QualifiedId } from './manifest.ts';
import type { RigRegistry } from './registry.ts';
import { RigError } from './errors.ts';

export interface ParamSource {
  /** The live value of a parameter, as a node. */
  raw(id: QualifiedId): NodeRepr_t;
  /** The VFS key loaded in a resource slot (`blockId.slotId`), or undefined when the slot is empty. */
  resource(id: QualifiedId): string | undefined;
  /** The model's level as live nodes; absent in static sources (blocks then read `ctx.model`). */
  level?(name: ModelLevelName): LevelSignal;
}

/** A source of fixed values: `el.const({key: id, value})` per parameter. */
export function constParamSource(values: Readonly<Record<string, number>>, resources: Readonly<Record<string, string>> = {}): ParamSource {
  return {
    raw(id) {
      const value = values[id];
      if (value === undefined) throw new RigError('unknown-param', id, 'has no value in this source');
      return el.const({ key: id, value });
    },
    resource: (id) => resources[id],
  };
}

/** `block`'s view of `source`, with every parameter id checked against `registry`. */
export function bindParams(registry: RigRegistry, block: AnyBlock, source: ParamSource): ParamValues {
  const qualify = (id: string): QualifiedId => (id.includes('.') ? (id as QualifiedId) : `${block.id}.${id}`);
  const raw = (id: string): NodeRepr_t => source.raw(registry.lookup(qualify(id)).id);
  return {
    raw,
    param: (id) => el.sm(raw(id)),
    resource(id) {
      if (!(block.resources ?? []).some((r) => r.id === id)) throw new RigError('unknown-resource', `${block.id}.${id}`, 'the block declares no such resource slot');
      return source.resource(`${block.id}.${id}`);
    },
    level: (name, ctx) => source.level?.(name) ?? levelNumbers(ctx.model, name),
  };
}
