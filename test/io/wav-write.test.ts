/**
 * WAV writing: the header layout of float32 and PCM files, read back field by field with a
 * DataView (not with the decoder), odd-size padding, and argument checks.
 */
import { describe, it, expect } from 'vitest';
import { encodeWavFloat32, encodeWavPcm, type PcmBits } from '../../src/dsp/io/wav-write.ts';
import { WavError } from '../../src/dsp/io/wav-error.ts';

function id(b: Uint8Array, at: number): string {
  return String.fromCharCode(...b.subarray(at, at + 4));
}

describe('encodeWavFloat32', () => {
  it('writes RIFF, an 18-byte fmt with tag 3, a fact chunk and the interleaved data', () => {
    const left = Float32Array.of(0.25, -0.5, 1.5);
    const right = Float32Array.of(-1, 0.75, 0);
    const b = encodeWavFloat32([left, right], 44100);
    const v = new DataView(b.buffer);
    expect(id(b, 0)).toBe('RIFF');
    expect(v.getUint32(4, true)).toBe(b.length - 8);
    expect(id(b, 8)).toBe('WAVE');
    expect(id(b, 12)).toBe('fmt ');
    expect(v.getUint32(16, true)).toBe(18);
    expect(v.getUint16(20, true)).toBe(3); // WAVE_FORMAT_IEEE_FLOAT
    expect(v.getUint16(22, true)).toBe(2); // channels
    expect(v.getUint32(24, true)).toBe(44100);
    expect(v.getUint32(28, true)).toBe(44100 * 8); // byte rate
    expect(v.getUint16(32, true)).toBe(8); // block align
    expect(v.getUint16(34, true)).toBe(32);
    expect(v.getUint16(36, true)).toBe(0); // cbSize
    expect(id(b, 38)).toBe('fact');
    expect(v.getUint32(42, true)).toBe(4);
    expect(v.getUint32(46, true)).toBe(3); // frames per channel
    expect(id(b, 50)).toBe('data');
    expect(v.getUint32(54, true)).toBe(3 * 2 * 4);
    expect(b.length).toBe(58 + 24);
    const interleaved = [0, 1, 2, 3, 4, 5].map((i) => v.getFloat32(58 + 4 * i, true));
    expect(interleaved).toEqual([0.25, -1, -0.5, 0.75, 1.5, 0]);
  });

  it('writes an empty file for zero frames', () => {
    const b = encodeWavFloat32([new Float32Array(0)], 48000);
    const v = new DataView(b.buffer);
    expect(b.length).toBe(58);
    expect(v.getUint32(46, true)).toBe(0);
    expect(v.getUint32(54, true)).toBe(0);
  });
});

describe('encodeWavPcm', () => {
  for (const bits of [8, 16, 24, 32] as PcmBits[]) {
    it(`${bits}-bit: canonical 44-byte header, data size and pad byte`, () => {
      const frames = 3;
      const b = encodeWavPcm([new Float32Array(frames)], 32000, bits);
      const v = new DataView(b.buffer);
      const dataBytes = (frames * bits) / 8;
      expect(id(b, 0)).toBe('RIFF');
      expect(id(b, 12)).toBe('fmt ');
      expect(v.getUint32(16, true)).toBe(16);
      expect(v.getUint16(20, true)).toBe(1); // WAVE_FORMAT_PCM
      expect(v.getUint16(22, true)).toBe(1);
      expect(v.getUint32(24, true)).toBe(32000);
      expect(v.getUint32(28, true)).toBe((32000 * bits) / 8);
      expect(v.getUint16(32, true)).toBe(bits / 8);
      expect(v.getUint16(34, true)).toBe(bits);
      expect(id(b, 36)).toBe('data');
      expect(v.getUint32(40, true)).toBe(dataBytes);
      expect(b.length).toBe(44 + dataBytes + (dataBytes % 2)); // odd data gets one pad byte
      expect(v.getUint32(4, true)).toBe(b.length - 8);
      const silence = bits === 8 ? 128 : 0;
      expect([...b.subarray(44, 44 + dataBytes)].every((x) => x === silence || (bits > 8 && x === 0))).toBe(true);
    });
  }

  it('clips out-of-range samples and writes NaN as 0', () => {
    const b = encodeWavPcm([Float32Array.of(2, -2, Number.NaN, 1e-9)], 8000, 16);
    const v = new DataView(b.buffer);
    expect([0, 1, 2, 3].map((i) => v.getInt16(44 + 2 * i, true))).toEqual([32767, -32768, 0, 0]);
  });
});

describe('writer argument checks', () => {
  const x = new Float32Array(4);
  it.each([
    ['no channels', () => encodeWavFloat32([], 48000), /0 channels/],
    ['channels of different lengths', () => encodeWavFloat32([x, new Float32Array(5)], 48000), /differ in length/],
    ['sample rate 0', () => encodeWavPcm([x], 0, 16), /sample rate 0 is invalid/],
    ['non-integer sample rate', () => encodeWavFloat32([x], 44100.5), /sample rate 44100.5 is invalid/],
    ['12-bit PCM', () => encodeWavPcm([x], 48000, 12 as PcmBits), /12-bit PCM is not supported/],
  ])('refuses %s with a WavError', (_name, write, message) => {
    expect(write).toThrow(WavError);
    expect(write).toThrowError(message);
  });
});
