/**
 * The rig: its blocks in signal order, and everything derived from their manifests.
 *
 *   input → [gate trigger] → NAM model → gate gain → tone stack → cab → DC blocker → output
 *
 * `RIG_CHAIN` is the only list. The gate appears once, after the model: its sidechain (the trigger)
 * taps the model's input. Adding a block is one module under `blocks/` and one line here.
 *
 * Generated from the manifests, never written by hand:
 *   - `paramIndex()`   the flat list of `blockId.paramId` with specs, in chain order (UI, CLI, preset
 *                      schema, host parameters); user parameters only unless asked for all;
 *   - `defaultParams()` every parameter's default, by qualified id;
 *   - `clampParam(id, v)` v limited to the range (and rounded, for on/off and enums);
 *   - `parseCliKnobFlag('--tone.bass=7')` a command-line knob, checked against its spec.
 * `createRegistry(chain)` validates a chain and builds these for it (tests add a fake block this way).
 */
import type { AnyBlock, ParamScope, ParamSpec, QualifiedId } from './manifest.ts';
import { RigError } from './errors.ts';
import { inputBlock } from './blocks/input.ts';
import { gateBlock } from './blocks/gate.ts';
import { toneStackBlock } from './blocks/tone-stack.ts';
import { cabBlock } from './blocks/cab.ts';
import { dcBlockerBlock } from './blocks/dc-blocker.ts';
import { outputBlock } from './blocks/output.ts';

/** The place of the NAM model in the chain. It runs outside the Elementary graph. */
export const MODEL = { kind: 'model', label: 'NAM model' } as const;
export type ModelStage = typeof MODEL;
export type ChainEntry = AnyBlock | ModelStage;

export const RIG_CHAIN: readonly ChainEntry[] = [
  inputBlock,
  MODEL,
  gateBlock, // its trigger taps the model's input; its gain acts here
  toneStackBlock,
  cabBlock,
  dcBlockerBlock,
  outputBlock,
];

/** One parameter in the flat index. */
export interface IndexedParam {
  /** `blockId.paramId`. */
  readonly id: QualifiedId;
  readonly blockId: string;
  readonly blockLabel: string;
  readonly spec: ParamSpec;
}

/** Parameter values by qualified id. */
export type ParamState = Readonly<Record<QualifiedId, number>>;

export interface ScopeOption {
  /** `user` (the default): what the UI, CLI, presets and host see. `all`: engine parameters too. */
  readonly scope?: 'user' | 'all';
}

/** A parsed command-line knob. */
export interface KnobSetting {
  readonly id: QualifiedId;
  readonly value: number;
}

export interface RigRegistry {
  readonly chain: readonly ChainEntry[];
  /** The blocks, in chain order (without the model). */
  readonly blocks: readonly AnyBlock[];
  block(id: string): AnyBlock;
  paramIndex(options?: ScopeOption): readonly IndexedParam[];
  /** A parameter by qualified id, of any scope; throws `unknown-param`. */
  lookup(id: string): IndexedParam;
  defaultParams(options?: ScopeOption): Record<QualifiedId, number>;
  clampParam(id: string, value: number): number;
  parseCliKnobFlag(arg: string): KnobSetting;
}

const ID = /^[a-z][A-Za-z0-9]*$/;

export const isModelStage = (entry: ChainEntry): entry is ModelStage => entry === MODEL;

const scopeOf = (spec: ParamSpec): ParamScope => spec.scope ?? 'user';
const isDiscrete = (spec: ParamSpec): boolean => spec.unit === 'on/off' || spec.unit === 'enum';

function checkSpec(spec: ParamSpec, path: string): void {
  const bad = (problem: string): never => {
    throw new RigError('invalid-manifest', path, problem);
  };
  if (!ID.test(spec.id)) bad('parameter ids are lower camel case letters and digits');
  if (!Number.isFinite(spec.min) || !Number.isFinite(spec.max) || !(spec.min < spec.max)) bad(`needs finite min < max, got ${spec.min}..${spec.max}`);
  if (!(spec.default >= spec.min && spec.default <= spec.max)) bad(`default ${spec.default} is outside ${spec.min}..${spec.max}`);
  if (spec.step !== undefined && !(spec.step > 0)) bad(`step must be > 0, got ${spec.step}`);
  if (spec.taper === 'log' && !(spec.min > 0)) bad('a log taper needs min > 0');
  if ((spec.unit === 'enum') !== (spec.options !== undefined)) bad('options are given exactly for enum parameters');
  if (isDiscrete(spec)) {
    const count = spec.unit === 'enum' ? (spec.options?.length ?? 0) : 2;
    if (spec.min !== 0 || spec.max !== count - 1) bad(`a ${spec.unit} parameter ranges 0..${count - 1}, got ${spec.min}..${spec.max}`);
    if (!Number.isInteger(spec.default)) bad(`a ${spec.unit} default is an integer, got ${spec.default}`);
    if (spec.step !== 1) bad(`a ${spec.unit} parameter has step 1`);
  }
}

