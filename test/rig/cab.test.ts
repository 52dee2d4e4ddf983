/**
 * Cab: two keyed convolvers, the plugin's IR gain, the crossfade and the on/off switch, run in the
 * interpreter with small IRs.
 */
import { describe, expect, it } from 'vitest';
import { el } from '@elemaudio/core';
import { IR_MAX_SAMPLES, cabBlock, irGain } from '../../src/dsp/rig/blocks/cab.ts';
import { bindParams, constParamSource } from '../../src/dsp/rig/param-source.ts';
import { defaultParams, rig } from '../../src/dsp/rig/registry.ts';
import { RigError } from '../../src/dsp/rig/errors.ts';
import { findAll, props, settle, simulate } from './graph.ts';

const fs = 48000;
const IRS = { 'ir/a': Float64Array.from([1, 0.5, 0.25]), 'ir/b': Float64Array.from([0.2, -0.1]) };
const sum = (x: Float64Array): number => x.reduce((a, b) => a + b, 0);

function build(over: Record<string, number>, resources: Record<string, string>, sampleRate = fs) {
  const source = constParamSource({ ...defaultParams({ scope: 'all' }), ...over }, resources);
  return cabBlock.graph(el.in({ channel: 0 }), bindParams(rig, cabBlock, source), { sampleRate, model: {} });
}

/** DC response after the smoothers settle, with the test IRs. */
function dcGain(graph: ReturnType<typeof build>): number {
  const n = Math.round(0.6 * fs);
  return simulate(graph, n, { sampleRate: fs, inputs: [new Float64Array(n).fill(1)], irs: IRS })[n - 1]!;
}

describe('cab', () => {
  it('uses the plugin IR gain and length limit', () => {
    expect(irGain(48000)).toBeCloseTo(Math.pow(10, -18 / 20), 15);
    expect(irGain(96000)).toBeCloseTo(Math.pow(10, -18 / 20) / 2, 15);
    expect(IR_MAX_SAMPLES).toBe(8192);
  });

  it('passes the signal when no IR is loaded', () => {
    const g = build({}, {});
    expect(findAll(g, 'convolve')).toHaveLength(0);
    expect(settle(g, 1, fs, 0.3)).toBeCloseTo(1, 9);
  });

  it('convolves with slot A, keyed by slot, scaled by the IR gain', () => {
    const g = build({}, { 'cab.irA': 'ir/a' });
    const conv = findAll(g, 'convolve');
    expect(conv.map((n) => props(n))).toEqual([{ key: 'cab.irA', path: 'ir/a' }]);
    expect(dcGain(g)).toBeCloseTo(irGain(fs) * sum(IRS['ir/a']), 9);
  });

  it('crossfades to slot B with the mix, and bypasses when off', () => {
    const both = { 'cab.irA': 'ir/a', 'cab.irB': 'ir/b' };
    expect(findAll(build({}, both), 'convolve')).toHaveLength(2);
    expect(dcGain(build({ 'cab.mix': 0 }, both))).toBeCloseTo(irGain(fs) * sum(IRS['ir/a']), 9);
    expect(dcGain(build({ 'cab.mix': 1 }, both))).toBeCloseTo(irGain(fs) * sum(IRS['ir/b']), 9);
    expect(dcGain(build({ 'cab.mix': 0.5 }, both))).toBeCloseTo(irGain(fs) * (sum(IRS['ir/a']) + sum(IRS['ir/b'])) / 2, 9);
    expect(dcGain(build({ 'cab.enabled': 0 }, both))).toBeCloseTo(1, 9);
  });

  it('swaps an IR, moves the mix or switches on/off without rebuilding any node', () => {
    const a = build({ 'cab.mix': 0, 'cab.enabled': 1 }, { 'cab.irA': 'ir/a', 'cab.irB': 'ir/b' });
    const b = build({ 'cab.mix': 1, 'cab.enabled': 0 }, { 'cab.irA': 'ir/a-new', 'cab.irB': 'ir/b' });
    expect(a.hash).toBe(b.hash);
  });

  it('refuses a resource slot the block does not declare', () => {
    const p = bindParams(rig, cabBlock, constParamSource(defaultParams({ scope: 'all' })));
    expect(() => p.resource('irC' as 'irA')).toThrow(RigError);
  });
});
