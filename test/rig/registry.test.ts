/**
 * The registry's generators are derived from the manifests: defaults, the flat index, clamping and
 * command-line parsing; a new block added to a chain shows up in all of them and in the graph; bad
 * manifests are refused with a typed error naming the place.
 */
import { describe, expect, it } from 'vitest';
import { el } from '@elemaudio/core';
import { RigError } from '../../src/dsp/rig/errors.ts';
import { defineBlock, type AnyBlock, type ParamSpec } from '../../src/dsp/rig/manifest.ts';
import {
  MODEL,
  RIG_CHAIN,
  clampParam,
  createRegistry,
  defaultParams,
  isCliKnobFlag,
  isModelStage,
  paramIndex,
  parseCliKnobFlag,
  rig,
  type ChainEntry,
} from '../../src/dsp/rig/registry.ts';
import { buildRig } from '../../src/dsp/rig/chain.ts';
import { constParamSource } from '../../src/dsp/rig/param-source.ts';
import { findAll, kindsOf, props } from './graph.ts';

/** The official plugin's parameters (NeuralAmpModeler.cpp), written out independently. */
const PLUGIN_DEFAULTS = {
  'input.gain': 0,
  'input.calibrate': 0,
  'input.calibrationLevel': 12,
  'gate.enabled': 1,
  'gate.threshold': -80,
  'tone.enabled': 1,
  'tone.bass': 5,
  'tone.mid': 5,
  'tone.treble': 5,
  'cab.enabled': 1,
  'output.mode': 1,
  'output.gain': 0,
};

const PLUGIN_RANGES: Record<string, [number, number]> = {
  'input.gain': [-20, 20],
  'input.calibrationLevel': [-60, 60],
  'gate.threshold': [-100, 0],
  'tone.bass': [0, 10],
  'tone.mid': [0, 10],
  'tone.treble': [0, 10],
  'output.gain': [-40, 40],
  'output.mode': [0, 2],
};

const blocksOf = (chain: readonly ChainEntry[]): AnyBlock[] => chain.filter((e): e is AnyBlock => !isModelStage(e));

const ctx = { sampleRate: 48000, model: {} };

function expectRigError(fn: () => unknown, code: RigError['code'], path?: string): RigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RigError);
    const err = e as RigError;
    expect(err.code).toBe(code);
    if (path !== undefined) expect(err.path).toBe(path);
    expect(err.message).toContain(err.path);
    return err;
  }
  throw new Error(`expected a RigError ${code}`);
}

describe('the rig chain', () => {
  it('is input → model → gate → tone → cab → dc → output, with the gate trigger tapping the model input', () => {
    expect(RIG_CHAIN.map((e) => (isModelStage(e) ? 'MODEL' : e.id))).toEqual(['input', 'MODEL', 'gate', 'tone', 'cab', 'dc', 'output']);
    expect(blocksOf(RIG_CHAIN).filter((b) => b.sidechain).map((b) => [b.id, b.sidechain?.tap])).toEqual([['gate', 'model-input']]);
  });
});

describe('defaultParams', () => {
  it('gives the plugin defaults for every user parameter, and nothing else', () => {
    expect(defaultParams()).toEqual(PLUGIN_DEFAULTS);
  });

  it('adds the engine-driven parameters when asked for all', () => {
    expect(defaultParams({ scope: 'all' })).toEqual({ ...PLUGIN_DEFAULTS, 'cab.mix': 0 });
  });

  it('is each manifest spec default, read straight from the blocks', () => {
    const fromManifests = Object.fromEntries(blocksOf(RIG_CHAIN).flatMap((b) => b.params.map((p) => [`${b.id}.${p.id}`, p.default])));
    expect(defaultParams({ scope: 'all' })).toEqual(fromManifests);
  });
});

