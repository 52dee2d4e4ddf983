/**
 * WAV encoder: planar Float32 channels to RIFF/WAVE bytes.
 *
 * `encodeWavFloat32` writes 32-bit IEEE float (format tag 3) with an 18-byte fmt chunk
 * (cbSize = 0) and the `fact` chunk the spec asks for in non-PCM files. `encodeWavPcm` writes
 * plain PCM (format tag 1) at 8, 16, 24 or 32 bits: samples are scaled by 2^(bits-1), rounded,
 * and clipped to the integer range (no dither); NaN is written as 0. Odd-sized data chunks get
 * their pad byte. Bad arguments raise `WavError`.
 */
import { WavError } from './wav-error.ts';

export type PcmBits = 8 | 16 | 24 | 32;

const UINT32_MAX = 0xffffffff;

interface Layout {
  frames: number;
  channelCount: number;
}

function checkArgs(channels: readonly Float32Array[], sampleRate: number): Layout {
  if (channels.length === 0) throw new WavError('invalid-argument', 'cannot write 0 channels');
  if (channels.length > 0xffff) throw new WavError('invalid-argument', `${channels.length} channels is more than a WAV file can hold`);
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate > UINT32_MAX) {
    throw new WavError('invalid-argument', `sample rate ${sampleRate} is invalid (expected a positive integer)`);
  }
  const frames = channels[0]!.length;
  for (const ch of channels) {
    if (ch.length !== frames) throw new WavError('invalid-argument', `channels differ in length (${frames} and ${ch.length})`);
  }
  return { frames, channelCount: channels.length };
}

function writeId(view: DataView, offset: number, id: string): void {
  for (let i = 0; i < 4; i++) view.setUint8(offset + i, id.charCodeAt(i));
}

/**
 * Lays out RIFF header, fmt (with optional cbSize), optional fact, and data; returns the bytes
 * with the sample area still zero, plus where it starts.
 */
function buildContainer(
  layout: Layout,
  sampleRate: number,
  tag: number,
  bitsPerSample: number,
  nonPcm: boolean,
): { bytes: Uint8Array; view: DataView; dataOffset: number } {
  const bytesPerSample = bitsPerSample / 8;
  const blockAlign = layout.channelCount * bytesPerSample;
  const dataBytes = layout.frames * blockAlign;
  const pad = dataBytes % 2;
  const fmtSize = nonPcm ? 18 : 16;
  const factBytes = nonPcm ? 12 : 0;
  const total = 12 + 8 + fmtSize + factBytes + 8 + dataBytes + pad;
  if (total - 8 > UINT32_MAX) throw new WavError('too-large', `${dataBytes} bytes of samples is past the 4 GiB RIFF limit`);

  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  writeId(view, 0, 'RIFF');
  view.setUint32(4, total - 8, true);
  writeId(view, 8, 'WAVE');
  let p = 12;
  writeId(view, p, 'fmt ');
  view.setUint32(p + 4, fmtSize, true);
  view.setUint16(p + 8, tag, true);
  view.setUint16(p + 10, layout.channelCount, true);
  view.setUint32(p + 12, sampleRate, true);
  view.setUint32(p + 16, sampleRate * blockAlign, true);
  view.setUint16(p + 20, blockAlign, true);
  view.setUint16(p + 22, bitsPerSample, true);
  if (nonPcm) view.setUint16(p + 24, 0, true); // cbSize
  p += 8 + fmtSize;
  if (nonPcm) {
    writeId(view, p, 'fact');
    view.setUint32(p + 4, 4, true);
    view.setUint32(p + 8, layout.frames, true);
    p += 12;
  }
  writeId(view, p, 'data');
  view.setUint32(p + 4, dataBytes, true);
  return { bytes, view, dataOffset: p + 8 };
}

/** Encodes planar channels as a 32-bit IEEE float WAV file. */
export function encodeWavFloat32(channels: readonly Float32Array[], sampleRate: number): Uint8Array {
  const layout = checkArgs(channels, sampleRate);
  const { bytes, view, dataOffset } = buildContainer(layout, sampleRate, 3, 32, true);
  const stride = layout.channelCount * 4;
  for (let c = 0; c < layout.channelCount; c++) {
    const ch = channels[c]!;
    let p = dataOffset + c * 4;
    for (let i = 0; i < layout.frames; i++, p += stride) view.setFloat32(p, ch[i]!, true);
  }
  return bytes;
}

/** Scales, rounds and clips one sample to a signed integer of `bits` bits. */
function quantize(x: number, scale: number, max: number): number {
  if (!(x === x)) return 0; // NaN
  const q = Math.round(x * scale);
  return q > max ? max : q < -scale ? -scale : q;
}

/** Encodes planar channels as integer PCM (8-bit unsigned, 16/24/32-bit signed) without dither. */
export function encodeWavPcm(channels: readonly Float32Array[], sampleRate: number, bits: PcmBits): Uint8Array {
  if (bits !== 8 && bits !== 16 && bits !== 24 && bits !== 32) {
    throw new WavError('invalid-argument', `${String(bits)}-bit PCM is not supported (use 8, 16, 24 or 32)`);
  }
  const layout = checkArgs(channels, sampleRate);
  const { bytes, view, dataOffset } = buildContainer(layout, sampleRate, 1, bits, false);
  const bytesPerSample = bits / 8;
  const stride = layout.channelCount * bytesPerSample;
  const scale = 2 ** (bits - 1);
  const max = scale - 1;
  for (let c = 0; c < layout.channelCount; c++) {
    const ch = channels[c]!;
    let p = dataOffset + c * bytesPerSample;
    for (let i = 0; i < layout.frames; i++, p += stride) {
      const q = quantize(ch[i]!, scale, max);
      if (bits === 8) view.setUint8(p, q + 128);
      else if (bits === 16) view.setInt16(p, q, true);
      else if (bits === 24) {
        view.setUint8(p, q & 0xff);
        view.setUint8(p + 1, (q >> 8) & 0xff);
        view.setUint8(p + 2, (q >> 16) & 0xff);
      } else view.setInt32(p, q, true);
    }
  }
  return bytes;
}
