/**
 * `.namrig` bundles: one zip holding everything a preset needs to sound the same anywhere.
 *
 *   preset.json   the preset; its model (and IR, if any) are `ref`s: { sha256, fileName }
 *   model.nam     the model file, byte for byte (its SHA-256 is `model.ref.sha256`)
 *   ir.wav        the IR file, when the preset has one (its SHA-256 is `ir.ref.sha256`)
 *
 * `packBundle(preset, modelText?, irWav?)` writes one; an embedded model/IR in `preset` is written out
 * as a file when the file itself is not given; a given file replaces the preset's model/IR (the bundle's
 * references are recomputed from what it holds). `unpackBundle(bytes)` refuses corrupt zips, members
 * missing, more than `MAX_BUNDLE_UNPACKED` bytes unpacked (declared sizes checked before inflating, and
 * inflation bounded: zip bombs), CRC errors and files that do not hash to the preset's references.
 * Other members are ignored (never inflated).
 */
import { encodeWavFloat32 } from '../dsp/io/wav-write.ts';
import { fromUtf8, sha256, utf8 } from './codec.ts';
import { PresetError } from './errors.ts';
import { decodeIrWav, embeddedToIr, embeddedToNamJson, parseModelText, resolveIr, resolveModel, type IrSamples } from './resources.ts';
import { parsePreset, presetToJson, type Preset } from './schema.ts';
import { checkDeclaredSize, readZipDirectory, readZipMember, writeZip } from './zip.ts';
import type { NamFile } from '../dsp/nam/index.ts';

/** Largest total unpacked size of a bundle: 64 MiB. */
export const MAX_BUNDLE_UNPACKED = 64 * 1024 * 1024;
export const BUNDLE_PRESET = 'preset.json';
export const BUNDLE_MODEL = 'model.nam';
export const BUNDLE_IR = 'ir.wav';

export interface UnpackedBundle {
  /** The preset, with `ref`s to the files below. */
  preset: Preset;
  modelText: string;
  /** The IR WAV's bytes (null when the preset has no IR). */
  irWav: Uint8Array | null;
  /** The model and IR, checked and decoded, ready for the rig. */
  model: NamFile;
  ir: IrSamples | null;
}

const fileNameOf = (name: string | undefined, fallback: string): string => name ?? fallback;

export async function packBundle(preset: Preset, modelText?: string, irWav?: Uint8Array): Promise<Uint8Array> {
  let text = modelText;
  let modelName = 'model.nam';
  if ('embedded' in preset.model) {
    modelName = fileNameOf(preset.model.embedded.fileName, modelName);
    text ??= JSON.stringify(embeddedToNamJson(preset.model.embedded));
  } else {
    modelName = preset.model.ref.fileName;
  }
  if (text === undefined) throw new PresetError('missing-resource', 'model.ref', `the preset refers to model "${modelName}"; give the .nam file to pack it`);
  parseModelText(text);
  const modelBytes = utf8(text);
  let wav = irWav;
  let irName = 'ir.wav';
  if (preset.ir !== null) {
    if ('embedded' in preset.ir) {
      irName = fileNameOf(preset.ir.embedded.fileName, irName);
      if (wav === undefined) {
        const ir = embeddedToIr(preset.ir.embedded);
        wav = encodeWavFloat32([ir.samples], ir.sampleRate);
      }
    } else {
      irName = preset.ir.ref.fileName;
      if (wav === undefined) throw new PresetError('missing-resource', 'ir.ref', `the preset refers to IR "${irName}"; give the WAV file to pack it`);
    }
  }
  if (wav !== undefined) decodeIrWav(wav);
  const packed: Preset = {
    ...preset,
    model: { ref: { sha256: await sha256(modelBytes), fileName: modelName } },
    ir: wav === undefined ? null : { ref: { sha256: await sha256(wav), fileName: irName } },
  };
  const members: Record<string, Uint8Array> = { [BUNDLE_PRESET]: utf8(presetToJson(parsePreset(JSON.parse(presetToJson(packed))))), [BUNDLE_MODEL]: modelBytes };
  if (wav !== undefined) members[BUNDLE_IR] = wav;
  return writeZip(members);
}

export async function unpackBundle(bytes: Uint8Array): Promise<UnpackedBundle> {
  const entries = readZipDirectory(bytes);
  checkDeclaredSize(entries, MAX_BUNDLE_UNPACKED);
  const member = (name: string, why: string): Uint8Array => {
    const e = entries.find((x) => x.name === name);
    if (!e) throw new PresetError('missing-member', name, `the bundle has no ${name} (${why})`);
    return readZipMember(bytes, e);
  };
  const preset = parsePreset(fromUtf8(member(BUNDLE_PRESET, 'the preset itself'), BUNDLE_PRESET, 'corrupt-bundle'));
  const modelBytes = 'ref' in preset.model ? member(BUNDLE_MODEL, `the preset's model "${preset.model.ref.fileName}"`) : undefined;
  const irWav = preset.ir !== null && 'ref' in preset.ir ? member(BUNDLE_IR, `the preset's IR "${preset.ir.ref.fileName}"`) : undefined;
  const model = await resolveModel(preset.model, modelBytes);
  const ir = await resolveIr(preset.ir, irWav);
  const modelText = modelBytes !== undefined ? fromUtf8(modelBytes, BUNDLE_MODEL, 'corrupt-bundle') : JSON.stringify('embedded' in preset.model ? embeddedToNamJson(preset.model.embedded) : {});
  let wav: Uint8Array | null = irWav ?? null;
  if (wav === null && ir !== null) wav = encodeWavFloat32([ir.samples], ir.sampleRate);
  return { preset, modelText, irWav: wav, model, ir };
}
