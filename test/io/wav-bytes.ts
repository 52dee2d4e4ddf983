/**
 * Test helpers that build WAV files byte by byte (independently of the encoder under test), and
 * a deliberately simple reference WAV decoder used to cross-check `decodeWav` on real files.
 */

export function ascii(id: string): Uint8Array {
  return Uint8Array.from(id, (c) => c.charCodeAt(0));
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

/** A chunk: id, declared size (defaults to the body length), body, pad byte if the body is odd. */
export function chunk(id: string, body: Uint8Array, declaredSize = body.length, pad = true): Uint8Array {
  const parts = [ascii(id), u32(declaredSize), body];
  if (pad && body.length % 2 === 1) parts.push(new Uint8Array(1));
  return concat(parts);
}

/** RIFF/WAVE container around the given chunks (RIFF size from the real length). */
export function riff(chunks: readonly Uint8Array[], magic = 'RIFF'): Uint8Array {
  const body = concat(chunks);
  return concat([ascii(magic), u32(4 + body.length), ascii('WAVE'), body]);
}

export interface FmtFields {
  tag: number;
  channels: number;
  sampleRate: number;
  bits: number;
  blockAlign?: number;
}

/** A 16-byte WAVEFORMAT (or 18 with cbSize = 0 when `withCbSize`). */
export function fmtBody(f: FmtFields, withCbSize = false): Uint8Array {
  const b = new Uint8Array(withCbSize ? 18 : 16);
  const v = new DataView(b.buffer);
  const blockAlign = f.blockAlign ?? (f.channels * f.bits) / 8;
  v.setUint16(0, f.tag, true);
  v.setUint16(2, f.channels, true);
  v.setUint32(4, f.sampleRate, true);
  v.setUint32(8, f.sampleRate * blockAlign, true);
  v.setUint16(12, blockAlign, true);
  v.setUint16(14, f.bits, true);
  return b;
}

/** A 40-byte WAVE_FORMAT_EXTENSIBLE fmt body with the standard sub-format GUID tail. */
export function extensibleFmtBody(channels: number, sampleRate: number, containerBits: number, validBits: number, subFormat: number): Uint8Array {
  const b = new Uint8Array(40);
  const v = new DataView(b.buffer);
  const blockAlign = (channels * containerBits) / 8;
  v.setUint16(0, 0xfffe, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, sampleRate, true);
  v.setUint32(8, sampleRate * blockAlign, true);
  v.setUint16(12, blockAlign, true);
  v.setUint16(14, containerBits, true);
  v.setUint16(16, 22, true); // cbSize
  v.setUint16(18, validBits, true);
  v.setUint32(20, channels === 2 ? 0x3 : 0x4, true); // channel mask
  // GUID {0000xxxx-0000-0010-8000-00aa00389b71}: Data1 (LE u32), Data2, Data3 (LE u16), Data4 bytes.
  v.setUint32(24, subFormat, true);
  v.setUint16(28, 0x0000, true);
  v.setUint16(30, 0x0010, true);
  b.set([0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 32);
  return b;
}

/** Interleaved little-endian float64 samples. */
export function float64Data(channels: readonly number[][]): Uint8Array {
  const frames = channels[0]!.length;
  const b = new Uint8Array(frames * channels.length * 8);
  const v = new DataView(b.buffer);
  let p = 0;
  for (let i = 0; i < frames; i++) {
    for (const ch of channels) {
      v.setFloat64(p, ch[i]!, true);
      p += 8;
    }
  }
  return b;
}

/** Interleaved little-endian int16 samples given as integers. */
export function int16Data(frames: readonly (readonly number[])[]): Uint8Array {
  const flat = frames.flat();
  const b = new Uint8Array(flat.length * 2);
  const v = new DataView(b.buffer);
  flat.forEach((s, i) => v.setInt16(i * 2, s, true));
  return b;
}

export interface SimpleWav {
  sampleRate: number;
  channels: number[][];
}

/**
 * The simplest possible reader for well-formed files: walk the chunks, take fmt and data, and
 * convert each sample with plain arithmetic. Handles PCM 16/24/32, float 32, and extensible.
 */
export function simpleDecode(bytes: Uint8Array): SimpleWav {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const id = (o: number): string => String.fromCharCode(bytes[o]!, bytes[o + 1]!, bytes[o + 2]!, bytes[o + 3]!);
  let tag = 0, channels = 0, sampleRate = 0, bits = 0, dataAt = -1, dataLen = 0;
  for (let p = 12; p + 8 <= bytes.length; ) {
    const size = v.getUint32(p + 4, true);
    if (id(p) === 'fmt ') {
      tag = v.getUint16(p + 8, true);
      channels = v.getUint16(p + 10, true);
      sampleRate = v.getUint32(p + 12, true);
      bits = v.getUint16(p + 22, true);
      if (tag === 0xfffe) tag = v.getUint16(p + 8 + 24, true);
    } else if (id(p) === 'data') {
      dataAt = p + 8;
      dataLen = size;
    }
    p += 8 + size + (size % 2);
  }
  if (dataAt < 0) throw new Error('simpleDecode: no data');
  const bytesPer = bits / 8;
  const frames = Math.floor(dataLen / (bytesPer * channels));
  const out: number[][] = Array.from({ length: channels }, () => []);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const o = dataAt + (i * channels + c) * bytesPer;
      let x: number;
      if (tag === 3) x = v.getFloat32(o, true);
      else if (bits === 16) x = v.getInt16(o, true) / 32768;
      else if (bits === 24) {
        let n = bytes[o]! + bytes[o + 1]! * 256 + bytes[o + 2]! * 65536;
        if (n >= 8388608) n -= 16777216;
        x = n / 8388608;
      } else x = v.getInt32(o, true) / 2147483648;
      out[c]!.push(x);
    }
  }
  return { sampleRate, channels: out };
}
