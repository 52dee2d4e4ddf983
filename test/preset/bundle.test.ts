/**
 * `.namrig` bundles: preset → bundle → preset renders sample-identically; corrupt zips, zip bombs
 * (declared and actual size), wrong checksums and missing members are each a clear PresetError.
 */
import { describe, expect, it } from 'vitest';
import { deflateSync } from 'fflate';
import { MAX_BUNDLE_UNPACKED, packBundle, parsePreset, resolveIr, resolveModel, unpackBundle, embedResources, presetToJson } from '../../src/preset/index.ts';
import { crc32, readZipDirectory, readZipMember, writeZip } from '../../src/preset/zip.ts';
import { expectCode, irWav, modelText, PARAMS, refPreset, renderWith } from './helpers.ts';

/** The members of a zip, read with the project's own reader. */
function members(bytes: Uint8Array): Record<string, Uint8Array> {
  return Object.fromEntries(readZipDirectory(bytes).map((e) => [e.name, readZipMember(bytes, e)]));
}

/** A hand-made zip with one deflated member whose declared size (local and central) is `declared`. */
function zipWithDeclaredSize(name: string, content: Uint8Array, declared: number): Uint8Array {
  const data = deflateSync(content);
  const nameBytes = new TextEncoder().encode(name);
  const local = new Uint8Array(30 + nameBytes.length);
  const lv = new DataView(local.buffer);
  lv.setUint32(0, 0x04034b50, true);
  lv.setUint16(4, 20, true);
  lv.setUint16(8, 8, true);
  lv.setUint32(14, crc32(content), true);
  lv.setUint32(18, data.length, true);
  lv.setUint32(22, declared, true);
  lv.setUint16(26, nameBytes.length, true);
  local.set(nameBytes, 30);
  const central = new Uint8Array(46 + nameBytes.length);
  const cv = new DataView(central.buffer);
  cv.setUint32(0, 0x02014b50, true);
  cv.setUint16(4, 20, true);
  cv.setUint16(6, 20, true);
  cv.setUint16(10, 8, true);
  cv.setUint32(16, crc32(content), true);
  cv.setUint32(20, data.length, true);
  cv.setUint32(24, declared, true);
  cv.setUint16(28, nameBytes.length, true);
  cv.setUint32(42, 0, true);
  central.set(nameBytes, 46);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, 1, true);
  ev.setUint16(10, 1, true);
  ev.setUint32(12, central.length, true);
  ev.setUint32(16, local.length + data.length, true);
  const out = new Uint8Array(local.length + data.length + central.length + end.length);
  out.set(local, 0);
  out.set(data, local.length);
  out.set(central, local.length + data.length);
  out.set(end, local.length + data.length + central.length);
  return out;
}

