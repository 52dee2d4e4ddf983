/**
 * WAV decoder: RIFF/WAVE (and RF64/BW64) bytes to planar Float32 channels.
 *
 * Decodes format tag 1 (PCM: 8-bit unsigned, 16/24/32-bit signed), tag 3 (IEEE float, 32 and
 * 64-bit) and 0xFFFE WAVE_FORMAT_EXTENSIBLE whose sub-format GUID starts with 1 (PCM) or 3
 * (float). Unknown chunks (LIST, fact, bext, junk, ...) are skipped, odd chunks are padded as the
 * spec says (and a writer that forgot the pad byte is tolerated), and a data chunk whose declared
 * size runs past the end of the file is read as far as the file goes, in whole frames.
 *
 * The reader is safe on hostile input: every size is bounded by the real byte length before
 * anything is allocated, the chunk walk always moves forward by at least 8 bytes (so a size of
 * 0xFFFFFFFF or a run of empty chunks cannot hang it), and every problem is a `WavError` with a
 * one-line message. PCM is scaled by 2^-(bits-1) (so full scale is [-1, 1)); float samples are
 * passed through unchanged, even when outside [-1, 1] or not finite.
 */
import { WavError } from './wav-error.ts';

export type WavSampleFormat = 'pcm' | 'float';

