/**
 * What the preset library stores (IndexedDB object stores `presets`, `models`, `irs`) and the one
 * error type it raises.
 *
 * A preset record holds the preset itself with its model and IR as `ref`s (sha256 + file name); the
 * model text and IR WAV bytes live once each in `models` / `irs`, keyed by their SHA-256, however many
 * presets use them. A resource no preset refers to any more is deleted with the last preset using it.
 */
import type { Preset } from '../../preset/index.ts';

/** The gear a model was captured from (its metadata `gear_make`, `gear_model`, `gear_type`). */
export interface Gear {
  readonly make?: string;
  readonly model?: string;
  readonly type?: string;
}

export interface PresetRecord {
  /** Stable id (not the name: names may repeat and change). */
  readonly id: string;
  /** Insertion order: the library lists presets by it. */
  readonly seq: number;
  /** Shipped with the app (loaded on first run). */
  readonly factory: boolean;
  /** The preset; `model` (and `ir`, when not null) are `ref`s into the resource stores. */
  readonly preset: Preset;
  readonly modelSha: string;
  readonly irSha: string | null;
  /** The model's display name (metadata name, else its file name) and gear, for search and filters. */
  readonly modelName: string;
  readonly gear: Gear;
  /** ISO 8601 time of the last change. */
  readonly updatedAt: string;
}

export interface ModelRecord {
  readonly sha256: string;
  /** The .nam file's text, byte for byte (its UTF-8 hashes to `sha256`). */
  readonly text: string;
  readonly fileName: string;
}

export interface IrRecord {
  readonly sha256: string;
  /** The WAV file's bytes. */
  readonly wav: Uint8Array;
  readonly fileName: string;
}

/** A preset with its model text and IR bytes, as stored (ready to apply or export). */
export interface PresetWithResources {
  readonly record: PresetRecord;
  readonly modelText: string;
  readonly irWav: Uint8Array | null;
}

/** What a save writes: the rig's sound (params, model, IR); name and tags come separately. */
export interface PresetContent {
  readonly params: Readonly<Record<string, number>>;
  readonly modelText: string;
  readonly modelFileName: string;
  readonly irWav: Uint8Array | null;
  readonly irFileName?: string;
}

/** Name, tags and notes of a preset, as the user edits them. */
export interface PresetLabel {
  readonly name: string;
  readonly tags?: readonly string[];
  readonly author?: string;
  readonly notes?: string;
}

export type LibraryErrorCode = 'not-found' | 'invalid-name' | 'invalid-bundle' | 'invalid-preset' | 'read-only' | 'storage';

/** A library operation that failed; the message is one line naming the problem. Nothing was written. */
export class LibraryError extends Error {
  readonly code: LibraryErrorCode;
  constructor(code: LibraryErrorCode, message: string) {
    super(message);
    this.name = 'LibraryError';
    this.code = code;
  }
}
