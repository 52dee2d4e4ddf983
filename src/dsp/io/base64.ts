/**
 * base64 and base64url decoding in plain JS, for every place the engine runs: an AudioWorklet's global
 * scope and the plugin's bare V8 contexts have neither `atob` nor `Buffer`. Padding is optional.
 * A malformed text throws `Base64Error`, whose `reason` says what is wrong.
 */
export const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
export const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export class Base64Error extends Error {
  constructor(readonly reason: string) {
    super(`invalid base64: ${reason}`);
    this.name = 'Base64Error';
  }
}

/** Decodes `text` written with `alphabet` (standard by default). */
export function decodeBase64(text: string, alphabet: string = BASE64_ALPHABET): Uint8Array<ArrayBuffer> {
  const lookup = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) lookup[alphabet.charCodeAt(i)] = i;
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  if (end % 4 === 1) throw new Base64Error('truncated?');
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? lookup[c]! : -1;
    if (v < 0) throw new Base64Error(`bad character at ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}