describe('paramIndex', () => {
  it('is the manifests flattened in chain order, with the very spec objects', () => {
    const expected = blocksOf(RIG_CHAIN).flatMap((b) => b.params.filter((p) => (p.scope ?? 'user') === 'user').map((p) => ({ id: `${b.id}.${p.id}`, blockId: b.id, blockLabel: b.label, spec: p })));
    const index = paramIndex();
    expect(index).toEqual(expected);
    index.forEach((entry, i) => expect(entry.spec).toBe(expected[i]!.spec));
  });

  it('has the plugin ranges and units', () => {
    const byId = new Map(paramIndex().map((p) => [p.id, p.spec]));
    for (const [id, [min, max]] of Object.entries(PLUGIN_RANGES)) expect([byId.get(id as `${string}.${string}`)?.min, byId.get(id as `${string}.${string}`)?.max]).toEqual([min, max]);
    expect(byId.get('output.mode')?.options).toEqual(['Raw', 'Normalized', 'Calibrated']);
    expect(byId.get('input.calibrationLevel')?.unit).toBe('dBu');
    expect(paramIndex().filter((p) => p.spec.unit === 'on/off').map((p) => p.id)).toEqual(['input.calibrate', 'gate.enabled', 'tone.enabled', 'cab.enabled']);
  });

  it('hides engine parameters unless asked for all', () => {
    expect(paramIndex().some((p) => p.id === 'cab.mix')).toBe(false);
    expect(paramIndex({ scope: 'all' }).find((p) => p.id === 'cab.mix')?.spec.scope).toBe('engine');
  });
});

describe('clampParam', () => {
  it('limits to the range', () => {
    expect(clampParam('tone.bass', 11)).toBe(10);
    expect(clampParam('tone.bass', -1)).toBe(0);
    expect(clampParam('tone.bass', 7.25)).toBe(7.25);
    expect(clampParam('gate.threshold', -150)).toBe(-100);
    expect(clampParam('output.gain', 50)).toBe(40);
  });

  it('rounds discrete parameters to an option', () => {
    expect(clampParam('gate.enabled', 0.6)).toBe(1);
    expect(clampParam('gate.enabled', 0.4)).toBe(0);
    expect(clampParam('output.mode', 1.7)).toBe(2);
    expect(clampParam('output.mode', 9)).toBe(2);
  });

  it('refuses non-finite values and unknown ids', () => {
    expectRigError(() => clampParam('tone.bass', Number.NaN), 'bad-value', 'tone.bass');
    expectRigError(() => clampParam('tone.bas', 5), 'unknown-param', 'tone.bas');
  });
});

describe('parseCliKnobFlag', () => {
  it('parses numbers, on/off and enum names or indices', () => {
    expect(parseCliKnobFlag('--tone.bass=7')).toEqual({ id: 'tone.bass', value: 7 });
    expect(parseCliKnobFlag('--gate.threshold=-62.5')).toEqual({ id: 'gate.threshold', value: -62.5 });
    expect(parseCliKnobFlag('--gate.enabled=off')).toEqual({ id: 'gate.enabled', value: 0 });
    expect(parseCliKnobFlag('--input.calibrate=ON')).toEqual({ id: 'input.calibrate', value: 1 });
    expect(parseCliKnobFlag('--output.mode=calibrated')).toEqual({ id: 'output.mode', value: 2 });
    expect(parseCliKnobFlag('--output.mode=0')).toEqual({ id: 'output.mode', value: 0 });
  });

  it('refuses out-of-range and malformed values, naming what is accepted', () => {
    expect(expectRigError(() => parseCliKnobFlag('--tone.bass=11'), 'bad-value', 'tone.bass').message).toContain('from 0 to 10');
    expect(expectRigError(() => parseCliKnobFlag('--output.gain=loud'), 'bad-value', 'output.gain').message).toContain('-40 to 40 dB');
    expectRigError(() => parseCliKnobFlag('--tone.bass='), 'bad-value', 'tone.bass');
    expect(expectRigError(() => parseCliKnobFlag('--gate.enabled=maybe'), 'bad-value').message).toContain('on or off');
    expect(expectRigError(() => parseCliKnobFlag('--output.mode=loud'), 'bad-value').message).toContain('raw, normalized, calibrated');
    expectRigError(() => parseCliKnobFlag('--output.mode=3'), 'bad-value');
  });

  it('refuses unknown ids, engine parameters and flags without a value', () => {
    expectRigError(() => parseCliKnobFlag('--tone.presence=3'), 'unknown-param', 'tone.presence');
    expectRigError(() => parseCliKnobFlag('--cab.mix=1'), 'unknown-param', 'cab.mix');
    expectRigError(() => parseCliKnobFlag('--tone.bass'), 'bad-flag');
    expectRigError(() => parseCliKnobFlag('tone.bass=3'), 'bad-flag');
  });

  it('tells knob flags from ordinary options', () => {
    expect(isCliKnobFlag('--tone.bass=7')).toBe(true);
    expect(isCliKnobFlag('--model=x.nam')).toBe(false);
    expect(isCliKnobFlag('--input-gain')).toBe(false);
    expect(isCliKnobFlag('in.wav')).toBe(false);
  });
});

