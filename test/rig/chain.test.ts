/**
 * The whole chain: the split around the model, every parameter live in the graph, no knob needing a
 * re-render, and the rig run end to end in the interpreter with an identity model.
 */
import { describe, expect, it } from 'vitest';
import { el } from '@elemaudio/core';
import { buildPostModel, buildPreModel, buildRig } from '../../src/dsp/rig/chain.ts';
import { constParamSource } from '../../src/dsp/rig/param-source.ts';
import { defaultParams, paramIndex } from '../../src/dsp/rig/registry.ts';
import { RigError } from '../../src/dsp/rig/errors.ts';
import { findAll, props, simulate, sine, tailAmplitude } from './graph.ts';

const fs = 48000;
const input = el.in({ channel: 0 });
const identity = (x: typeof input) => x;
const allDefaults = defaultParams({ scope: 'all' });

describe('rig chain', () => {
  it('splits around the model: input (metered) before it, the gate trigger at its input', () => {
    const pre = buildPreModel(input, constParamSource(allDefaults), { sampleRate: fs, model: {} });
    expect(pre.modelInput.kind).toBe('meter');
    expect(props(pre.modelInput).name).toBe('in');
    expect([...pre.sidechains.keys()]).toEqual(['gate']);
  });

  it('ends in the out meter, with the three biquads, the DC blocker and one meter of each name', () => {
    const g = buildRig(input, identity, constParamSource(allDefaults), { sampleRate: fs, model: {} });
    expect(props(g).name).toBe('out');
    expect(findAll(g, 'biquad')).toHaveLength(3);
    expect(findAll(g, 'meter').map((m) => props(m).name)).toEqual(['out', 'in']);
  });

  it('reads every declared parameter live, as a keyed node', () => {
    const g = buildRig(input, identity, constParamSource(allDefaults), { sampleRate: fs, model: { loudness: -20, inputLevelDbu: 10, outputLevelDbu: 12 } });
    const keys = new Set(findAll(g, 'const').map((n) => props(n).key).filter((k) => k !== undefined));
    expect(keys).toEqual(new Set(Object.keys(allDefaults)));
  });

  it('needs no re-render when any parameter moves', () => {
    const ctx = { sampleRate: fs, model: { loudness: -20, inputLevelDbu: 10, outputLevelDbu: 12 } };
    const base = buildRig(input, identity, constParamSource(allDefaults), ctx).hash;
    for (const p of paramIndex({ scope: 'all' })) {
      const moved = buildRig(input, identity, constParamSource({ ...allDefaults, [p.id]: p.spec.max === p.spec.default ? p.spec.min : p.spec.max }), ctx).hash;
      expect(moved, p.id).toBe(base);
    }
  });

  it('refuses to build the post-model half without the sidechains', () => {
    expect(() => buildPostModel(input, new Map(), constParamSource(allDefaults), { sampleRate: fs, model: {} })).toThrow(RigError);
  });

  it('passes a note at unity with defaults and a model at −18 dB loudness, and gates the silence after it', () => {
    const n = Math.round(1.2 * fs);
    const end = Math.round(0.6 * fs);
    const note = sine(220, n, fs, 0.1).map((v, i) => (i < end ? v : 0));
    const g = buildRig(input, identity, constParamSource(allDefaults), { sampleRate: fs, model: { loudness: -18 } });
    const out = simulate(g, n, { sampleRate: fs, inputs: [note] });
    // Unity but for the DC blocker's own response at 220 Hz: α·|1 − e^{−jw}| / |1 − α·e^{−jw}| (−0.005 dB).
    const alpha = 1 / (1 + (2 * Math.PI * 5) / fs);
    const w = (2 * Math.PI * 220) / fs;
    const dcBlockerDb = 20 * Math.log10((alpha * 2 * Math.sin(w / 2)) / Math.sqrt(1 - 2 * alpha * Math.cos(w) + alpha * alpha));
    expect(20 * Math.log10(tailAmplitude(out.subarray(0, end), 220, fs) / 0.1)).toBeCloseTo(dcBlockerDb, 3);
    expect(Math.max(...Array.from(out.subarray(n - 4800), Math.abs))).toBeLessThan(1e-6);
  });
});
