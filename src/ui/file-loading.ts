/**
 * Loading files the user picks or drops: a `.nam` model or a `.wav` impulse response.
 *
 * A model is parsed here only to validate it and read its metadata; its text goes to the engine
 * through the transport. An IR is decoded and its first channel sent as samples. Every failure comes
 * back as one line naming the file, never as a throw.
 */
import { parseNam } from '../dsp/nam/file.ts';
import { decodeWav } from '../dsp/io/wav-read.ts';
import { describeModel } from './model-info.ts';
import { oneLine } from './messages.ts';
import type { IrInfo, ModelInfo, RigTransport } from './transport.ts';

/** What loading needs from a `File` (so tests can pass plain objects). */
export interface FileLike {
  readonly name: string;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export type FileKind = 'model' | 'ir' | 'unknown';

export function fileKind(name: string): FileKind {
  const lower = name.toLowerCase();
  if (lower.endsWith('.nam')) return 'model';
  if (lower.endsWith('.wav') || lower.endsWith('.wave')) return 'ir';
  return 'unknown';
}

export type LoadResult =
  | { readonly ok: true; readonly kind: 'model'; readonly info: ModelInfo; readonly warnings: readonly string[] }
  | { readonly ok: true; readonly kind: 'ir'; readonly info: IrInfo }
  | { readonly ok: false; readonly kind: FileKind; readonly message: string };

export async function loadModelFile(file: FileLike, transport: RigTransport): Promise<LoadResult> {
  try {
    const text = await file.text();
    const parsed = parseNam(text);
    const info = describeModel(parsed, file.name);
    transport.loadModel(text, info.name);
    return { ok: true, kind: 'model', info, warnings: parsed.warnings };
  } catch (e) {
    return { ok: false, kind: 'model', message: oneLine(e, file.name) };
  }
}

export async function loadIrFile(file: FileLike, transport: RigTransport): Promise<LoadResult> {
  try {
    const wav = decodeWav(new Uint8Array(await file.arrayBuffer()));
    const length = wav.channels[0]?.length ?? 0;
    if (wav.channels.length === 0 || length === 0) return { ok: false, kind: 'ir', message: `${file.name}: the WAV file has no samples` };
    // A stereo IR sends its first channel: summing would change its level, and level is the engine's business.
    const mono = wav.channels[0]!;
    const info: IrInfo = { name: file.name, sampleRate: wav.sampleRate, length, channels: wav.channels.length };
    transport.loadIr(mono, wav.sampleRate, file.name);
    return { ok: true, kind: 'ir', info };
  } catch (e) {
    return { ok: false, kind: 'ir', message: oneLine(e, file.name) };
  }
}

/** Loads one file of either kind, by its extension; an unknown extension is refused by name. */
export async function loadAnyFile(file: FileLike, transport: RigTransport): Promise<LoadResult> {
  switch (fileKind(file.name)) {
    case 'model':
      return loadModelFile(file, transport);
    case 'ir':
      return loadIrFile(file, transport);
    default:
      return { ok: false, kind: 'unknown', message: `${file.name}: not a .nam model or a .wav impulse response` };
  }
}

/** Loads dropped files in order (a model and an IR may be dropped together). */
export async function loadDroppedFiles(files: readonly FileLike[], transport: RigTransport): Promise<LoadResult[]> {
  if (files.length === 0) return [{ ok: false, kind: 'unknown', message: 'Nothing to load: drop a .nam model or a .wav impulse response' }];
  const results: LoadResult[] = [];
  for (const f of files) results.push(await loadAnyFile(f, transport));
  return results;
}