describe('.namrig bundles', () => {
  it('preset → bundle → preset renders sample-identically', async () => {
    const preset = await refPreset();
    const original = renderWith(preset.params, await resolveModel(preset.model, new TextEncoder().encode(modelText)), await resolveIr(preset.ir, irWav));
    const bytes = await packBundle(preset, modelText, irWav);
    const names = readZipDirectory(bytes).map((e) => e.name);
    expect(names.sort()).toEqual(['ir.wav', 'model.nam', 'preset.json']);
    const back = await unpackBundle(bytes);
    expect(back.preset).toEqual(preset);
    expect(back.modelText).toBe(modelText);
    expect(Array.from(back.irWav ?? [])).toEqual(Array.from(irWav));
    const again = renderWith(back.preset.params, back.model, back.ir);
    expect(again).toEqual(original);
    // the rig is not neutral: the preset's params matter
    expect(renderWith({ ...back.preset.params, 'tone.bass': 0 }, back.model, back.ir)).not.toEqual(original);
    expect(back.preset.params['tone.bass']).toBe(PARAMS['tone.bass']);
  });

  it('packs a preset whose model and IR are embedded (no files) to the same sound', async () => {
    const preset = await refPreset();
    const embedded = await embedResources(preset, modelText, irWav);
    const back = await unpackBundle(await packBundle(embedded));
    const original = renderWith(preset.params, await resolveModel(preset.model, new TextEncoder().encode(modelText)), await resolveIr(preset.ir, irWav));
    expect(renderWith(back.preset.params, back.model, back.ir)).toEqual(original);
  });

  it('refuses corrupt zips', async () => {
    const bytes = await packBundle(await refPreset(), modelText, irWav);
    await expectCode(() => unpackBundle(new TextEncoder().encode('not a zip at all, just text')), 'corrupt-bundle', /not a zip file/);
    await expectCode(() => unpackBundle(new Uint8Array(10)), 'corrupt-bundle', /too short/);
    await expectCode(() => unpackBundle(bytes.slice(0, bytes.length >> 1)), 'corrupt-bundle');
    // a flipped byte inside the model's compressed data
    const model = readZipDirectory(bytes).find((e) => e.name === 'model.nam')!;
    const damaged = bytes.slice();
    damaged[model.localOffset + 30 + 'model.nam'.length + 500]! ^= 0x55;
    await expectCode(() => unpackBundle(damaged), 'corrupt-bundle', /model\.nam/);
  });

  it('refuses a zip declaring more than 64 MiB unpacked before inflating anything', async () => {
    const bomb = zipWithDeclaredSize('preset.json', new TextEncoder().encode('{}'), MAX_BUNDLE_UNPACKED + 1);
    await expectCode(() => unpackBundle(bomb), 'too-large', /more than the 67108864-byte \(64 MiB\) limit/);
  });

  it('stops a member that inflates past its declared size (zip bomb) and past 64 MiB', async () => {
    const zeros = new Uint8Array(MAX_BUNDLE_UNPACKED + 1024 * 1024); // 65 MiB of zeros: ≈ 65 KB deflated
    const lying = zipWithDeclaredSize('preset.json', zeros, 1000);
    expect(lying.length).toBeLessThan(200 * 1024);
    await expectCode(() => unpackBundle(lying), 'corrupt-bundle', /^preset\.json: unpacks to more than the 1000 bytes the zip declares \(damaged, or a zip bomb\)/);
    // honest about its size: refused before inflating
    await expectCode(() => unpackBundle(zipWithDeclaredSize('preset.json', zeros, zeros.length)), 'too-large', /64 MiB/);
  });

  it('refuses a model or IR whose checksum does not match the preset', async () => {
    const bytes = await packBundle(await refPreset(), modelText, irWav);
    const m = members(bytes);
    const edited = modelText.replace('"version"', ' "version"');
    await expectCode(() => unpackBundle(writeZip({ ...m, 'model.nam': new TextEncoder().encode(edited) })), 'checksum-mismatch', /^model\.ref\.sha256: the model file "deluxe\.nam" does not match/);
    const ir = m['ir.wav']!.slice();
    ir[ir.length - 1]! ^= 1;
    await expectCode(() => unpackBundle(writeZip({ ...m, 'ir.wav': ir })), 'checksum-mismatch', /^ir\.ref\.sha256/);
  });

  it('refuses missing members', async () => {
    const m = members(await packBundle(await refPreset(), modelText, irWav));
    const without = (name: string): Record<string, Uint8Array> => Object.fromEntries(Object.entries(m).filter(([k]) => k !== name));
    await expectCode(() => unpackBundle(writeZip(without('preset.json'))), 'missing-member', /^preset\.json: the bundle has no preset\.json/);
    await expectCode(() => unpackBundle(writeZip(without('model.nam'))), 'missing-member', /^model\.nam: .*deluxe\.nam/);
    await expectCode(() => unpackBundle(writeZip(without('ir.wav'))), 'missing-member', /^ir\.wav/);
  });

  it('refuses a bundle whose preset.json is a future version or invalid', async () => {
    const m = members(await packBundle(await refPreset(), modelText, irWav));
    const json = JSON.parse(new TextDecoder().decode(m['preset.json'])) as Record<string, unknown>;
    await expectCode(() => unpackBundle(writeZip({ ...m, 'preset.json': new TextEncoder().encode(JSON.stringify({ ...json, version: 9 })) })), 'unsupported-version', /version 9/);
    await expectCode(() => unpackBundle(writeZip({ ...m, 'preset.json': new TextEncoder().encode(JSON.stringify({ ...json, name: 'x'.repeat(500) })) })), 'invalid-preset', /^name: is too long/);
  });

  it('a bundle without an IR', async () => {
    const preset = parsePreset({ ...JSON.parse(presetToJson(await refPreset())), ir: null });
    const back = await unpackBundle(await packBundle(preset, modelText));
    expect(back.ir).toBeNull();
    expect(readZipDirectory(await packBundle(preset, modelText)).map((e) => e.name).sort()).toEqual(['model.nam', 'preset.json']);
  });
});
