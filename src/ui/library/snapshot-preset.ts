/**
 * The current rig (a `RigSnapshot`) as something to keep or share: the content a library save
 * writes, a preset with model and IR embedded, a share link (or, when the rig is too large for a
 * link, the `.namrig` bundle to offer instead), and the rig a share link in the page URL holds.
 */
import { encodeWavFloat32 } from '../../dsp/io/wav-write.ts';
import { decodeLink, embedIr, embedModel, encodeLink, newPreset, packBundle, PresetError, type Preset } from '../../preset/index.ts';
import { oneLine } from '../messages.ts';
import type { PresetContent } from './library-types.ts';
import { readyFromEmbedded, type ReadyRig } from './ready-rig.ts';
import type { RigSnapshot, SessionIr } from './rig-session.ts';

const plain = (name: string): string => name.replace(/[\\/\0]/g, '_').slice(0, 255);
const irWavOf = (ir: SessionIr): Uint8Array => ir.wav ?? encodeWavFloat32([ir.samples], ir.sampleRate);
const irFileName = (ir: SessionIr): string => plain(/\.wave?$/i.test(ir.name) ? ir.name : `${ir.name}.wav`);

/** What a save of the current rig writes; throws when no model is loaded yet. */
export function contentFromSnapshot(s: RigSnapshot): PresetContent {
  if (!s.model) throw new Error('No model is loaded yet: load a .nam model before saving a preset');
  return {
    params: s.params,
    modelText: s.model.text,
    modelFileName: plain(s.model.fileName),
    irWav: s.ir ? irWavOf(s.ir) : null,
    ...(s.ir ? { irFileName: irFileName(s.ir) } : {}),
  };
}

/** The current rig as a `ReadyRig` (to keep in an A/B slot); null without a model. */
export function readyFromSnapshot(s: RigSnapshot, presetName: string): ReadyRig | null {
  if (!s.model) return null;
  return {
    presetName,
    modelText: s.model.text,
    modelFileName: s.model.fileName,
    modelName: s.model.name,
    ir: s.ir ? { samples: s.ir.samples, sampleRate: s.ir.sampleRate, name: s.ir.name, wav: irWavOf(s.ir) } : null,
    params: { ...s.params },
  };
}

/** The current rig as a preset with its model and IR embedded. */
export async function embeddedPreset(s: RigSnapshot, name: string): Promise<Preset> {
  const c = contentFromSnapshot(s);
  return newPreset({
    name: name.trim() || 'Shared rig',
    params: c.params,
    model: { embedded: await embedModel(c.modelText, c.modelFileName) },
    ir: c.irWav ? { embedded: await embedIr(c.irWav, c.irFileName) } : null,
  });
}

export type ShareResult =
  | { readonly kind: 'link'; readonly link: string }
  /** Too large for a link: `message` says so; `bundle()` makes the `.namrig` to offer instead. */
  | { readonly kind: 'too-large'; readonly message: string; bundle(): Promise<Uint8Array> };

/** A share link for the current rig on the page `baseUrl`. */
export async function shareRig(s: RigSnapshot, name: string, baseUrl: string): Promise<ShareResult> {
  const preset = await embeddedPreset(s, name);
  try {
    return { kind: 'link', link: await encodeLink(preset, { baseUrl }) };
  } catch (e) {
    if (e instanceof PresetError && e.code === 'link-too-large') {
      return {
        kind: 'too-large',
        message: `This rig is too large for a share link (${e.message.replace(/^link: /, '').replace(/ \(nam-rig preset pack\)$/, '')}): download it as a .namrig file and share that`,
        bundle: () => packBundle(preset),
      };
    }
    throw e;
  }
}

/** True when the page URL's fragment holds a share link (`#p=…`). */
export const hasShareFragment = (hash: string): boolean => /^#(?:.*&)?p=/.test(hash);

/** The rig a share link holds, validated; a damaged link throws an error with a one-line message. */
export async function readyFromLink(url: string): Promise<ReadyRig> {
  try {
    return readyFromEmbedded(await decodeLink(url));
  } catch (e) {
    throw new Error(oneLine(e, 'This share link cannot be opened').replace(': link: ', ': the link '), { cause: e });
  }
}
