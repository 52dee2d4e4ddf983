/**
 * The factory presets as the web build ships them: presets/factory/*.json and the models they use are
 * bundled as text (`?raw`), the IRs as asset URLs (`?url`, fetched when the library is first filled).
 * Nothing is copied: Vite reads the files from presets/.
 */
import { assembleFactoryPresets } from './factory-index.ts';
import type { FactoryPreset } from './preset-store.ts';

const ROOT = '../../../presets/';
const presetJson = import.meta.glob<string>('../../../presets/factory/*.json', { query: '?raw', import: 'default', eager: true });
const models = import.meta.glob<string>('../../../presets/models/*.nam', { query: '?raw', import: 'default', eager: true });
const irUrls = import.meta.glob<string>('../../../presets/irs/*.wav', { query: '?url', import: 'default', eager: true });

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

/** The factory presets, with their models and IRs (the IRs are fetched from the build's assets). */
export function loadFactoryPresets(): Promise<FactoryPreset[]> {
  const index = presetJson[`${ROOT}factory/index.json`];
  if (index === undefined) return Promise.reject(new Error('presets/factory/index.json is missing from the build'));
  return assembleFactoryPresets(index, {
    presetJson: (file) => presetJson[`${ROOT}factory/${file}`],
    modelText: (path) => models[`${ROOT}${path}`],
    irWav: (path) => {
      const url = irUrls[`${ROOT}${path}`];
      return url === undefined ? undefined : fetchBytes(url);
    },
  });
}
