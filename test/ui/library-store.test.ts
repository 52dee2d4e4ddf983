/**
 * The preset library's IndexedDB storage (src/ui/library/preset-store.ts) on fake-indexeddb, a fresh
 * database per test: factory seeding, models/IRs stored once by SHA-256 and collected with the last
 * preset using them, save/overwrite/rename/duplicate/delete, search and filters, and .namrig import
 * and export (a bad bundle leaves the library as it was, with a message naming the problem).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import { packBundle, parsePreset, sha256 } from '../../src/preset/index.ts';
import { encodeWavFloat32 } from '../../src/dsp/io/wav-write.ts';
import { assembleFactoryPresets } from '../../src/ui/library/factory-index.ts';
import { allGear, allTags, filterPresets, gearLabel, neighbour } from '../../src/ui/library/library-filter.ts';
import { LibraryError, type PresetContent } from '../../src/ui/library/library-types.ts';
import { copyName, PresetStore, bundleFileName, type FactoryPreset } from '../../src/ui/library/preset-store.ts';
import { MODELS_DIR } from '../helpers/fixtures.ts';

const PRESETS = resolve(__dirname, '../../presets');
const read = (rel: string): Uint8Array => new Uint8Array(readFileSync(join(PRESETS, rel)));
const DEFAULT_MODEL = readFileSync(join(PRESETS, 'models/nam-rig-default.nam'), 'utf8');
const CLEAN_MODEL = readFileSync(join(PRESETS, 'models/nam-rig-clean-edge.nam'), 'utf8');
const DELUXE = readFileSync(join(MODELS_DIR, 'deluxe.nam'), 'utf8');
const IR_4X12 = read('irs/nam-rig-4x12-v30.wav');
const IR_1X12 = read('irs/nam-rig-1x12-open.wav');

function factoryFromDisk(): Promise<FactoryPreset[]> {
  return assembleFactoryPresets(readFileSync(join(PRESETS, 'factory/index.json'), 'utf8'), {
    presetJson: (f) => readFileSync(join(PRESETS, 'factory', f), 'utf8'),
    modelText: (p) => readFileSync(join(PRESETS, p), 'utf8'),
    irWav: (p) => Promise.resolve(read(p)),
  });
}

const content = (over: Partial<PresetContent> = {}): PresetContent => ({
  params: { 'tone.bass': 7, 'output.gain': -3 },
  modelText: DEFAULT_MODEL,
  modelFileName: 'nam-rig-default.nam',
  irWav: IR_4X12,
  irFileName: 'nam-rig-4x12-v30.wav',
  ...over,
});

async function libraryError(f: () => Promise<unknown>): Promise<LibraryError> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(LibraryError);
    return e as LibraryError;
  }
  throw new Error('expected a LibraryError, nothing was thrown');
}

let store: PresetStore;
let dbCount = 0;
beforeEach(async () => {
  store = await PresetStore.open({ factory: new IDBFactory(), name: `test-${dbCount++}` });
});
afterEach(() => store.close());

describe('factory presets', () => {
  it('fills an empty library once, storing each shared model and IR once', async () => {
    const factory = await factoryFromDisk();
    expect(factory).toHaveLength(4);
    expect(await store.seedFactory(factory)).toBe(4);
    const list = await store.list();
    expect(list.map((r) => r.preset.name)).toEqual(['Default Drive + 4x12', 'Clean Edge + 1x12', 'Crunch Lead', 'Tight Rhythm (gate on)']);
    expect(list.every((r) => r.factory)).toBe(true);
    // three presets use the default model, two the 4x12: two models and three IRs in all
    expect(await store.counts()).toEqual({ presets: 4, models: 2, irs: 3 });
    // the stored refs are the factory files' hashes (the JSON's refs), and the bytes come back unchanged
    const crunch = list[2]!;
    const shipped = parsePreset(readFileSync(join(PRESETS, 'factory/crunch-lead.json'), 'utf8'));
    expect(crunch.preset.model).toEqual(shipped.model);
    expect(crunch.preset.ir).toEqual(shipped.ir);
    expect(crunch.preset.params).toEqual(shipped.params);
    const res = await store.resources(crunch.id);
    expect(res.modelText).toBe(DEFAULT_MODEL);
    expect(res.irWav).toEqual(read('irs/nam-rig-2x12-closed.wav'));
    expect(crunch.gear).toEqual({ make: 'nam-rig', model: 'Default Drive', type: 'amp' });
    // not again, even after the user deleted presets
    await store.remove(list[0]!.id);
    expect(await store.seedFactory(factory)).toBe(0);
    expect((await store.list()).length).toBe(3);
  });

  it('refuses a broken factory set without writing any of it', async () => {
    const factory = await factoryFromDisk();
    const broken = [...factory.slice(0, 2), { ...factory[2]!, modelText: DEFAULT_MODEL.replace('"weights": [', '"weights": [1.5, ') }];
    const e = await libraryError(() => store.seedFactory(broken));
    expect(e.message).toMatch(/Factory preset "Crunch Lead" did not load: .*weights/);
    expect(await store.counts()).toEqual({ presets: 0, models: 0, irs: 0 });
    expect(await store.seedFactory(factory)).toBe(4); // not marked as done
  });

  it('factory presets cannot be overwritten (Save as instead)', async () => {
    await store.seedFactory(await factoryFromDisk());
    const [first] = await store.list();
    const e = await libraryError(() => store.overwrite(first!.id, content()));
    expect(e.code).toBe('read-only');
    expect(e.message).toContain('Save as');
  });
});

describe('models and IRs are stored once by SHA-256', () => {
  it('two presets with the same model and IR share one copy of each', async () => {
    const a = await store.saveNew(content(), { name: 'A', tags: ['rhythm'] });
    const b = await store.saveNew(content({ params: { 'tone.bass': 2 } }), { name: 'B' });
    expect(a.modelSha).toBe(await sha256(new TextEncoder().encode(DEFAULT_MODEL)));
    expect(b.modelSha).toBe(a.modelSha);
    expect(b.irSha).toBe(await sha256(IR_4X12));
    expect(await store.counts()).toEqual({ presets: 2, models: 1, irs: 1 });
  });

  it('deleting one of two presets keeps the shared model and IR; deleting the last removes them', async () => {
    const a = await store.saveNew(content(), { name: 'A' });
    const b = await store.saveNew(content({ params: { 'tone.mid': 8 } }), { name: 'B' });
    const c = await store.saveNew(content({ modelText: DELUXE, modelFileName: 'deluxe.nam', irWav: null }), { name: 'C' });
    expect(await store.counts()).toEqual({ presets: 3, models: 2, irs: 1 });
    await store.remove(a.id);
    expect(await store.counts()).toEqual({ presets: 2, models: 2, irs: 1 });
    const res = await store.resources(b.id);
    expect(res.modelText).toBe(DEFAULT_MODEL);
    expect(res.irWav).toEqual(IR_4X12);
    expect(res.record.preset.params['tone.mid']).toBe(8);
    await store.remove(b.id);
    expect(await store.counts()).toEqual({ presets: 1, models: 1, irs: 0 });
    expect((await store.resources(c.id)).modelText).toBe(DELUXE);
    await store.remove(c.id);
    expect(await store.counts()).toEqual({ presets: 0, models: 0, irs: 0 });
    expect((await libraryError(() => store.remove(c.id))).code).toBe('not-found');
  });

  it('overwriting a preset with another model collects the old one when nothing else uses it', async () => {
    const a = await store.saveNew(content(), { name: 'A', tags: ['x'] });
    const saved = await store.overwrite(a.id, content({ modelText: CLEAN_MODEL, modelFileName: 'nam-rig-clean-edge.nam', irWav: IR_1X12, params: { 'gate.enabled': 0 } }));
    expect(saved.id).toBe(a.id);
    expect(saved.preset.name).toBe('A');
    expect(saved.preset.tags).toEqual(['x']);
    expect(saved.preset.params['gate.enabled']).toBe(0);
    expect(saved.gear.model).toBe('Clean Edge');
    expect(await store.counts()).toEqual({ presets: 1, models: 1, irs: 1 });
    const res = await store.resources(a.id);
    expect(res.modelText).toBe(CLEAN_MODEL);
    expect(res.irWav).toEqual(IR_1X12);
  });
});

describe('rename, duplicate, save validation', () => {
  it('renames (and re-tags) in place; an empty or too long name is refused and nothing changes', async () => {
    const a = await store.saveNew(content(), { name: 'Lead', tags: ['lead'] });
    const r = await store.rename(a.id, '  Big   lead ');
    expect(r.id).toBe(a.id);
    expect(r.preset.name).toBe('Big lead');
    expect(r.preset.tags).toEqual(['lead']);
    const t = await store.relabel(a.id, { name: 'Big lead', tags: ['solo', ' Solo ', 'live'] });
    expect(t.preset.tags).toEqual(['solo', 'live']);
    const empty = await libraryError(() => store.rename(a.id, '   '));
    expect(empty.code).toBe('invalid-name');
    expect(empty.message).toBe('A preset needs a name');
    const long = await libraryError(() => store.rename(a.id, 'x'.repeat(121)));
    expect(long.code).toBe('invalid-name');
    expect(long.message).toMatch(/^name: is too long \(at most 120 characters\)/);
    expect((await store.get(a.id)).preset.name).toBe('Big lead');
  });

  it('duplicates a preset under a new id and name, sharing its resources', async () => {
    await store.seedFactory(await factoryFromDisk());
    const [first] = await store.list();
    const copy = await store.duplicate(first!.id);
    const copy2 = await store.duplicate(first!.id);
    expect(copy.id).not.toBe(first!.id);
    expect(copy.preset.name).toBe('Default Drive + 4x12 copy');
    expect(copy2.preset.name).toBe('Default Drive + 4x12 copy 2');
    expect(copy.factory).toBe(false);
    expect(copy.preset.params).toEqual(first!.preset.params);
    expect(await store.counts()).toEqual({ presets: 6, models: 2, irs: 3 });
    expect((await store.list()).slice(-2).map((r) => r.id)).toEqual([copy.id, copy2.id]);
    await store.remove(first!.id);
    expect((await store.resources(copy.id)).modelText).toBe(DEFAULT_MODEL);
    // a copy is a user preset: it can be saved over
    expect((await store.overwrite(copy.id, content())).preset.params['tone.bass']).toBe(7);
  });

  it('refuses a model that does not build, an IR that does not decode, a param out of range: nothing written', async () => {
    const badModel = await libraryError(() => store.saveNew(content({ modelText: '{"version":"0.5.2"', modelFileName: 'half.nam' }), { name: 'x' }));
    expect(badModel.message).toMatch(/^half\.nam: /);
    const badIr = await libraryError(() => store.saveNew(content({ irWav: new Uint8Array([1, 2, 3]), irFileName: 'junk.wav' }), { name: 'x' }));
    expect(badIr.message).toMatch(/^junk\.wav: /);
    const badParam = await libraryError(() => store.saveNew(content({ params: { 'tone.bass': 11 } }), { name: 'x' }));
    expect(badParam.message).toContain('params.tone.bass: must be a number from 0 to 10');
    expect(await store.counts()).toEqual({ presets: 0, models: 0, irs: 0 });
  });

  it('copy and bundle names', () => {
    expect(copyName('Lead', new Set())).toBe('Lead copy');
    expect(copyName('Lead copy', new Set(['Lead copy']))).toBe('Lead copy 2');
    expect(copyName('x'.repeat(120), new Set())).toHaveLength(120);
    expect(bundleFileName('AC/DC: "Back"?')).toBe('AC_DC_ _Back_.namrig');
  });
});

describe('search and filters', () => {
  it('filters by text, tag and gear; lists tags and gear; browses with wrap-around', async () => {
    await store.seedFactory(await factoryFromDisk());
    await store.saveNew(content({ modelText: DELUXE, modelFileName: 'deluxe.nam' }), { name: 'My deluxe', tags: ['Clean', 'blues'] });
    const all = await store.list();
    const names = (q: Parameters<typeof filterPresets>[1]) => filterPresets(all, q).map((r) => r.preset.name);
    expect(names({ tag: 'clean' })).toEqual(['Clean Edge + 1x12', 'My deluxe']);
    expect(names({ tag: 'LEAD' })).toEqual(['Crunch Lead']);
    expect(names({ gear: 'nam-rig Clean Edge (amp)' })).toEqual(['Clean Edge + 1x12']);
    expect(names({ gear: 'nam-rig Default Drive (amp)' })).toEqual(['Default Drive + 4x12', 'Crunch Lead', 'Tight Rhythm (gate on)']);
    expect(names({ text: 'gate  RHYTHM' })).toEqual(['Tight Rhythm (gate on)']);
    expect(names({ text: 'default drive', tag: 'lead' })).toEqual(['Crunch Lead']);
    expect(names({ text: 'no such thing' })).toEqual([]);
    expect(names({})).toHaveLength(5);
    expect(allTags(all)).toContain('blues');
    expect(allTags(all).filter((t) => t.toLowerCase() === 'clean')).toHaveLength(1);
    const gear = allGear(all);
    // deluxe.nam's metadata names no gear: it adds no entry
    expect(gearLabel(all[4]!.gear)).toBe('');
    expect(gear).toEqual(['nam-rig Clean Edge (amp)', 'nam-rig Default Drive (amp)']);
    expect(neighbour(all, all[4]!.id, 1)?.id).toBe(all[0]!.id);
    expect(neighbour(all, all[0]!.id, -1)?.id).toBe(all[4]!.id);
    expect(neighbour(all, null, 1)?.id).toBe(all[0]!.id);
    expect(neighbour([], null, 1)).toBeNull();
  });
});

describe('.namrig import and export', () => {
  it('exports a bundle that imports back as the same sound, sharing the stored model', async () => {
    const a = await store.saveNew(content(), { name: 'Round trip', tags: ['t'] });
    const { bytes, fileName } = await store.exportBundle(a.id);
    expect(fileName).toBe('Round trip.namrig');
    const b = await store.importBundle(bytes, fileName);
    expect(b.id).not.toBe(a.id);
    expect(b.preset.name).toBe('Round trip');
    expect(b.preset.params).toEqual(a.preset.params);
    expect(b.preset.model).toEqual(a.preset.model);
    expect(b.preset.ir).toEqual(a.preset.ir);
    expect(b.factory).toBe(false);
    expect(await store.counts()).toEqual({ presets: 2, models: 1, irs: 1 });
  });

  it('imports a bundle written by packBundle with an embedded-only preset', async () => {
    const { embedModel, embedIr, newPreset } = await import('../../src/preset/index.ts');
    const ir = encodeWavFloat32([new Float32Array([1, 0.5, 0.25])], 48000);
    const preset = newPreset({ name: 'Embedded', model: { embedded: await embedModel(DELUXE, 'deluxe.nam') }, ir: { embedded: await embedIr(ir, 'tiny.wav') }, params: { 'tone.treble': 2 } });
    const r = await store.importBundle(await packBundle(preset), 'embedded.namrig');
    expect(r.preset.params['tone.treble']).toBe(2);
    expect(r.modelName).toBe('deluxe');
    expect((await store.resources(r.id)).irWav).not.toBeNull();
  });

  it('a bad bundle is refused with a message naming the file and the problem; the library is untouched', async () => {
    await store.seedFactory(await factoryFromDisk());
    const before = await store.list();
    const counts = await store.counts();

    const garbage = await libraryError(() => store.importBundle(new TextEncoder().encode('not a zip at all'), 'junk.namrig'));
    expect(garbage.code).toBe('invalid-bundle');
    expect(garbage.message).toMatch(/^junk\.namrig was not imported: .*zip/i);

    const a = before[0]!;
    const good = (await store.exportBundle(a.id)).bytes;
    const truncated = await libraryError(() => store.importBundle(good.subarray(0, good.length - 40), 'cut.namrig'));
    expect(truncated.message).toMatch(/^cut\.namrig was not imported: /);

    // a bundle whose model does not match the preset's sha256
    const res = await store.resources(a.id);
    const swapped = await packBundle(a.preset, res.modelText, res.irWav ?? undefined);
    const { unzipSync, zipSync } = await import('fflate');
    const members = unzipSync(swapped);
    members['model.nam'] = new TextEncoder().encode(CLEAN_MODEL);
    const tampered = await libraryError(() => store.importBundle(zipSync(members), 'tampered.namrig'));
    expect(tampered.message).toMatch(/^tampered\.namrig was not imported: model\.ref\.sha256: the model file .* does not match the preset/);

    // a bundle whose model is not a model
    members['model.nam'] = new TextEncoder().encode('{"version": "0.5.4", "architecture": "Linear", "config": {}, "weights": []}');
    const preset = JSON.parse(new TextDecoder().decode(members['preset.json']!));
    preset.model.ref.sha256 = await sha256(members['model.nam']);
    members['preset.json'] = new TextEncoder().encode(JSON.stringify(preset));
    const badModel = await libraryError(() => store.importBundle(zipSync(members), 'badmodel.namrig'));
    expect(badModel.message).toMatch(/^badmodel\.namrig was not imported: /);

    expect(await store.counts()).toEqual(counts);
    expect(await store.list()).toEqual(before);
  });
});