export interface DecodedWav {
  sampleRate: number;
  /** One array per channel, all the same length (the number of whole frames in the data chunk). */
  channels: Float32Array[];
  /** 'pcm' (integer samples) or 'float' (IEEE float samples). */
  format: WavSampleFormat;
  /** Container bits per sample: 8, 16, 24, 32 or 64. */
  bitsPerSample: number;
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Names of common format tags this reader refuses, so the error says what the file is. */
const FORMAT_NAMES: Readonly<Record<number, string>> = {
  0x0000: 'unknown',
  0x0002: 'ADPCM',
  0x0006: 'A-law',
  0x0007: 'mu-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG',
  0x0055: 'MPEG Layer 3',
  0x0092: 'Dolby AC-3 SPDIF',
  0x0161: 'Windows Media Audio',
  0x2000: 'AC-3',
  0xf1ac: 'FLAC',
};

/** Shortest file that can hold RIFF header + 16-byte fmt chunk + empty data chunk. */
const MIN_FILE_BYTES = 44;
const UINT32_MAX = 0xffffffff;

interface FmtChunk {
  tag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

interface DataChunk {
  offset: number;
  /** Bytes actually present (declared size clamped to the end of the file). */
  length: number;
}

function hex4(n: number): string {
  return '0x' + n.toString(16).toUpperCase().padStart(4, '0');
}

function describeTag(tag: number): string {
  const name = FORMAT_NAMES[tag];
  return name ? `${hex4(tag)} (${name})` : hex4(tag);
}

function fourCC(view: DataView, offset: number): string {
  return String.fromCharCode(
    view.getUint8(offset),
    view.getUint8(offset + 1),
    view.getUint8(offset + 2),
    view.getUint8(offset + 3),
  );
}

/** A printable four-character chunk id (letters, digits, space, a few punctuation marks). */
function looksLikeChunkId(view: DataView, offset: number): boolean {
  if (offset + 8 > view.byteLength) return false;
  for (let i = 0; i < 4; i++) {
    const c = view.getUint8(offset + i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

function readUint64(view: DataView, offset: number): number {
  // Exact below 2^53, which is far beyond any byte length we can hold.
  return view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 0x100000000;
}

function parseFmt(view: DataView, offset: number, declared: number, available: number): FmtChunk {
  if (available < 16) {
    throw declared < 16
      ? new WavError('invalid-format', `fmt chunk is ${declared} bytes, expected at least 16`)
      : new WavError('truncated', `fmt chunk is truncated (${available} of ${declared} bytes present)`);
  }
  let tag = view.getUint16(offset, true);
  const channels = view.getUint16(offset + 2, true);
  const sampleRate = view.getUint32(offset + 4, true);
  const blockAlign = view.getUint16(offset + 12, true);
  const bitsPerSample = view.getUint16(offset + 14, true);
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    const size = Math.min(declared, available);
    if (size < 40) {
      throw new WavError('invalid-format', `WAVE_FORMAT_EXTENSIBLE fmt chunk is ${size} bytes, expected at least 40`);
    }
    // Sub-format GUID at offset 24: its first two bytes are the classic format tag
    // (KSDATAFORMAT_SUBTYPE_PCM = 00000001-0000-0010-8000-00aa00389b71, IEEE_FLOAT = 00000003-...).
    const sub = view.getUint16(offset + 24, true);
    if (sub !== WAVE_FORMAT_PCM && sub !== WAVE_FORMAT_IEEE_FLOAT) {
      throw new WavError('unsupported-format', `unsupported WAVE_FORMAT_EXTENSIBLE sub-format ${describeTag(sub)}`);
    }
    tag = sub;
  }
  return { tag, channels, sampleRate, blockAlign, bitsPerSample };
}

function checkFmt(fmt: FmtChunk): { format: WavSampleFormat; bytesPerSample: number } {
  let format: WavSampleFormat;
  if (fmt.tag === WAVE_FORMAT_PCM) {
    format = 'pcm';
    if (fmt.bitsPerSample !== 8 && fmt.bitsPerSample !== 16 && fmt.bitsPerSample !== 24 && fmt.bitsPerSample !== 32) {
      throw new WavError('unsupported-format', `${fmt.bitsPerSample}-bit PCM is not supported`);
    }
  } else if (fmt.tag === WAVE_FORMAT_IEEE_FLOAT) {
    format = 'float';
    if (fmt.bitsPerSample !== 32 && fmt.bitsPerSample !== 64) {
      throw new WavError('unsupported-format', `${fmt.bitsPerSample}-bit float is not supported`);
    }
  } else {
    throw new WavError('unsupported-format', `unsupported format tag ${describeTag(fmt.tag)}`);
  }
  if (fmt.channels === 0) throw new WavError('invalid-format', '0 channels');
  if (fmt.sampleRate === 0) throw new WavError('invalid-format', 'sample rate 0 is invalid');
  const bytesPerSample = fmt.bitsPerSample / 8;
  const frameBytes = fmt.channels * bytesPerSample;
  if (fmt.blockAlign !== frameBytes) {
    throw new WavError(
      'invalid-format',
      `block align ${fmt.blockAlign} does not match ${fmt.channels} channel(s) of ${fmt.bitsPerSample}-bit samples (expected ${frameBytes})`,
    );
  }
  return { format, bytesPerSample };
}

function decodeSamples(
  view: DataView,
  data: DataChunk,
  channelCount: number,
  format: WavSampleFormat,
  bytesPerSample: number,
): Float32Array[] {
  const frameBytes = channelCount * bytesPerSample;
  const frames = Math.floor(data.length / frameBytes); // whole frames only
  const channels: Float32Array[] = [];
  for (let c = 0; c < channelCount; c++) channels.push(new Float32Array(frames));
  for (let c = 0; c < channelCount; c++) {
    const out = channels[c]!;
    let p = data.offset + c * bytesPerSample;
    if (format === 'float') {
      if (bytesPerSample === 4) {
        for (let i = 0; i < frames; i++, p += frameBytes) out[i] = view.getFloat32(p, true);
      } else {
        for (let i = 0; i < frames; i++, p += frameBytes) out[i] = view.getFloat64(p, true);
      }
    } else if (bytesPerSample === 1) {
      for (let i = 0; i < frames; i++, p += frameBytes) out[i] = (view.getUint8(p) - 128) / 128;
    } else if (bytesPerSample === 2) {
      for (let i = 0; i < frames; i++, p += frameBytes) out[i] = view.getInt16(p, true) / 32768;
    } else if (bytesPerSample === 3) {
      for (let i = 0; i < frames; i++, p += frameBytes) {
        const u = view.getUint8(p) | (view.getUint8(p + 1) << 8) | (view.getUint8(p + 2) << 16);
        out[i] = ((u << 8) >> 8) / 8388608;
      }
    } else {
      for (let i = 0; i < frames; i++, p += frameBytes) out[i] = view.getInt32(p, true) / 2147483648;
    }
  }
  return channels;
}

/** Decodes a WAV file. Throws `WavError` (and nothing else) on anything it cannot decode. */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  const len = bytes.byteLength;
  if (len < 12) throw new WavError('truncated', `file is ${len} bytes, too short for a header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, len);
  const riff = fourCC(view, 0);
  const wave = fourCC(view, 8);
  if (riff === 'RIFX') throw new WavError('unsupported-format', 'big-endian RIFX files are not supported');
  const isRf64 = riff === 'RF64' || riff === 'BW64';
  if ((riff !== 'RIFF' && !isRf64) || wave !== 'WAVE') {
    const detail = riff === 'RIFF' ? ` (RIFF form type is ${JSON.stringify(wave)})` : '';
    throw new WavError('not-wav', `not a RIFF/WAVE file${detail}`);
  }
  if (len < MIN_FILE_BYTES) throw new WavError('truncated', `file is ${len} bytes, too short for a header`);

  let fmt: FmtChunk | undefined;
  let data: DataChunk | undefined;
  let ds64DataSize: number | undefined;

  // Each step advances pos by at least 8, so the walk ends after at most len / 8 chunks.
  let pos = 12;
  while (pos + 8 <= len) {
    const id = fourCC(view, pos);
    let size = view.getUint32(pos + 4, true);
    const body = pos + 8;
    if (id === 'ds64' && isRf64 && size >= 16 && body + 16 <= len) {
      ds64DataSize = readUint64(view, body + 8);
    }
    if (id === 'data' && isRf64 && size === UINT32_MAX) {
      if (ds64DataSize === undefined) throw new WavError('invalid-format', 'RF64 file without a ds64 chunk');
      size = ds64DataSize;
    }
    const available = Math.min(size, len - body);
    if (id === 'fmt ' && !fmt) fmt = parseFmt(view, body, size, available);
    else if (id === 'data' && !data) data = { offset: body, length: available };

    let next = body + size;
    // Odd chunks are followed by a pad byte; tolerate writers that forget it.
    if (size % 2 === 1 && !(looksLikeChunkId(view, next) && !looksLikeChunkId(view, next + 1))) next += 1;
    pos = next;
  }

  if (!fmt) throw new WavError('missing-fmt', 'fmt chunk missing');
  const { format, bytesPerSample } = checkFmt(fmt);
  if (!data) throw new WavError('missing-data', 'no data chunk');
  return {
    sampleRate: fmt.sampleRate,
    channels: decodeSamples(view, data, fmt.channels, format, bytesPerSample),
    format,
    bitsPerSample: fmt.bitsPerSample,
  };
}

/**
 * Mixes planar channels to one mono channel by summing them, as the official NAM plugin does with a
 * stereo input (so a mono DI duplicated on both channels arrives 6 dB hotter). A single channel is copied.
 */
export function mixToMono(channels: readonly Float32Array[]): Float32Array {
  const count = channels.length;
  if (count === 0) throw new WavError('invalid-argument', 'cannot mix 0 channels to mono');
  const n = channels[0]!.length;
  for (const ch of channels) {
    if (ch.length !== n) throw new WavError('invalid-argument', `channels differ in length (${n} and ${ch.length})`);
  }
  if (count === 1) return channels[0]!.slice();
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < count; c++) sum += channels[c]![i]!;
    out[i] = sum;
  }
  return out;
}
