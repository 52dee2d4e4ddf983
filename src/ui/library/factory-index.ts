/**
 * Reading the factory presets' list (presets/factory/index.json) and assembling each preset with the
 * model and IR it refers to. Where the files come from is the caller's: the web build bundles them
 * (factory-presets.ts, Vite imports), tests read them from disk.
 *
 *   { "presets": [ { "file": "crunch-lead.json", "name": "Crunch Lead",
 *                    "model": "models/nam-rig-default.nam", "ir": "irs/nam-rig-2x12-closed.wav" | null } ] }
 *
 * Paths are relative to presets/.
 */
import { z } from 'zod';
import type { FactoryPreset } from './preset-store.ts';

const entry = z.object({ file: z.string().min(1), name: z.string().min(1), model: z.string().min(1), ir: z.string().min(1).nullable() });
const indexSchema = z.object({ presets: z.array(entry) });

export type FactoryIndexEntry = z.infer<typeof entry>;

/** Where the factory files are read from (paths relative to presets/). */
export interface FactoryFiles {
  presetJson(file: string): string | undefined;
  modelText(path: string): string | undefined;
  irWav(path: string): Promise<Uint8Array> | undefined;
}

export function parseFactoryIndex(text: string): FactoryIndexEntry[] {
  const r = indexSchema.safeParse(JSON.parse(text));
  if (!r.success) throw new Error(`presets/factory/index.json: ${r.error.issues[0]?.path.join('.') ?? ''} ${r.error.issues[0]?.message ?? 'is invalid'}`);
  return r.data.presets;
}

const leaf = (path: string): string => path.split('/').pop() ?? path;

/** The factory presets in index order, each with its model text and IR bytes. */
export async function assembleFactoryPresets(indexText: string, files: FactoryFiles): Promise<FactoryPreset[]> {
  const out: FactoryPreset[] = [];
  for (const e of parseFactoryIndex(indexText)) {
    const json = files.presetJson(e.file);
    if (json === undefined) throw new Error(`factory preset ${e.file} is missing from the build`);
    const modelText = files.modelText(e.model);
    if (modelText === undefined) throw new Error(`factory model ${e.model} is missing from the build`);
    let irWav: Uint8Array | null = null;
    if (e.ir !== null) {
      const pending = files.irWav(e.ir);
      if (pending === undefined) throw new Error(`factory IR ${e.ir} is missing from the build`);
      irWav = await pending;
    }
    out.push({ json, modelText, modelFileName: leaf(e.model), irWav, ...(e.ir !== null ? { irFileName: leaf(e.ir) } : {}) });
  }
  return out;
}
