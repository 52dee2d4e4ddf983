/**
 * Models and IRs inside presets: embedding them compactly, and turning a preset's model/IR (embedded,
 * or a reference plus the file's bytes) back into what the rig plays.
 *
 * - `embedModel(text)`: parses and validates the .nam, keeps its config and raw metadata as JSON and
 *   its float32 weights packed (`f32le-deflate-base64`). `embeddedToNamFile` rebuilds exactly the same
 *   `NamFile` (same config, metadata, sample rate and float32 weights), so it renders sample-identically;
 *   it also builds the model once to check it (a wrong weight count is refused as `invalid-model`).
 * - `embedIr(wav)`: the IR as the rig uses it: decoded, summed to mono, float32, with its sample rate.
 * - `resolveModel` / `resolveIr`: a source plus, for a reference, the file's bytes checked against the
 *   reference's SHA-256 (`checksum-mismatch`), or `missing-resource` when none are given.
 */
import { createNamModel, NamError, parseNam, type NamFile } from '../dsp/nam/index.ts';
import { decodeWav, mixToMono } from '../dsp/io/wav-read.ts';
import { WavError } from '../dsp/io/wav-error.ts';
import { bytesToF32, deflate, f32ToBytes, fromBase64, fromUtf8, inflateBounded, sha256, toBase64, utf8 } from './codec.ts';
import { PresetError } from './errors.ts';
import { LIMITS, PACKED_ENCODING, type Preset, type EmbeddedIr, type EmbeddedModel, type IrSource, type ModelSource, type PackedFloats } from './schema.ts';

/** What the rig needs of an IR (matches the CLI's `ImpulseResponse`). */
export interface IrSamples {
  samples: Float32Array;
  sampleRate: number;
}

export function packFloats(values: Float32Array): PackedFloats {
  return { encoding: PACKED_ENCODING, count: values.length, data: toBase64(deflate(f32ToBytes(values))) };
}

export function unpackFloats(p: PackedFloats, path: string): Float32Array {
  const bytes = inflateBounded(fromBase64(p.data, `${path}.data`), p.count * 4, `${path}.data`, 'invalid-preset');
  if (bytes.length !== p.count * 4) throw new PresetError('invalid-preset', `${path}.data`, `holds ${bytes.length / 4} values, but count says ${p.count}`);
  const values = bytesToF32(bytes);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new PresetError('invalid-preset', `${path}[${i}]`, 'is not a finite number');
  }
  return values;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function wrapNam<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof NamError) throw new PresetError('invalid-model', path, e.message);
    throw e;
  }
}

/** Builds the model once (smallest block, plain JS, no prewarm) to check its config and weight count. */
function checkBuilds(file: NamFile, path: string): void {
  wrapNam(path, () => createNamModel(file, { maxBlockSize: 1, kernels: 'js', prewarm: false }));
}

/** Parses and checks a .nam file's text; `invalid-model` when it is not a model nam-rig can play. */
export function parseModelText(text: string, path = 'model'): NamFile {
  const file = wrapNam(path, () => parseNam(text));
  checkBuilds(file, path);
  return file;
}

/**
 * What an embedded model holds besides its file name and source hash: a .nam file's text parsed,
 * checked and packed (synchronous; the plugin's bare V8 context calls it too).
 */
export function embeddedModelBody(text: string): Omit<EmbeddedModel, 'fileName' | 'sourceSha256'> {
  const file = parseModelText(text);
  const raw: unknown = JSON.parse(text);
  const obj = isRecord(raw) ? raw : {};
  const sr = obj['sample_rate'];
  return {
    version: file.version,
    architecture: file.architecture,
    config: file.config,
    sampleRate: typeof sr === 'number' ? sr : null,
    metadata: isRecord(obj['metadata']) ? obj['metadata'] : null,
    weights: packFloats(file.weights),
  };
}

/** A .nam file's text as an embedded model. */
export async function embedModel(text: string, fileName?: string): Promise<EmbeddedModel> {
  const body = embeddedModelBody(text);
  return { ...(fileName !== undefined ? { fileName } : {}), sourceSha256: await sha256(utf8(text)), ...body };
}

/** The embedded model as a .nam JSON object (weights as numbers), as a .nam file would hold it. */
export function embeddedToNamJson(m: EmbeddedModel, path = 'model.embedded'): Record<string, unknown> {
  const weights = unpackFloats(m.weights, `${path}.weights`);
  return {
    version: m.version,
    architecture: m.architecture,
    config: m.config,
    ...(m.sampleRate !== null ? { sample_rate: m.sampleRate } : {}),
    ...(m.metadata !== null ? { metadata: m.metadata } : {}),
    weights: Array.from(weights),
  };
}

