/**
 * Share links that need no server: the whole preset, model and IR embedded, in the URL fragment
 * (which browsers never send to a server).
 *
 *   https://host/path/#p=1.<payload>.<check>
 *     payload = base64url(deflateRaw(UTF-8 preset JSON))
 *     check   = base64url(first 12 bytes of SHA-256(deflated bytes)), 16 characters
 *
 * `decodeLink` accepts the whole URL, the fragment (`#p=…`) or the bare `p=…`/`1.…` text. A truncated or
 * edited link fails the checksum (`corrupt-link`) before anything is inflated; the inflated JSON is then
 * bounded and validated as any preset, and the embedded model is built once and the IR decoded, so a link
 * that decodes always plays.
 *
 * Limit: `MAX_LINK_LENGTH` = 2,000,000 characters for the whole URL, under Chromium's 2 MiB
 * (2,097,152) `kMaxURLChars`. A larger preset makes `encodeLink` throw `link-too-large`, suggesting a
 * .namrig bundle. Measured: the standard model (deluxe.nam, 13,802 weights) alone is a 71,445-character
 * link (over 64 KB, far under 2 MB); with the mesa.wav IR 118,558.
 */
import { deflate, fromBase64Url, fromUtf8, inflateBounded, sha256, toBase64Url, utf8 } from './codec.ts';
import { PresetError } from './errors.ts';
import { embeddedToIr, embeddedToNamFile, embedResources } from './resources.ts';
import { LIMITS, parsePreset, type Preset } from './schema.ts';

export const MAX_LINK_LENGTH = 2_000_000;
export const CHROMIUM_MAX_URL_CHARS = 2 * 1024 * 1024;
export const LINK_VERSION = '1';
/** Where links point when no base is given (the web app's own URL is passed by the app). */
export const DEFAULT_LINK_BASE = 'https://nam-rig.app/';

async function checksum(bytes: Uint8Array): Promise<string> {
  const hex = await sha256(bytes);
  const head = new Uint8Array(12);
  for (let i = 0; i < 12; i++) head[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return toBase64Url(head);
}

export interface EncodeLinkOptions {
  /** The page the link opens (default `DEFAULT_LINK_BASE`); any existing fragment is replaced. */
  baseUrl?: string;
  /** The model file, when the preset refers to it instead of embedding it. */
  modelText?: string;
  /** The IR file, when the preset refers to it. */
  irWav?: Uint8Array;
}

/** The preset as a share link; throws `link-too-large` (use a bundle) past `MAX_LINK_LENGTH`. */
export async function encodeLink(preset: Preset, options: EncodeLinkOptions = {}): Promise<string> {
  const full = await embedResources(preset, options.modelText, options.irWav);
  const packed = deflate(utf8(JSON.stringify(full)));
  const base = (options.baseUrl ?? DEFAULT_LINK_BASE).replace(/#.*$/s, '');
  const link = `${base}#p=${LINK_VERSION}.${toBase64Url(packed)}.${await checksum(packed)}`;
  if (link.length > MAX_LINK_LENGTH) {
    throw new PresetError('link-too-large', 'link', `the preset needs a ${link.length}-character link, more than the ${MAX_LINK_LENGTH} a browser reliably opens; share it as a .namrig bundle instead (nam-rig preset pack)`);
  }
  return link;
}

/** The preset a share link holds (model and IR embedded, both checked); throws `corrupt-link`. */
export async function decodeLink(url: string): Promise<Preset> {
  const text = url.trim();
  if (text.length > CHROMIUM_MAX_URL_CHARS) throw new PresetError('corrupt-link', 'link', `is ${text.length} characters, longer than any link a browser opens`);
  const hash = text.indexOf('#');
  let fragment = hash >= 0 ? text.slice(hash + 1) : text;
  const p = /(?:^|&)p=([^&]*)/.exec(fragment);
  if (p) fragment = p[1]!;
  else if (hash >= 0 || /^https?:/i.test(text)) throw new PresetError('corrupt-link', 'link', 'is not a nam-rig preset link (no #p=… in it)');
  const parts = fragment.split('.');
  if (parts.length !== 3) throw new PresetError('corrupt-link', 'link', 'is damaged or truncated (expected #p=<version>.<data>.<checksum>)');
  const [version, data, check] = parts as [string, string, string];
  if (version !== LINK_VERSION) {
    if (/^\d+$/.test(version) && Number(version) > Number(LINK_VERSION)) throw new PresetError('unsupported-version', 'link', `link format ${version} is newer than this nam-rig understands (${LINK_VERSION}); update nam-rig to open it`);
    throw new PresetError('corrupt-link', 'link', `is damaged (unknown link format "${version.slice(0, 20)}")`);
  }
  const packed = fromBase64Url(data, 'link');
  if (check !== (await checksum(packed))) throw new PresetError('corrupt-link', 'link', 'is damaged or truncated: its checksum does not match (copy the whole link)');
  const json = fromUtf8(inflateBounded(packed, LIMITS.presetJson, 'link', 'corrupt-link'), 'link', 'corrupt-link');
  const preset = parsePreset(json);
  if (!('embedded' in preset.model)) throw new PresetError('corrupt-link', 'link.model', 'a link must embed its model');
  if (preset.ir !== null && !('embedded' in preset.ir)) throw new PresetError('corrupt-link', 'link.ir', 'a link must embed its IR');
  embeddedToNamFile(preset.model.embedded);
  if (preset.ir !== null) embeddedToIr(preset.ir.embedded);
  return preset;
}

/** True when `text` looks like a share link (or its fragment) rather than a file path. */
export function looksLikeLink(text: string): boolean {
  return /^https?:\/\/[^#]*#(?:.*&)?p=/i.test(text) || /^#?p=\d+\./.test(text);
}
