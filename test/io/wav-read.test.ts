/**
 * WAV reading: round trips through the encoder for every supported sample type, hand-built
 * float64, WAVE_FORMAT_EXTENSIBLE and RF64 files, chunk skipping and padding, truncated data,
 * and mixToMono.
 */
import { describe, it, expect } from 'vitest';
import { decodeWav, mixToMono } from '../../src/dsp/io/wav-read.ts';
import { encodeWavFloat32, encodeWavPcm, type PcmBits } from '../../src/dsp/io/wav-write.ts';
import { WavError } from '../../src/dsp/io/wav-error.ts';
import { ascii, chunk, concat, extensibleFmtBody, float64Data, fmtBody, int16Data, riff } from './wav-bytes.ts';

/** Deterministic test signal: full-scale edges, zero, and pseudo-random values in [-1, 1]. */
function testSignal(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = (s / 2 ** 32) * 2 - 1;
  }
  x[0] = 1;
  x[1] = -1;
  x[2] = 0;
  x[3] = 0.5;
  return x;
}

describe('PCM round trips', () => {
  for (const bits of [8, 16, 24, 32] as PcmBits[]) {
    for (const channelCount of [1, 2, 3]) {
      it(`${bits}-bit, ${channelCount} channel(s)`, () => {
        const frames = 1001; // odd, so 8- and 24-bit mono data chunks need a pad byte
        const input = Array.from({ length: channelCount }, (_, c) => testSignal(frames, 17 + c));
        const wav = decodeWav(encodeWavPcm(input, 44100, bits));
        expect(wav.sampleRate).toBe(44100);
        expect(wav.format).toBe('pcm');
        expect(wav.bitsPerSample).toBe(bits);
        expect(wav.channels.length).toBe(channelCount);
        const full = 2 ** (bits - 1);
        for (let c = 0; c < channelCount; c++) {
          const got = wav.channels[c]!;
          expect(got.length).toBe(frames);
          for (let i = 0; i < frames; i++) {
            // The oracle: round to the nearest step of 2^-(bits-1), clipped to [-1, 1 - step].
            const expected = Math.min(full - 1, Math.max(-full, Math.round(input[c]![i]! * full))) / full;
            if (got[i] !== Math.fround(expected)) {
              expect.fail(`channel ${c} sample ${i}: got ${got[i]}, expected ${expected} (input ${input[c]![i]})`);
            }
          }
          expect(got[1]).toBe(-1); // -1 is exactly representable
          expect(got[0]).toBe(Math.fround((full - 1) / full)); // +1 clips to the largest code
        }
      });
    }
  }

  it('puts the documented integer codes at the documented byte offsets', () => {
    const x = Float32Array.of(0.5, -0.5, -1, 1, 0);
    const at = 44; // canonical PCM header: RIFF(12) + fmt(8 + 16) + data header(8)
    const b8 = encodeWavPcm([x], 8000, 8);
    expect([...b8.subarray(at, at + 5)]).toEqual([192, 64, 0, 255, 128]);
    const v16 = new DataView(encodeWavPcm([x], 8000, 16).buffer);
    expect([0, 1, 2, 3, 4].map((i) => v16.getInt16(at + 2 * i, true))).toEqual([16384, -16384, -32768, 32767, 0]);
    const b24 = encodeWavPcm([x], 8000, 24);
    expect([...b24.subarray(at, at + 12)]).toEqual([0x00, 0x00, 0x40, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x80, 0xff, 0xff, 0x7f]);
    const v32 = new DataView(encodeWavPcm([x], 8000, 32).buffer);
    expect([0, 1, 2, 3].map((i) => v32.getInt32(at + 4 * i, true))).toEqual([2 ** 30, -(2 ** 30), -(2 ** 31), 2 ** 31 - 1]);
  });
});