function checkChain(chain: readonly ChainEntry[]): void {
  const models = chain.filter(isModelStage).length;
  if (models !== 1) throw new RigError('invalid-manifest', 'chain', `needs exactly one MODEL stage, got ${models}`);
  const modelAt = chain.indexOf(MODEL);
  const blockIds = new Set<string>();
  chain.forEach((entry, i) => {
    if (isModelStage(entry)) return;
    const path = entry.id;
    if (!ID.test(entry.id)) throw new RigError('invalid-manifest', path, 'block ids are lower camel case letters and digits');
    if (blockIds.has(entry.id)) throw new RigError('invalid-manifest', path, 'two blocks have this id');
    blockIds.add(entry.id);
    const paramIds = new Set<string>();
    for (const spec of entry.params) {
      if (paramIds.has(spec.id)) throw new RigError('invalid-manifest', `${path}.${spec.id}`, 'two parameters of the block have this id');
      paramIds.add(spec.id);
      checkSpec(spec, `${path}.${spec.id}`);
    }
    const resourceIds = new Set<string>();
    for (const r of entry.resources ?? []) {
      if (!ID.test(r.id) || resourceIds.has(r.id)) throw new RigError('invalid-manifest', `${path}.${r.id}`, 'resource ids are unique lower camel case');
      resourceIds.add(r.id);
    }
    if (entry.sidechain && i < modelAt) throw new RigError('invalid-manifest', path, 'a block whose sidechain taps the model input must come after the model');
  });
}

const ON = new Set(['on', 'true', 'yes', '1']);
const OFF = new Set(['off', 'false', 'no', '0']);

function describeRange(spec: ParamSpec): string {
  return `a number from ${spec.min} to ${spec.max}${spec.unit && spec.unit !== 'enum' ? ` ${spec.unit}` : ''}`;
}

/** Parses a command-line value for one parameter; throws `bad-value` naming what is accepted. */
function parseValue(p: IndexedParam, raw: string): number {
  const { spec } = p;
  const text = raw.trim().toLowerCase();
  if (spec.unit === 'on/off') {
    if (ON.has(text)) return 1;
    if (OFF.has(text)) return 0;
    throw new RigError('bad-value', p.id, `must be on or off, got "${raw}"`);
  }
  if (spec.unit === 'enum') {
    const options = spec.options ?? [];
    const byName = options.findIndex((o) => o.toLowerCase() === text);
    if (byName >= 0) return byName;
    const index = Number(text);
    if (text !== '' && Number.isInteger(index) && index >= 0 && index < options.length) return index;
    throw new RigError('bad-value', p.id, `must be one of ${options.map((o) => o.toLowerCase()).join(', ')}, got "${raw}"`);
  }
  const v = Number(text);
  if (text === '' || !Number.isFinite(v) || v < spec.min || v > spec.max) throw new RigError('bad-value', p.id, `must be ${describeRange(spec)}, got "${raw}"`);
  return v;
}

/** True when `arg` looks like a knob flag (`--block.param…`), as opposed to an ordinary option. */
export function isCliKnobFlag(arg: string): boolean {
  return /^--[a-z][A-Za-z0-9]*\.[A-Za-z0-9]/.test(arg);
}

export function createRegistry(chain: readonly ChainEntry[]): RigRegistry {
  checkChain(chain);
  const blocks = chain.filter((e): e is AnyBlock => !isModelStage(e));
  const all: readonly IndexedParam[] = blocks.flatMap((b) =>
    b.params.map((spec): IndexedParam => ({ id: `${b.id}.${spec.id}`, blockId: b.id, blockLabel: b.label, spec })),
  );
  const user = all.filter((p) => scopeOf(p.spec) === 'user');
  const byId = new Map(all.map((p) => [p.id as string, p]));
  const select = (options?: ScopeOption): readonly IndexedParam[] => (options?.scope === 'all' ? all : user);

  const lookup = (id: string): IndexedParam => {
    const p = byId.get(id);
    if (!p) throw new RigError('unknown-param', id, `no such parameter (known: ${user.map((q) => q.id).join(', ')})`);
    return p;
  };

  return {
    chain,
    blocks,
    block(id) {
      const b = blocks.find((x) => x.id === id);
      if (!b) throw new RigError('unknown-block', id, `no such block (known: ${blocks.map((x) => x.id).join(', ')})`);
      return b;
    },
    paramIndex: select,
    lookup,
    defaultParams(options) {
      return Object.fromEntries(select(options).map((p) => [p.id, p.spec.default])) as Record<QualifiedId, number>;
    },
    clampParam(id, value) {
      const { spec } = lookup(id);
      if (!Number.isFinite(value)) throw new RigError('bad-value', id, `must be a finite number, got ${value}`);
      const v = isDiscrete(spec) ? Math.round(value) : value;
      return Math.min(spec.max, Math.max(spec.min, v));
    },
    parseCliKnobFlag(arg) {
      const m = /^--([^=]+)=(.*)$/s.exec(arg);
      if (!m) throw new RigError('bad-flag', arg, 'a knob flag looks like --block.param=value (e.g. --tone.bass=7)');
      const p = lookup(m[1]!);
      if (scopeOf(p.spec) !== 'user') throw new RigError('unknown-param', p.id, 'is driven by the engine, not settable');
      return { id: p.id, value: parseValue(p, m[2]!) };
    },
  };
}

/** The rig as built from `RIG_CHAIN`. */
export const rig: RigRegistry = createRegistry(RIG_CHAIN);

export const paramIndex = rig.paramIndex;
export const defaultParams = rig.defaultParams;
export const clampParam = rig.clampParam;
export const parseCliKnobFlag = rig.parseCliKnobFlag;
