/**
 * Bad WAV input: every broken header gives a WavError with its code and a clear one-line
 * message, lying sizes neither hang nor allocate past the file, and random corruption of a valid
 * file never produces anything but a decode or a WavError.
 */
import { describe, it, expect } from 'vitest';
import { decodeWav } from '../../src/dsp/io/wav-read.ts';
import { encodeWavPcm } from '../../src/dsp/io/wav-write.ts';
import { WavError, type WavErrorCode } from '../../src/dsp/io/wav-error.ts';
import { ascii, chunk, concat, fmtBody, int16Data, riff } from './wav-bytes.ts';

function u32le(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

function wavError(bytes: Uint8Array): WavError {
  try {
    decodeWav(bytes);
  } catch (e) {
    if (e instanceof WavError) return e;
    throw new Error(`expected a WavError, got ${String(e)}`);
  }
  throw new Error('expected a WavError, but the file decoded');
}

const pcm16 = (channels = 1, sampleRate = 48000) => chunk('fmt ', fmtBody({ tag: 1, channels, sampleRate, bits: 16 }));
const data4 = chunk('data', int16Data([[1], [2]]));

interface BadCase {
  name: string;
  bytes: Uint8Array;
  code: WavErrorCode;
  message: string;
}

const cases: BadCase[] = [
  { name: 'empty file', bytes: new Uint8Array(0), code: 'truncated', message: 'WAV: file is 0 bytes, too short for a header' },
  { name: '5-byte file', bytes: ascii('RIFF\0'), code: 'truncated', message: 'WAV: file is 5 bytes, too short for a header' },
  {
    name: 'RIFF/WAVE header cut at 37 bytes',
    bytes: riff([pcm16(), data4]).subarray(0, 37),
    code: 'truncated',
    message: 'WAV: file is 37 bytes, too short for a header',
  },
  { name: 'an MP3 (ID3 tag)', bytes: concat([ascii('ID3\x04'), new Uint8Array(60)]), code: 'not-wav', message: 'WAV: not a RIFF/WAVE file' },
  {
    name: 'a RIFF file of another form (AVI)',
    bytes: concat([ascii('RIFF'), u32le(52), ascii('AVI '), new Uint8Array(48)]),
    code: 'not-wav',
    message: 'WAV: not a RIFF/WAVE file (RIFF form type is "AVI ")',
  },
  { name: 'big-endian RIFX', bytes: riff([pcm16(), data4], 'RIFX'), code: 'unsupported-format', message: 'WAV: big-endian RIFX files are not supported' },
  { name: 'no fmt chunk', bytes: riff([chunk('LIST', new Uint8Array(20)), data4]), code: 'missing-fmt', message: 'WAV: fmt chunk missing' },
  { name: 'no data chunk', bytes: riff([pcm16(), chunk('LIST', new Uint8Array(20))]), code: 'missing-data', message: 'WAV: no data chunk' },
  {
    name: 'ADPCM',
    bytes: riff([chunk('fmt ', fmtBody({ tag: 2, channels: 1, sampleRate: 8000, bits: 4, blockAlign: 256 })), data4]),
    code: 'unsupported-format',
    message: 'WAV: unsupported format tag 0x0002 (ADPCM)',
  },
  {
    name: 'an unknown format tag',
    bytes: riff([chunk('fmt ', fmtBody({ tag: 0x1234, channels: 1, sampleRate: 8000, bits: 16 })), data4]),
    code: 'unsupported-format',
    message: 'WAV: unsupported format tag 0x1234',
  },
  {
    name: '12-bit PCM',
    bytes: riff([chunk('fmt ', fmtBody({ tag: 1, channels: 1, sampleRate: 8000, bits: 12, blockAlign: 2 })), data4]),
    code: 'unsupported-format',
    message: 'WAV: 12-bit PCM is not supported',
  },
  {
    name: '16-bit float',
    bytes: riff([chunk('fmt ', fmtBody({ tag: 3, channels: 1, sampleRate: 8000, bits: 16 })), data4]),
    code: 'unsupported-format',
    message: 'WAV: 16-bit float is not supported',
  },
  { name: '0 channels', bytes: riff([pcm16(0), data4]), code: 'invalid-format', message: 'WAV: 0 channels' },
  { name: 'sample rate 0', bytes: riff([pcm16(1, 0), data4]), code: 'invalid-format', message: 'WAV: sample rate 0 is invalid' },
  {
    name: 'a block align that contradicts the format',
    bytes: riff([chunk('fmt ', fmtBody({ tag: 1, channels: 2, sampleRate: 8000, bits: 16, blockAlign: 3 })), data4]),
    code: 'invalid-format',
    message: 'WAV: block align 3 does not match 2 channel(s) of 16-bit samples (expected 4)',
  },
  {
    name: '65535 channels (block align cannot hold them)',
    bytes: riff([chunk('fmt ', fmtBody({ tag: 1, channels: 65535, sampleRate: 8000, bits: 32, blockAlign: 65535 })), data4]),
    code: 'invalid-format',
    message: 'WAV: block align 65535 does not match 65535 channel(s) of 32-bit samples (expected 262140)',
  },
  {
    name: 'a 14-byte fmt chunk',
    bytes: riff([chunk('fmt ', fmtBody({ tag: 1, channels: 1, sampleRate: 8000, bits: 16 }).subarray(0, 14)), data4]),
    code: 'invalid-format',
    message: 'WAV: fmt chunk is 14 bytes, expected at least 16',
  },
  {
    name: 'a fmt chunk cut by the end of the file',
    bytes: concat([riff([chunk('LIST', new Uint8Array(30))]), ascii('fmt '), u32le(16), new Uint8Array(6)]),
    code: 'truncated',
    message: 'WAV: fmt chunk is truncated (6 of 16 bytes present)',
  },
  {
    name: 'a short WAVE_FORMAT_EXTENSIBLE fmt chunk',
    bytes: riff([chunk('fmt ', fmtBody({ tag: 0xfffe, channels: 1, sampleRate: 8000, bits: 16 }, true)), data4]),
    code: 'invalid-format',
    message: 'WAV: WAVE_FORMAT_EXTENSIBLE fmt chunk is 18 bytes, expected at least 40',
  },
  {
    name: 'a 0xFFFFFFFF chunk size before the data chunk',
    bytes: riff([pcm16(), chunk('LIST', new Uint8Array(8), 0xffffffff), data4]),
    code: 'missing-data',
    message: 'WAV: no data chunk',
  },
  {
    name: 'a fmt chunk declaring 0xFFFFFFFF bytes',
    bytes: riff([chunk('fmt ', fmtBody({ tag: 1, channels: 1, sampleRate: 8000, bits: 16 }), 0xffffffff), data4]),
    code: 'missing-data',
    message: 'WAV: no data chunk',
  },
  {
    name: 'RF64 with a 0xFFFFFFFF data size but no ds64 chunk',
    bytes: riff([pcm16(), chunk('data', int16Data([[1]]), 0xffffffff)], 'RF64'),
    code: 'invalid-format',
    message: 'WAV: RF64 file without a ds64 chunk',
  },
];

describe('bad headers give a WavError with a clear message', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const e = wavError(c.bytes);
    expect(e.code).toBe(c.code);
    expect(e.message).toBe(c.message);
    expect(e.message).not.toContain('\n');
  });
});