describe('float round trips', () => {
  it('float32 is bit-exact, including values outside [-1, 1]', () => {
    const a = testSignal(777, 5);
    a[10] = 1.75;
    a[11] = -3.25;
    a[12] = 1e-30;
    const b = testSignal(777, 6);
    const wav = decodeWav(encodeWavFloat32([a, b], 96000));
    expect(wav.format).toBe('float');
    expect(wav.bitsPerSample).toBe(32);
    expect(wav.sampleRate).toBe(96000);
    expect(wav.channels[0]).toEqual(a);
    expect(wav.channels[1]).toEqual(b);
  });

  it('float64 (hand-built, tag 3, 64 bits) decodes to the nearest float32', () => {
    const left = [0.1, -0.7, 1e-8, 0.999999999, -1, 1.5];
    const right = [0, 0.25, -0.3333333333333, 2 ** -20, 0.5, -1.5];
    const bytes = riff([
      chunk('fmt ', fmtBody({ tag: 3, channels: 2, sampleRate: 48000, bits: 64 }, true)),
      chunk('fact', Uint8Array.of(6, 0, 0, 0)),
      chunk('data', float64Data([left, right])),
    ]);
    const wav = decodeWav(bytes);
    expect(wav.format).toBe('float');
    expect(wav.bitsPerSample).toBe(64);
    expect([...wav.channels[0]!]).toEqual(left.map(Math.fround));
    expect([...wav.channels[1]!]).toEqual(right.map(Math.fround));
  });
});

describe('WAVE_FORMAT_EXTENSIBLE (hand-built)', () => {
  it('24-bit PCM stereo', () => {
    // Frames: L = 0x400000 (0.5), R = 0xC00000 (-0.5); L = 0x7FFFFF, R = 0x800000 (-1).
    const data = Uint8Array.of(0x00, 0x00, 0x40, 0x00, 0x00, 0xc0, 0xff, 0xff, 0x7f, 0x00, 0x00, 0x80);
    const wav = decodeWav(riff([chunk('fmt ', extensibleFmtBody(2, 48000, 24, 24, 1)), chunk('data', data)]));
    expect(wav.format).toBe('pcm');
    expect(wav.bitsPerSample).toBe(24);
    expect([...wav.channels[0]!]).toEqual([0.5, Math.fround(8388607 / 8388608)]);
    expect([...wav.channels[1]!]).toEqual([-0.5, -1]);
  });

  it('24 valid bits in a 32-bit container keep their scale', () => {
    const data = new Uint8Array(8);
    const v = new DataView(data.buffer);
    v.setInt32(0, 0x40000000, true); // 0.5, with the low (padding) byte zero
    v.setInt32(4, -0x20000000, true); // -0.25
    const wav = decodeWav(riff([chunk('fmt ', extensibleFmtBody(1, 44100, 32, 24, 1)), chunk('data', data)]));
    expect([...wav.channels[0]!]).toEqual([0.5, -0.25]);
  });

  it('32-bit float mono', () => {
    const data = new Uint8Array(12);
    const v = new DataView(data.buffer);
    [0.125, -0.875, 1.25].forEach((x, i) => v.setFloat32(4 * i, x, true));
    const wav = decodeWav(riff([chunk('fmt ', extensibleFmtBody(1, 48000, 32, 32, 3)), chunk('fact', u32le(3)), chunk('data', data)]));
    expect(wav.format).toBe('float');
    expect([...wav.channels[0]!]).toEqual([0.125, -0.875, 1.25]);
  });

  it('refuses an unknown sub-format by name', () => {
    const bytes = riff([chunk('fmt ', extensibleFmtBody(1, 48000, 16, 16, 2)), chunk('data', new Uint8Array(4))]);
    expect(() => decodeWav(bytes)).toThrowError(/^WAV: unsupported WAVE_FORMAT_EXTENSIBLE sub-format 0x0002 \(ADPCM\)$/);
  });
});

