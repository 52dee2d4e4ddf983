/**
 * Searching and filtering the library's presets (pure functions over the records).
 *
 * - text: every word must appear (case-insensitive) in the preset's name, tags, author, notes, model
 *   name or gear;
 * - tag: the preset has this tag (case-insensitive);
 * - gear: the model's gear label (`gearLabel`: "Make Model (type)") equals this one.
 */
import type { Gear, PresetRecord } from './library-types.ts';

export interface LibraryQuery {
  readonly text?: string;
  readonly tag?: string;
  readonly gear?: string;
}

/** "Fender Deluxe Reverb (amp)", "Fender Deluxe Reverb", "(amp)"… or "" when the model says nothing. */
export function gearLabel(gear: Gear): string {
  const name = [gear.make, gear.model].filter(Boolean).join(' ');
  const type = gear.type ? gear.type.replace(/_/g, ' ') : '';
  if (name && type) return `${name} (${type})`;
  return name || type;
}

function haystack(r: PresetRecord): string {
  const p = r.preset;
  return [p.name, ...p.tags, p.author, p.notes, r.modelName, gearLabel(r.gear)].join('\n').toLowerCase();
}

export function filterPresets(records: readonly PresetRecord[], query: LibraryQuery): PresetRecord[] {
  const words = (query.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const tag = query.tag?.toLowerCase();
  return records.filter((r) => {
    if (tag && !r.preset.tags.some((t) => t.toLowerCase() === tag)) return false;
    if (query.gear && gearLabel(r.gear) !== query.gear) return false;
    if (words.length === 0) return true;
    const text = haystack(r);
    return words.every((w) => text.includes(w));
  });
}

/** Every tag in the library once (first spelling seen), sorted. */
export function allTags(records: readonly PresetRecord[]): string[] {
  const byKey = new Map<string, string>();
  for (const r of records) for (const t of r.preset.tags) if (!byKey.has(t.toLowerCase())) byKey.set(t.toLowerCase(), t);
  return [...byKey.values()].sort((a, b) => a.localeCompare(b));
}

/** Every non-empty gear label in the library once, sorted. */
export function allGear(records: readonly PresetRecord[]): string[] {
  return [...new Set(records.map((r) => gearLabel(r.gear)).filter(Boolean))].sort((a, b) => a.localeCompare(b));
}

/** The neighbour of `id` in `list` (`step` −1 previous, +1 next), wrapping around; the first when `id` is not in it. */
export function neighbour(list: readonly PresetRecord[], id: string | null, step: -1 | 1): PresetRecord | null {
  if (list.length === 0) return null;
  const at = id === null ? -1 : list.findIndex((r) => r.id === id);
  if (at < 0) return step > 0 ? list[0]! : list[list.length - 1]!;
  return list[(at + step + list.length) % list.length]!;
}
