/**
 * `nam-rig render`, run as a user runs it (a child process of bin/nam-rig.mjs): formats in,
 * 32-bit float out, --raw equals the engine alone, block size independence, resampling, and
 * bad input giving exit code 2 with one clear line.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeWav } from '../../src/dsp/io/wav-read.ts';
import { encodeWavPcm, encodeWavFloat32 } from '../../src/dsp/io/wav-write.ts';
import { createNamModel, parseNam } from '../../src/dsp/nam/index.ts';
import { synthesizeDiClip } from '../../src/dsp/synth/karplus-strong.ts';
import { DEFAULT_MODEL_PATH } from '../../src/cli/default-model.ts';
import { MODELS_DIR, maxAbsDiff } from '../helpers/fixtures.ts';

const root = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'nam-rig-cli-'));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/nam-rig.mjs'), ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const clip = synthesizeDiClip({ sampleRate: 48000, seconds: 0.75, seed: 7 });
const stereoPath = join(dir, 'stereo16.wav');
const monoPath = join(dir, 'mono-float.wav');

beforeAll(() => {
  // Left = clip, right = half the clip; mono sum = 1.5 · clip (within 16-bit rounding).
  writeFileSync(stereoPath, encodeWavPcm([clip, clip.map((v) => v / 2)], 48000, 16));
  writeFileSync(monoPath, encodeWavFloat32([clip], 48000));
});

describe('nam-rig render', () => {
  it('renders a 16-bit stereo WAV to a 32-bit float WAV with the default model', () => {
    const out = join(dir, 'out-default.wav');
    const r = cli('render', stereoPath, out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/rendered 0\.75 s through "nam-rig Default Drive"/);
    const wav = decodeWav(new Uint8Array(readFileSync(out)));
    expect(wav.format).toBe('float');
    expect(wav.bitsPerSample).toBe(32);
    expect(wav.sampleRate).toBe(48000);
    expect(wav.channels.length).toBe(1);
    expect(wav.channels[0]!.length).toBe(clip.length);
    const y = wav.channels[0]!;
    expect(y.every(Number.isFinite)).toBe(true);
    expect(Math.max(...y.map(Math.abs))).toBeGreaterThan(0.01);
  });

  it('--raw is the model alone: equal to the engine run directly on the mono input', () => {
    const modelPath = join(MODELS_DIR, 'deluxe.nam');
    const out = join(dir, 'out-raw.wav');
    const r = cli('render', monoPath, out, '--raw', '--model', modelPath, '--block', '256');
    expect(r.status).toBe(0);
    const y = decodeWav(new Uint8Array(readFileSync(out))).channels[0]!;
    const model = createNamModel(parseNam(readFileSync(modelPath, 'utf8')), { maxBlockSize: 256 });
    const expected = new Float32Array(clip.length);
    model.process(clip, expected);
    expect(maxAbsDiff(y, expected).diff).toBe(0);
  });

  it('block size does not change the output (1 vs 4096), and --fast-tanh and --no-prewarm do', () => {
    const a = join(dir, 'b1.wav');
    const b = join(dir, 'b4096.wav');
    expect(cli('render', monoPath, a, '--raw', '--block', '1').status).toBe(0);
    expect(cli('render', monoPath, b, '--raw', '--block', '4096').status).toBe(0);
    const ya = decodeWav(new Uint8Array(readFileSync(a))).channels[0]!;
    const yb = decodeWav(new Uint8Array(readFileSync(b))).channels[0]!;
    expect(maxAbsDiff(ya, yb).diff).toBeLessThan(1e-6);
    const c = join(dir, 'noprewarm.wav');
    expect(cli('render', monoPath, c, '--raw', '--no-prewarm').status).toBe(0);
    const yc = decodeWav(new Uint8Array(readFileSync(c))).channels[0]!;
    expect(maxAbsDiff(ya.subarray(0, 64), yc.subarray(0, 64)).diff).toBeGreaterThan(0);
    const d = join(dir, 'fast.wav');
    expect(cli('render', monoPath, d, '--raw', '--fast-tanh').status).toBe(0);
    const yd = decodeWav(new Uint8Array(readFileSync(d))).channels[0]!;
    const fastDiff = maxAbsDiff(ya, yd).diff;
    expect(fastDiff).toBeGreaterThan(0);
    expect(fastDiff).toBeLessThan(0.05);
  });

  it('a 44.1 kHz input is resampled for the 48 kHz model and written back at 44.1 kHz', () => {
    const x = synthesizeDiClip({ sampleRate: 44100, seconds: 0.5, seed: 3 });
    const inPath = join(dir, 'in441.wav');
    writeFileSync(inPath, encodeWavPcm([x], 44100, 24));
    const out = join(dir, 'out441.wav');
    const r = cli('render', inPath, out);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/resampled 44100 Hz → 48000 Hz/);
    const wav = decodeWav(new Uint8Array(readFileSync(out)));
    expect(wav.sampleRate).toBe(44100);
    expect(wav.channels[0]!.length).toBe(x.length);
    expect(wav.channels[0]!.some((v) => Math.abs(v) > 0.01)).toBe(true);
  });

  it('the default model is the project’s own file', () => {
    expect(parseNam(readFileSync(DEFAULT_MODEL_PATH, 'utf8')).metadata.modeled_by).toBe('nam-rig');
  });
});

describe('nam-rig render with bad input exits 2 with one clear line', () => {
  const oneLine = (s: string): void => {
    expect(s.trim().split('\n')).toHaveLength(1);
    expect(s).toMatch(/^nam-rig: /);
  };
  it('broken WAV header', () => {
    const bad = join(dir, 'bad.wav');
    writeFileSync(bad, Buffer.from('RIFF\u0010\u0000\u0000\u0000WAVEfmt garbage'));
    const r = cli('render', bad, join(dir, 'x.wav'));
    expect(r.status).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/WAV:/);
  });
  it('missing input file', () => {
    const r = cli('render', join(dir, 'nope.wav'), join(dir, 'x.wav'));
    expect(r.status).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/ENOENT/);
  });
  it('corrupt model', () => {
    const bad = join(dir, 'bad.nam');
    writeFileSync(bad, '{"version": "0.5.4", "architecture": "WaveNet", "config": {"layers": [');
    const r = cli('render', monoPath, join(dir, 'x.wav'), '--model', bad);
    expect(r.status).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/JSON is invalid or truncated/);
  });
  it('wrong weight count', () => {
    const m = JSON.parse(readFileSync(join(MODELS_DIR, 'deluxe.nam'), 'utf8')) as { weights: number[] };
    m.weights.pop();
    const bad = join(dir, 'short.nam');
    writeFileSync(bad, JSON.stringify(m));
    const r = cli('render', monoPath, join(dir, 'x.wav'), '--model', bad);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('nam-rig: weights: this config needs 13802 values, the file has 13801');
  });
  it('a sample rate the resampler cannot bridge fails clearly instead of picking a wrong rate', () => {
    const odd = join(dir, 'rate100.wav');
    writeFileSync(odd, encodeWavPcm([new Float32Array(100)], 100, 16));
    const r = cli('render', odd, join(dir, 'x.wav'));
    expect(r.status).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/resample: 100 Hz to 48000 Hz is a ratio of 480/);
  });
  it('bad options', () => {
    for (const args of [['--block', '0'], ['--block', 'x'], ['--bogus'], []]) {
      const r = cli('render', monoPath, ...(args.length ? [join(dir, 'x.wav'), ...args] : []));
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^nam-rig: /);
    }
  });
});
