/**
 * Share links: preset → link → preset renders sample-identically; the standard model's link length
 * (well under Chromium's 2 MiB URL limit); tampered, truncated and oversized links are clear errors.
 */
import { describe, expect, it } from 'vitest';
import { CHROMIUM_MAX_URL_CHARS, decodeLink, encodeLink, embedModel, looksLikeLink, MAX_LINK_LENGTH, newPreset, parsePreset, presetToJson, resolveIr, resolveModel } from '../../src/preset/index.ts';
import { packFloats, unpackFloats } from '../../src/preset/resources.ts';
import { expectCode, irWav, modelText, refPreset, renderWith } from './helpers.ts';

const modelBytes = new TextEncoder().encode(modelText);

describe('share links', () => {
  it('preset → link → preset renders sample-identically', async () => {
    const preset = await refPreset();
    const original = renderWith(preset.params, await resolveModel(preset.model, modelBytes), await resolveIr(preset.ir, irWav));
    const link = await encodeLink(preset, { modelText, irWav, baseUrl: 'https://example.org/rig/' });
    expect(link.startsWith('https://example.org/rig/#p=1.')).toBe(true);
    expect(looksLikeLink(link)).toBe(true);
    const back = await decodeLink(link);
    expect(back.params).toEqual(preset.params);
    expect(back.name).toBe(preset.name);
    expect('embedded' in back.model && 'embedded' in (back.ir ?? {})).toBe(true);
    expect(renderWith(back.params, await resolveModel(back.model), await resolveIr(back.ir))).toEqual(original);
    // the fragment alone decodes too
    expect((await decodeLink(link.slice(link.indexOf('#')))).params).toEqual(preset.params);
  });

  it('the standard model (deluxe.nam) fits in a link Chromium opens', async () => {
    const preset = await refPreset();
    const withIr = await encodeLink(preset, { modelText, irWav });
    const modelOnly = await encodeLink(parsePreset({ ...JSON.parse(presetToJson(preset)), ir: null }), { modelText });
    console.log(`link length, deluxe.nam: ${modelOnly.length} characters; with the mesa.wav IR: ${withIr.length}`);
    for (const l of [modelOnly, withIr]) {
      expect(l.length).toBeLessThan(CHROMIUM_MAX_URL_CHARS);
      expect(l.length).toBeLessThan(MAX_LINK_LENGTH);
    }
    // Measured: 71,445 characters (model only), 118,558 with the mesa.wav IR: over 64 KB, far under 2 MB.
    expect(modelOnly.length).toBeGreaterThan(64 * 1024);
    expect(modelOnly.length).toBeLessThan(80 * 1024);
    expect(withIr.length).toBeLessThan(128 * 1024);
  });

  it('refuses tampered and truncated links with a clear message', async () => {
    const link = await encodeLink(await refPreset(), { modelText, irWav });
    const at = link.indexOf('#p=1.') + 5 + 1000;
    const flipped = link.slice(0, at) + (link[at] === 'A' ? 'B' : 'A') + link.slice(at + 1);
    await expectCode(() => decodeLink(flipped), 'corrupt-link', /checksum does not match/);
    await expectCode(() => decodeLink(link.slice(0, link.length - 3)), 'corrupt-link', /checksum does not match/);
    await expectCode(() => decodeLink(link.slice(0, 60000)), 'corrupt-link', /damaged or truncated/);
    await expectCode(() => decodeLink('https://example.org/#q=1'), 'corrupt-link', /not a nam-rig preset link/);
    await expectCode(() => decodeLink(link.replace('#p=1.', '#p=7.')), 'unsupported-version', /link format 7 is newer/);
    await expectCode(() => decodeLink(link.replace('#p=1.', '#p=1.*')), 'corrupt-link', /base64/);
  });

  it('refuses a link whose embedded model fails validation (wrong weight count)', async () => {
    const m = await embedModel(modelText);
    const w = unpackFloats(m.weights, 'w');
    const bad = newPreset({ name: 'bad', model: { embedded: { ...m, weights: packFloats(w.subarray(0, w.length - 7)) } } });
    const link = await encodeLink(bad);
    await expectCode(() => decodeLink(link), 'invalid-model', /weight/i);
  });

  it('a preset too large for a link says so and suggests the bundle', async () => {
    const m = await embedModel(modelText);
    // 1 Mi random IR samples barely compress: about 5.6 MB of link.
    const noise = new Float32Array(1024 * 1024);
    let s = 1;
    for (let i = 0; i < noise.length; i++) noise[i] = ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
    const big = newPreset({ name: 'big', model: { embedded: m }, ir: { embedded: { sampleRate: 48000, samples: packFloats(noise) } } });
    await expectCode(() => encodeLink(big), 'link-too-large', /\.namrig bundle/);
  });

  it('encoding a preset with references needs the files, and checks them', async () => {
    const preset = await refPreset();
    await expectCode(() => encodeLink(preset), 'missing-resource', /deluxe\.nam/);
    await expectCode(() => encodeLink(preset, { modelText: modelText + ' ', irWav }), 'checksum-mismatch', /^model\.ref\.sha256/);
  });
});