function u32le(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

describe('chunk walking', () => {
  const fmt16 = chunk('fmt ', fmtBody({ tag: 1, channels: 1, sampleRate: 22050, bits: 16 }));
  const samples = [[1000], [-2000], [32767], [-32768], [0]];
  const data = chunk('data', int16Data(samples));
  const expected = [1000, -2000, 32767, -32768, 0].map((s) => s / 32768);

  it('skips LIST, fact, bext and odd-sized chunks (with their pad byte)', () => {
    const list = chunk('LIST', concat([ascii('INFO'), chunk('ISFT', ascii('tool\0'))]));
    const odd = chunk('junk', Uint8Array.of(1, 2, 3)); // 3 bytes + pad
    const bytes = riff([list, fmt16, odd, chunk('bext', new Uint8Array(7)), data, chunk('id3 ', new Uint8Array(9))]);
    expect([...decodeWav(bytes).channels[0]!]).toEqual(expected);
  });

  it('tolerates a writer that forgot the pad byte after an odd chunk', () => {
    const odd = chunk('junk', Uint8Array.of(1, 2, 3), 3, false);
    expect([...decodeWav(riff([fmt16, odd, data])).channels[0]!]).toEqual(expected);
  });

  it('accepts fmt after data', () => {
    expect([...decodeWav(riff([data, fmt16])).channels[0]!]).toEqual(expected);
  });

  it('reads whole frames of a data chunk that runs past the end of the file', () => {
    const stereo = chunk('fmt ', fmtBody({ tag: 1, channels: 2, sampleRate: 8000, bits: 16 }));
    const body = int16Data([[100, -100], [200, -200], [300, -300]]);
    const file = concat([riff([stereo]), ascii('data'), u32le(1_000_000), body.subarray(0, 10)]); // 2.5 frames present
    const wav = decodeWav(file);
    expect([...wav.channels[0]!]).toEqual([100 / 32768, 200 / 32768]);
    expect([...wav.channels[1]!]).toEqual([-100 / 32768, -200 / 32768]);
  });

  it('reads to the end of the file when the data size is 0xFFFFFFFF (streamed output)', () => {
    const file = concat([riff([fmt16]), ascii('data'), u32le(0xffffffff), int16Data(samples)]);
    expect([...decodeWav(file).channels[0]!]).toEqual(expected);
  });

  it('reads a zero-length data chunk as zero frames', () => {
    const wav = decodeWav(riff([fmt16, chunk('data', new Uint8Array(0))]));
    expect(wav.channels.length).toBe(1);
    expect(wav.channels[0]!.length).toBe(0);
  });

  it('reads RF64 with the data size in the ds64 chunk', () => {
    const pcm = int16Data(samples);
    const ds64 = new Uint8Array(28);
    const v = new DataView(ds64.buffer);
    v.setUint32(0, 0, true); // RIFF size (low, high) - not needed by the reader
    v.setUint32(8, pcm.length, true); // data size low
    v.setUint32(12, 0, true); // data size high
    v.setUint32(16, samples.length, true); // sample count
    const file = riff([chunk('ds64', ds64), fmt16, chunk('data', pcm, 0xffffffff), chunk('LIST', new Uint8Array(4))], 'RF64');
    expect([...decodeWav(file).channels[0]!]).toEqual(expected);
  });

  it('reads from a Uint8Array view into a larger buffer (e.g. a pooled Node Buffer)', () => {
    const bytes = riff([fmt16, data]);
    const big = new Uint8Array(bytes.length + 100);
    big.set(bytes, 37);
    expect([...decodeWav(big.subarray(37, 37 + bytes.length)).channels[0]!]).toEqual(expected);
  });
});

describe('mixToMono', () => {
  it('is the sum of the channels', () => {
    const a = Float32Array.of(1, 0.5, -1, 0);
    const b = Float32Array.of(0, 0.5, 1, -0.5);
    const c = Float32Array.of(0.5, -1, 0.25, 0.25);
    expect([...mixToMono([a, b])]).toEqual([1, 1, 0, -0.5]);
    const m3 = mixToMono([a, b, c]);
    [0, 1, 2, 3].forEach((i) => expect(m3[i]).toBeCloseTo(a[i]! + b[i]! + c[i]!, 6));
  });

  it('doubles a mono clip duplicated on two channels (+6 dB, as the NAM plugin sums)', () => {
    const x = testSignal(500, 3);
    expect(mixToMono([x, x])).toEqual(x.map((v) => 2 * v));
  });

  it('copies a single channel rather than aliasing it', () => {
    const x = Float32Array.of(0.1, 0.2);
    const m = mixToMono([x]);
    expect(m).toEqual(x);
    expect(m).not.toBe(x);
  });

  it('refuses no channels and channels of different lengths', () => {
    expect(() => mixToMono([])).toThrow(WavError);
    expect(() => mixToMono([new Float32Array(3), new Float32Array(4)])).toThrowError(/^WAV: channels differ in length \(3 and 4\)$/);
  });
});
