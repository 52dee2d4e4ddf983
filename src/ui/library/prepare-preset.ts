/**
 * Turns what a save or an import brings (params, model text, IR bytes, name and tags) into the records
 * the library writes, validating everything first: the model must parse and build, the IR must decode,
 * params and labels must pass the preset schema. The slow parts (building the model, hashing) happen
 * here, before any IndexedDB transaction opens.
 */
import { decodeIrWav, newPreset, parseModelText, PresetError, sha256, type Preset } from '../../preset/index.ts';
import { describeModel } from '../model-info.ts';
import { oneLine } from '../messages.ts';
import { LibraryError, type Gear, type IrRecord, type ModelRecord, type PresetContent, type PresetLabel } from './library-types.ts';

/** Everything a write needs, validated and hashed. */
export interface PreparedPreset {
  readonly preset: Preset;
  readonly model: ModelRecord;
  readonly ir: IrRecord | null;
  readonly modelName: string;
  readonly gear: Gear;
}

/** Trimmed, non-empty tags without repeats (case-insensitive), in the order given. */
export function cleanTags(tags: readonly string[] | undefined): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags ?? []) {
    const t = raw.trim().replace(/\s+/g, ' ');
    if (t && !seen.has(t.toLowerCase())) {
      seen.add(t.toLowerCase());
      out.push(t);
    }
  }
  return out;
}

/** The label checked against the preset schema's rules (name required, lengths), as a `LibraryError`. */
export function cleanLabel(label: PresetLabel): Required<PresetLabel> {
  const name = label.name.trim().replace(/\s+/g, ' ');
  if (!name) throw new LibraryError('invalid-name', 'A preset needs a name');
  return { name, tags: cleanTags(label.tags), author: label.author ?? '', notes: label.notes ?? '' };
}

/** A `PresetError` from the schema as a library error (name problems are `invalid-name`). */
export function presetProblem(e: unknown, prefix = ''): LibraryError {
  if (e instanceof LibraryError) return e;
  const code = e instanceof PresetError && (e.path === 'name' || e.path.startsWith('tags')) ? 'invalid-name' : 'invalid-preset';
  return new LibraryError(code, oneLine(e, prefix));
}

const gearOf = (make: string | undefined, model: string | undefined, type: string | undefined): Gear => ({
  ...(make?.trim() ? { make: make.trim() } : {}),
  ...(model?.trim() ? { model: model.trim() } : {}),
  ...(type?.trim() ? { type: type.trim() } : {}),
});

export async function preparePreset(content: PresetContent, label: PresetLabel, createdAt?: string): Promise<PreparedPreset> {
  const clean = cleanLabel(label);
  let info;
  try {
    const file = parseModelText(content.modelText);
    info = describeModel(file, content.modelFileName);
  } catch (e) {
    throw new LibraryError('invalid-preset', oneLine(e, content.modelFileName));
  }
  const irFileName = content.irFileName ?? 'ir.wav';
  if (content.irWav) {
    try {
      decodeIrWav(content.irWav);
    } catch (e) {
      throw new LibraryError('invalid-preset', oneLine(e, irFileName));
    }
  }
  const modelSha = await sha256(new TextEncoder().encode(content.modelText));
  const irSha = content.irWav ? await sha256(content.irWav) : null;
  let preset: Preset;
  try {
    preset = newPreset({
      ...clean,
      tags: [...clean.tags],
      params: content.params,
      ...(createdAt !== undefined ? { createdAt } : {}),
      model: { ref: { sha256: modelSha, fileName: content.modelFileName } },
      ir: irSha === null ? null : { ref: { sha256: irSha, fileName: irFileName } },
    });
  } catch (e) {
    throw presetProblem(e);
  }
  return {
    preset,
    model: { sha256: modelSha, text: content.modelText, fileName: content.modelFileName },
    ir: irSha === null || !content.irWav ? null : { sha256: irSha, wav: content.irWav, fileName: irFileName },
    modelName: info.name,
    gear: gearOf(info.gearMake, info.gearModel, info.gearType),
  };
}
