/**
 * Presets: the versioned preset format, `.namrig` bundles and server-less share links.
 *
 *   const preset = parsePreset(jsonText);                  // validate (and migrate) a preset
 *   const bytes = await packBundle(preset, modelText, irWav);
 *   const { preset, model, ir } = await unpackBundle(bytes);
 *   const link = await encodeLink(preset, { modelText, irWav });
 *   const same = await decodeLink(link);
 */
export { PresetError, type PresetErrorCode } from './errors.ts';
export { LIMITS, PRESET_FORMAT, PRESET_VERSION, migrate, newPreset, parsePreset, presetToJson, type Preset, type ModelSource, type IrSource, type EmbeddedModel, type EmbeddedIr, type ResourceRef } from './schema.ts';
export { embedModel, embedIr, embedResources, embeddedToNamFile, embeddedToIr, resolveModel, resolveIr, parseModelText, decodeIrWav, type IrSamples } from './resources.ts';
export { packBundle, unpackBundle, MAX_BUNDLE_UNPACKED, BUNDLE_PRESET, BUNDLE_MODEL, BUNDLE_IR, type UnpackedBundle } from './bundle.ts';
export { encodeLink, decodeLink, looksLikeLink, MAX_LINK_LENGTH, CHROMIUM_MAX_URL_CHARS, DEFAULT_LINK_BASE } from './link.ts';
export { sha256 } from './codec.ts';
