/**
 * The preset schema: generated params (unknown keys, ranges), limits on every field, versions
 * (migration 0 → 1, future versions refused), model/IR sources, and embedded models that fail validation.
 */
import { describe, expect, it } from 'vitest';
import { paramIndex } from '../../src/dsp/rig/registry.ts';
import { parseNam } from '../../src/dsp/nam/index.ts';
import { embedIr, embedModel, migrate, parsePreset, presetToJson, resolveModel, PRESET_VERSION, LIMITS, embeddedToNamFile } from '../../src/preset/index.ts';
import { packFloats, unpackFloats } from '../../src/preset/resources.ts';
import { expectCode, irWav, modelText, refPreset } from './helpers.ts';

const base = async (): Promise<Record<string, unknown>> => JSON.parse(presetToJson(await refPreset())) as Record<string, unknown>;

describe('preset schema', () => {
  it('round-trips through JSON and fills every parameter from the manifests', async () => {
    const p = await refPreset();
    expect(Object.keys(p.params).sort()).toEqual(paramIndex().map((q) => q.id).sort());
    expect(p.params['tone.bass']).toBe(7);
    expect(p.params['tone.mid']).toBe(5); // the default
    expect(parsePreset(presetToJson(p))).toEqual(p);
    expect(p.version).toBe(PRESET_VERSION);
  });

  it('refuses unknown parameters, naming the known ones', async () => {
    const raw = await base();
    (raw['params'] as Record<string, unknown>)['tone.presence'] = 3;
    const e = await expectCode(() => parsePreset(raw), 'invalid-preset', /tone\.presence/);
    expect(e.message).toMatch(/tone\.bass/);
    expect(e.path).toBe('params');
  });

  it('refuses out-of-range values with the range, and non-integer switches', async () => {
    const raw = await base();
    (raw['params'] as Record<string, unknown>)['tone.bass'] = 11;
    const e = await expectCode(() => parsePreset(raw), 'invalid-preset', /from 0 to 10/);
    expect(e.path).toBe('params.tone.bass');
    (raw['params'] as Record<string, unknown>)['tone.bass'] = 5;
    (raw['params'] as Record<string, unknown>)['gate.enabled'] = 0.5;
    await expectCode(() => parsePreset(raw), 'invalid-preset', /^params\.gate\.enabled: must be 0 \(off\) or 1 \(on\)/);
    (raw['params'] as Record<string, unknown>)['gate.enabled'] = '1';
    await expectCode(() => parsePreset(raw), 'invalid-preset', /^params\.gate\.enabled/);
  });

  it('refuses oversized fields', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['name', 'x'.repeat(LIMITS.name + 1), /^name: is too long \(at most 120/],
      ['author', 'x'.repeat(LIMITS.author + 1), /^author: is too long/],
      ['notes', 'x'.repeat(LIMITS.notes + 1), /^notes: is too long \(at most 4000/],
      ['tags', Array.from({ length: LIMITS.tags + 1 }, (_, i) => `t${i}`), /^tags: has too many entries \(at most 32/],
      ['tags', ['ok', 'x'.repeat(LIMITS.tag + 1)], /^tags\[1\]: is too long/],
      ['name', '', /^name:/],
      ['createdAt', 'yesterday', /^createdAt:/],
      ['extra', 1, /unknown field "extra"/],
    ];
    for (const [field, value, message] of cases) {
      const raw = await base();
      raw[field] = value;
      await expectCode(() => parsePreset(raw), 'invalid-preset', message);
    }
    const raw = await base();
    raw['model'] = { ref: { sha256: 'abc', fileName: 'a.nam' } };
    await expectCode(() => parsePreset(raw), 'invalid-preset', /^model\.ref\.sha256: must be a SHA-256/);
    raw['model'] = { ref: { sha256: 'a'.repeat(64), fileName: '../etc/passwd' } };
    await expectCode(() => parsePreset(raw), 'invalid-preset', /^model\.ref\.fileName: must be a plain file name/);
    raw['model'] = { url: 'http://x' };
    await expectCode(() => parsePreset(raw), 'invalid-preset', /^model: must be/);
  });

  it('refuses text that is not a preset', async () => {
    await expectCode(() => parsePreset('{"name": '), 'invalid-json', /invalid or truncated/);
    await expectCode(() => parsePreset('[1]'), 'invalid-json');
    await expectCode(() => parsePreset({ format: 'something-else', version: 1 }), 'invalid-preset', /^format:/);
  });

  it('refuses newer versions with a message, and non-versions', async () => {
    const raw = await base();
    raw['version'] = PRESET_VERSION + 1;
    await expectCode(() => parsePreset(raw), 'unsupported-version', /version 2, newer than this nam-rig understands \(up to 1\); update nam-rig/);
    raw['version'] = '1';
    await expectCode(() => parsePreset(raw), 'unsupported-version', /expected an integer preset version/);
    delete raw['version'];
    await expectCode(() => parsePreset(raw), 'unsupported-version');
  });

  it('migrates version 0 (params nested by block, `created`) to version 1', async () => {
    const v1 = await base();
    const v0: Record<string, unknown> = { ...v1, version: 0, created: v1['createdAt'], params: { tone: { bass: 7, treble: 3.5 }, output: { mode: 2 } } };
    delete v0['createdAt'];
    delete v0['format'];
    expect(migrate(v0)['version']).toBe(1);
    const p = parsePreset(v0);
    expect(p.params['tone.bass']).toBe(7);
    expect(p.params['output.mode']).toBe(2);
    expect(p.createdAt).toBe(v1['createdAt']);
  });

  it('embeds a model compactly and rebuilds exactly the same float32 weights', async () => {
    const m = await embedModel(modelText, 'deluxe.nam');
    expect(m.weights.count).toBe(13802);
    // deflated float32 + base64: about a sixth of the .nam text.
    expect(m.weights.data.length).toBeLessThan(modelText.length / 5);
    const file = embeddedToNamFile(m);
    const original = parseNam(modelText);
    expect(Array.from(file.weights)).toEqual(Array.from(original.weights));
    expect(file.config).toEqual(original.config);
    expect(file.sampleRate).toBe(original.sampleRate);
    expect(file.metadata.loudness).toBeDefined();
  });

  it('refuses an embedded model that fails validation (wrong weight count)', async () => {
    const m = await embedModel(modelText);
    const weights = unpackFloats(m.weights, 'w');
    const bad = { ...m, weights: packFloats(weights.subarray(0, weights.length - 1)) };
    const e = await expectCode(() => resolveModel({ embedded: bad }), 'invalid-model', /^model\.embedded: /);
    expect(e.message).toMatch(/weight/i);
    // A count that disagrees with the data is refused before building anything.
    await expectCode(() => resolveModel({ embedded: { ...m, weights: { ...m.weights, count: 100 } } }), 'too-large', /model\.embedded\.weights\.data/);
    // Damaged base64/deflate data.
    await expectCode(() => resolveModel({ embedded: { ...m, weights: { ...m.weights, data: m.weights.data.slice(0, 1000) } } }), 'invalid-preset', /weights\.data/);
  });

  it('embeds an IR as mono float32 with its rate', async () => {
    const ir = await embedIr(irWav, 'mesa.wav');
    expect(ir.sampleRate).toBe(48000);
    expect(ir.samples.count).toBeGreaterThan(1000);
  });
});