/** A block that exists only in this test. */
const fuzzBlock = defineBlock({
  id: 'fuzz',
  label: 'Fuzz',
  params: [
    { id: 'drive', label: 'Drive', min: 0, max: 10, default: 3, unit: '', taper: 'linear', step: 0.1 },
    { id: 'voicing', label: 'Voicing', min: 0, max: 2, default: 0, unit: 'enum', taper: 'linear', step: 1, options: ['Smooth', 'Gated', 'Octave'] },
  ],
  graph: (x, p) => el.tanh(el.mul(x, el.add(1, p.param('drive')))),
});

describe('a new block added through the registry', () => {
  const chain = [...RIG_CHAIN.slice(0, 4), fuzzBlock, ...RIG_CHAIN.slice(4)];
  const reg = createRegistry(chain);

  it('shows up in the defaults, the index (in chain order), clamping and the CLI', () => {
    expect(reg.defaultParams()).toEqual({ ...PLUGIN_DEFAULTS, 'fuzz.drive': 3, 'fuzz.voicing': 0 });
    const ids = reg.paramIndex().map((p) => p.id);
    expect(ids.slice(ids.indexOf('tone.treble') + 1, ids.indexOf('cab.enabled'))).toEqual(['fuzz.drive', 'fuzz.voicing']);
    expect(reg.clampParam('fuzz.drive', 12)).toBe(10);
    expect(reg.parseCliKnobFlag('--fuzz.voicing=octave')).toEqual({ id: 'fuzz.voicing', value: 2 });
    expect(reg.block('fuzz')).toBe(fuzzBlock);
  });

  it('shows up in the graph, reading its knob live', () => {
    const graph = buildRig(el.in({ channel: 0 }), (x) => x, constParamSource(reg.defaultParams({ scope: 'all' })), ctx, reg);
    expect(kindsOf(graph).has('tanh')).toBe(true);
    expect(findAll(graph, 'const').some((n) => props(n).key === 'fuzz.drive')).toBe(true);
  });

  it('leaves the default rig alone', () => {
    expect(rig.paramIndex().some((p) => p.blockId === 'fuzz')).toBe(false);
    expectRigError(() => rig.block('fuzz'), 'unknown-block', 'fuzz');
  });
});

