/**
 * Byte-level helpers shared by presets, bundles and links, written for both Node and browsers:
 *
 *   - base64 / base64url of bytes (no Buffer, no btoa on huge strings);
 *   - float32 little-endian ↔ bytes (the embedded weights and IR samples);
 *   - `deflate` / `inflateBounded`: raw DEFLATE (fflate); inflation stops with `too-large` as soon as
 *     the output passes a limit, feeding the input in small slices so no single step can explode;
 *   - `sha256(bytes)`: hex digest; `crypto.subtle` where it exists (browsers, Node ≥ 20), else node:crypto.
 */
import { deflateSync, Inflate } from 'fflate';
import { PresetError } from './errors.ts';
import { Base64Error, BASE64_ALPHABET, BASE64URL_ALPHABET, decodeBase64 } from '../dsp/io/base64.ts';

const B64 = BASE64_ALPHABET;
const B64URL = BASE64URL_ALPHABET;

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = i + 1 < bytes.length ? bytes[i + 1]! : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2]! : 0;
    const n = (a << 16) | (b << 8) | c;
    chunk += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]!;
    chunk += i + 1 < bytes.length ? alphabet[(n >> 6) & 63]! : pad ? '=' : '';
    chunk += i + 2 < bytes.length ? alphabet[n & 63]! : pad ? '=' : '';
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

function decode(text: string, alphabet: string, path: string, code: 'invalid-preset' | 'corrupt-link'): Uint8Array {
  try {
    return decodeBase64(text, alphabet);
  } catch (e) {
    if (e instanceof Base64Error) throw new PresetError(code, path, `is not valid base64 (${e.reason})`);
    throw e;
  }
}

export const toBase64 = (bytes: Uint8Array): string => encode(bytes, B64, true);
export const fromBase64 = (text: string, path: string): Uint8Array => decode(text, B64, path, 'invalid-preset');
export const toBase64Url = (bytes: Uint8Array): string => encode(bytes, B64URL, false);
export const fromBase64Url = (text: string, path: string): Uint8Array => decode(text, B64URL, path, 'corrupt-link');

/** Float32 samples/weights as little-endian bytes. */
export function f32ToBytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return out;
}

/** Little-endian bytes back to float32 (the length must be a multiple of 4). */
export function bytesToF32(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length >> 2);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

export const deflate = (bytes: Uint8Array): Uint8Array => deflateSync(bytes, { level: 9 });

/** Input slice fed to the inflater per step: 16 KiB can inflate to at most ≈ 16.5 MiB. */
const INFLATE_STEP = 16 * 1024;

/**
 * Inflates raw DEFLATE data, refusing (`overflow()`, by default `too-large`) as soon as the output
 * passes `limit` bytes, and (`corrupt`) data that is not valid or not complete DEFLATE.
 */
export function inflateBounded(
  data: Uint8Array,
  limit: number,
  path: string,
  corrupt: 'corrupt-bundle' | 'corrupt-link' | 'invalid-preset',
  overflow: () => PresetError = () => new PresetError('too-large', path, `inflates to more than ${limit} bytes`),
): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > limit) throw overflow();
    chunks.push(chunk);
    if (final) ended = true;
  });
  try {
    if (data.length === 0) inflater.push(data, true);
    for (let i = 0; i < data.length; i += INFLATE_STEP) inflater.push(data.subarray(i, i + INFLATE_STEP), i + INFLATE_STEP >= data.length);
  } catch (e) {
    if (e instanceof PresetError) throw e;
    throw new PresetError(corrupt, path, `compressed data is corrupt (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!ended) throw new PresetError(corrupt, path, 'compressed data is truncated');
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** SHA-256 of `bytes`, lower-case hex. */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle) return hex(new Uint8Array(await subtle.digest('SHA-256', new Uint8Array(bytes))));
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(bytes).digest('hex');
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** UTF-8 bytes to text, refusing invalid UTF-8. */
export function fromUtf8(bytes: Uint8Array, path: string, code: 'corrupt-bundle' | 'corrupt-link' | 'invalid-json'): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PresetError(code, path, 'is not valid UTF-8 text');
  }
}