/** The embedded model, checked, as the `NamFile` the rig plays. */
export function embeddedToNamFile(m: EmbeddedModel, path = 'model.embedded'): NamFile {
  const file = wrapNam(path, () => parseNam(embeddedToNamJson(m, path)));
  checkBuilds(file, path);
  return file;
}

/** Decodes an IR WAV as the rig uses it (mono float32); `invalid-ir` when it is not a usable WAV. */
export function decodeIrWav(bytes: Uint8Array, path = 'ir'): IrSamples {
  try {
    const wav = decodeWav(bytes);
    const samples = mixToMono(wav.channels);
    if (samples.length === 0) throw new PresetError('invalid-ir', path, 'the IR has no samples');
    if (samples.length > LIMITS.irSamples) throw new PresetError('invalid-ir', path, `the IR has ${samples.length} samples, more than the ${LIMITS.irSamples} limit`);
    return { samples, sampleRate: wav.sampleRate };
  } catch (e) {
    if (e instanceof WavError) throw new PresetError('invalid-ir', path, e.message);
    throw e;
  }
}

export async function embedIr(wavBytes: Uint8Array, fileName?: string): Promise<EmbeddedIr> {
  const ir = decodeIrWav(wavBytes);
  return {
    ...(fileName !== undefined ? { fileName } : {}),
    sourceSha256: await sha256(wavBytes),
    sampleRate: ir.sampleRate,
    samples: packFloats(ir.samples),
  };
}

export function embeddedToIr(e: EmbeddedIr, path = 'ir.embedded'): IrSamples {
  const samples = unpackFloats(e.samples, `${path}.samples`);
  if (samples.length === 0) throw new PresetError('invalid-ir', `${path}.samples`, 'the IR has no samples');
  return { samples, sampleRate: e.sampleRate };
}

async function checkHash(bytes: Uint8Array, expected: string, path: string, what: string): Promise<void> {
  const actual = await sha256(bytes);
  if (actual !== expected) throw new PresetError('checksum-mismatch', path, `the ${what} does not match the preset (sha256 ${actual}, expected ${expected})`);
}

/** The preset's model, ready to play. A reference needs the file's bytes (checked against its hash). */
export async function resolveModel(source: ModelSource, fileBytes?: Uint8Array): Promise<NamFile> {
  if ('embedded' in source) return embeddedToNamFile(source.embedded);
  if (fileBytes === undefined) throw new PresetError('missing-resource', 'model.ref', `the preset refers to model "${source.ref.fileName}" (sha256 ${source.ref.sha256}); supply that file, or use a bundle or a preset with the model embedded`);
  await checkHash(fileBytes, source.ref.sha256, 'model.ref.sha256', `model file "${source.ref.fileName}"`);
  return parseModelText(fromUtf8(fileBytes, 'model', 'invalid-json'));
}

/** The preset's IR (null: no IR). A reference needs the WAV's bytes (checked against its hash). */
export async function resolveIr(source: IrSource | null, fileBytes?: Uint8Array): Promise<IrSamples | null> {
  if (source === null) return null;
  if ('embedded' in source) return embeddedToIr(source.embedded);
  if (fileBytes === undefined) throw new PresetError('missing-resource', 'ir.ref', `the preset refers to IR "${source.ref.fileName}" (sha256 ${source.ref.sha256}); supply that file, or use a bundle or a preset with the IR embedded`);
  await checkHash(fileBytes, source.ref.sha256, 'ir.ref.sha256', `IR file "${source.ref.fileName}"`);
  return decodeIrWav(fileBytes);
}

/**
 * The preset with its model and IR embedded (for a share link). A reference needs the file's bytes,
 * which must match its hash.
 */
export async function embedResources(preset: Preset, modelText?: string, irWav?: Uint8Array): Promise<Preset> {
  let model = preset.model;
  if ('ref' in model) {
    if (modelText === undefined) throw new PresetError('missing-resource', 'model.ref', `the preset refers to model "${model.ref.fileName}"; supply the .nam file to embed it`);
    await checkHash(utf8(modelText), model.ref.sha256, 'model.ref.sha256', `model file "${model.ref.fileName}"`);
    model = { embedded: await embedModel(modelText, model.ref.fileName) };
  }
  let ir = preset.ir;
  if (ir !== null && 'ref' in ir) {
    if (irWav === undefined) throw new PresetError('missing-resource', 'ir.ref', `the preset refers to IR "${ir.ref.fileName}"; supply the WAV file to embed it`);
    await checkHash(irWav, ir.ref.sha256, 'ir.ref.sha256', `IR file "${ir.ref.fileName}"`);
    ir = { embedded: await embedIr(irWav, ir.ref.fileName) };
  }
  return { ...preset, model, ir };
}
