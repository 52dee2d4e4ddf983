/**
 * The real DI clips and cabinet IRs in ../shared/fixtures (read in place, never copied): each
 * decodes at 48 kHz to samples in [-1, 1] that are not all zero, and matches a deliberately
 * simple independent decoder sample for sample.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeWav } from '../../src/dsp/io/wav-read.ts';
import { simpleDecode } from './wav-bytes.ts';

const FIXTURES = resolve(__dirname, '../../../shared/fixtures');

function wavFiles(dir: string): string[] {
  return readdirSync(join(FIXTURES, dir))
    .filter((f) => f.toLowerCase().endsWith('.wav'))
    .sort()
    .map((f) => join(FIXTURES, dir, f));
}

const groups = [
  { dir: 'di', minSeconds: 5 },
  { dir: 'irs', minSeconds: 0.05 },
];

for (const { dir, minSeconds } of groups) {
  describe(`fixtures/${dir}`, () => {
    const files = wavFiles(dir);

    it('has fixtures to test', () => {
      expect(files.length).toBeGreaterThanOrEqual(2);
    });

    for (const file of files) {
      it(file.slice(FIXTURES.length + 1), () => {
        const bytes = new Uint8Array(readFileSync(file));
        const wav = decodeWav(bytes);
        expect(wav.sampleRate).toBe(48000);
        expect(wav.channels.length).toBeGreaterThanOrEqual(1);
        const frames = wav.channels[0]!.length;
        expect(frames / wav.sampleRate).toBeGreaterThan(minSeconds);

        let peak = 0;
        for (const ch of wav.channels) {
          expect(ch.length).toBe(frames);
          for (let i = 0; i < ch.length; i++) {
            const x = ch[i]!;
            if (!(x >= -1 && x <= 1)) expect.fail(`sample ${i} is ${x}, outside [-1, 1]`);
            peak = Math.max(peak, Math.abs(x));
          }
        }
        expect(peak).toBeGreaterThan(1e-3);

        const ref = simpleDecode(bytes);
        expect(ref.sampleRate).toBe(wav.sampleRate);
        expect(ref.channels.length).toBe(wav.channels.length);
        for (let c = 0; c < ref.channels.length; c++) {
          const want = ref.channels[c]!;
          const got = wav.channels[c]!;
          expect(got.length).toBe(want.length);
          for (let i = 0; i < want.length; i++) {
            if (got[i] !== Math.fround(want[i]!)) expect.fail(`channel ${c} sample ${i}: ${got[i]} != ${want[i]}`);
          }
        }
      });
    }
  });
}