describe('reading parameters', () => {
  it('fails at build time, naming the id, when a block reads a parameter that does not exist', () => {
    const typo = defineBlock({ id: 'typo', label: 'Typo', params: [], graph: (x, p) => el.mul(x, p.param('tone.bas')) });
    const reg = createRegistry([...RIG_CHAIN, typo]);
    expectRigError(() => buildRig(el.in({ channel: 0 }), (x) => x, constParamSource(reg.defaultParams({ scope: 'all' })), ctx, reg), 'unknown-param', 'tone.bas');
  });

  it("checks a block's own ids at compile time", () => {
    defineBlock({
      id: 'checked',
      label: 'Checked',
      params: [{ id: 'level', label: 'Level', min: 0, max: 1, default: 1, unit: '', taper: 'linear' }],
      // @ts-expect-error 'levle' is not a parameter of this block
      graph: (x, p) => el.mul(x, p.param('levle')),
    });
  });
});

describe('manifest validation', () => {
  const spec = (over: Partial<ParamSpec>): ParamSpec => ({ id: 'p', label: 'P', min: 0, max: 1, default: 0, unit: '', taper: 'linear', ...over });
  const block = (id: string, params: ParamSpec[], extra: Partial<AnyBlock> = {}): AnyBlock => ({ id, label: id, params, graph: (x) => x, ...extra });
  const withBlock = (b: AnyBlock): ChainEntry[] => [...RIG_CHAIN, b];

  it('refuses duplicate block and parameter ids, and ids with dots', () => {
    expectRigError(() => createRegistry(withBlock(block('tone', []))), 'invalid-manifest', 'tone');
    expectRigError(() => createRegistry(withBlock(block('x', [spec({}), spec({})]))), 'invalid-manifest', 'x.p');
    expectRigError(() => createRegistry(withBlock(block('x.y', []))), 'invalid-manifest', 'x.y');
    expectRigError(() => createRegistry(withBlock(block('x', [spec({ id: 'a.b' })]))), 'invalid-manifest', 'x.a.b');
  });

  it('refuses bad ranges, defaults, steps and tapers', () => {
    expectRigError(() => createRegistry(withBlock(block('x', [spec({ min: 1, max: 1, default: 1 })]))), 'invalid-manifest', 'x.p');
    expectRigError(() => createRegistry(withBlock(block('x', [spec({ default: 2 })]))), 'invalid-manifest', 'x.p');
    expectRigError(() => createRegistry(withBlock(block('x', [spec({ step: 0 })]))), 'invalid-manifest', 'x.p');
    expectRigError(() => createRegistry(withBlock(block('x', [spec({ taper: 'log' })]))), 'invalid-manifest', 'x.p');
  });

  it('refuses discrete parameters that do not match their options', () => {
    expectRigError(() => createRegistry(withBlock(block('x', [spec({ unit: 'enum', max: 2, step: 1, options: ['a', 'b'] })]))), 'invalid-manifest', 'x.p');
    expectRigError(() => createRegistry(withBlock(block('x', [spec({ unit: 'enum', max: 1, step: 1 })]))), 'invalid-manifest', 'x.p');
    expectRigError(() => createRegistry(withBlock(block('x', [spec({ unit: 'on/off', max: 2, step: 1 })]))), 'invalid-manifest', 'x.p');
    expectRigError(() => createRegistry(withBlock(block('x', [spec({ unit: 'on/off', default: 0.5, step: 1 })]))), 'invalid-manifest', 'x.p');
    expectRigError(() => createRegistry(withBlock(block('x', [spec({ unit: 'on/off' })]))), 'invalid-manifest', 'x.p');
    expectRigError(() => createRegistry(withBlock(block('x', [spec({ options: ['a', 'b'] })]))), 'invalid-manifest', 'x.p');
  });

  it('needs exactly one model, and sidechains after it', () => {
    expectRigError(() => createRegistry(RIG_CHAIN.filter((e) => !isModelStage(e))), 'invalid-manifest', 'chain');
    expectRigError(() => createRegistry([...RIG_CHAIN, MODEL]), 'invalid-manifest', 'chain');
    const early = block('early', [], { sidechain: { tap: 'model-input', graph: (x) => x } });
    expectRigError(() => createRegistry([early, ...RIG_CHAIN]), 'invalid-manifest', 'early');
  });
});