describe('lying sizes', () => {
  it('a run of 100 000 zero-length chunks ends quickly in "no data chunk"', () => {
    const empty = chunk('zero', new Uint8Array(0));
    const bytes = riff([pcm16(), ...Array.from({ length: 100_000 }, () => empty)]);
    const t0 = performance.now();
    expect(wavError(bytes).message).toBe('WAV: no data chunk');
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('zero-length chunks before the data chunk are skipped', () => {
    const empty = chunk('zero', new Uint8Array(0));
    const wav = decodeWav(riff([pcm16(), empty, empty, empty, data4]));
    expect([...wav.channels[0]!]).toEqual([1 / 32768, 2 / 32768]);
  });

  it('a data chunk declaring 2 GiB in a 50-byte file yields only the frames present', () => {
    const bytes = concat([riff([pcm16()]), ascii('data'), u32le(0x7ffffff0), int16Data([[7], [8], [9]])]);
    const wav = decodeWav(bytes);
    expect(wav.channels[0]!.length).toBe(3);
    expect(wav.channels[0]!.buffer.byteLength).toBe(12); // nothing sized from the declared length
  });

  it('an RF64 ds64 data size of 2^52 bytes yields only the frames present', () => {
    const ds64 = new Uint8Array(28);
    new DataView(ds64.buffer).setUint32(12, 0x100000, true); // data size high word: 2^52
    const bytes = riff([chunk('ds64', ds64), pcm16(), chunk('data', int16Data([[5], [6]]), 0xffffffff)], 'RF64');
    expect([...decodeWav(bytes).channels[0]!]).toEqual([5 / 32768, 6 / 32768]);
  });
});

describe('random corruption', () => {
  it('2000 corrupted files each decode or raise a WavError, nothing else', () => {
    const x = new Float32Array(64).map((_, i) => Math.sin(i / 3) * 0.5);
    const valid = encodeWavPcm([x, x], 44100, 24);
    let s = 12345;
    const rnd = (n: number): number => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return Math.floor((s / 2 ** 32) * n);
    };
    const counts = { decoded: 0, wavError: 0 };
    for (let trial = 0; trial < 2000; trial++) {
      let bytes = valid.slice();
      const edits = 1 + rnd(4);
      for (let e = 0; e < edits; e++) {
        const kind = rnd(4);
        if (kind === 0) bytes[rnd(60)] = rnd(256); // header byte
        else if (kind === 1) bytes = bytes.slice(0, rnd(bytes.length + 1)); // truncate
        else if (kind === 2 && bytes.length >= 44) new DataView(bytes.buffer).setUint32([4, 16, 40][rnd(3)]!, [0, 1, 0xffffffff, rnd(2 ** 31)][rnd(4)]!, true); // sizes
        else bytes[rnd(bytes.length)] = rnd(256);
      }
      try {
        const wav = decodeWav(bytes);
        counts.decoded++;
        expect(wav.sampleRate).toBeGreaterThan(0);
        expect(wav.channels.length).toBeGreaterThan(0);
        for (const ch of wav.channels) expect(ch.length).toBe(wav.channels[0]!.length);
        expect(wav.channels[0]!.length * wav.channels.length * (wav.bitsPerSample / 8)).toBeLessThanOrEqual(bytes.length);
      } catch (err) {
        if (!(err instanceof WavError)) throw new Error(`trial ${trial}: ${String(err)}`);
        expect(err.message).toMatch(/^WAV: [^\n]+$/);
        counts.wavError++;
      }
    }
    // Both outcomes must actually occur, or the fuzzing is not exercising anything.
    expect(counts.decoded).toBeGreaterThan(100);
    expect(counts.wavError).toBeGreaterThan(100);
  });
});
