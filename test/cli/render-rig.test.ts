/**
 * `nam-rig render` through the full rig: knob flags generated from the registry, --ir, the usage text
 * listing every knob, and bad knob values exiting 2 with one line. The oracle for the rig with every
 * block neutral is the model alone through the DC blocker (1st-order high-pass written here).
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeWav } from '../../src/dsp/io/wav-read.ts';
import { encodeWavFloat32 } from '../../src/dsp/io/wav-write.ts';
import { createNamModel, parseNam } from '../../src/dsp/nam/index.ts';
import { synthesizeDiClip } from '../../src/dsp/synth/karplus-strong.ts';
import { paramIndex } from '../../src/dsp/rig/registry.ts';
import { RENDER_USAGE } from '../../src/cli/render-command.ts';
import { MODELS_DIR, SHARED } from '../helpers/fixtures.ts';

const root = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'nam-rig-cli-rig-'));
const modelPath = join(MODELS_DIR, 'jc.nam');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/nam-rig.mjs'), ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const clip = synthesizeDiClip({ sampleRate: 48000, seconds: 0.5, seed: 11 });
const inPath = join(dir, 'in.wav');
const read = (p: string): Float32Array => decodeWav(new Uint8Array(readFileSync(p))).channels[0]!;

function render(name: string, ...args: string[]): Float32Array {
  const out = join(dir, `${name}.wav`);
  const r = cli('render', inPath, out, '--model', modelPath, '--block', '256', ...args);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return read(out);
}

function rms(x: Float32Array): number {
  return Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
}

beforeAll(() => {
  writeFileSync(inPath, encodeWavFloat32([clip], 48000));
});

describe('nam-rig render through the rig', () => {
  it('with every block neutral equals the model through the DC blocker', () => {
    const y = render('neutral', '--output.mode=raw', '--gate.enabled=off', '--tone.enabled=off', '--cab.enabled=off');
    const m = createNamModel(parseNam(readFileSync(modelPath, 'utf8')), { maxBlockSize: 256 });
    const my = new Float32Array(clip.length);
    m.process(clip, my);
    // The rig ran 0.5 s of silence first; the model's output on silence is its steady (DC) value.
    const silence = new Float32Array(24000);
    const m2 = createNamModel(parseNam(readFileSync(modelPath, 'utf8')), { maxBlockSize: 256 });
    const pre = new Float32Array(silence.length);
    m2.process(silence, pre);
    const alpha = 1 / (1 + (2 * Math.PI * 5) / 48000);
    let px = 0;
    let py = 0;
    for (const v of pre) {
      py = alpha * (py + v - px);
      px = v;
    }
    let err = 0;
    let peak = 0;
    for (let i = 0; i < my.length; i++) {
      py = alpha * (py + my[i]! - px);
      px = my[i]!;
      err = Math.max(err, Math.abs(y[i]! - py));
      peak = Math.max(peak, Math.abs(py));
    }
    expect(peak).toBeGreaterThan(0.01);
    expect(err / peak).toBeLessThan(1e-5);
  });

  it('knob flags change the sound: bass 10 is louder than bass 0, output gain scales', () => {
    const lo = render('bass0', '--tone.bass=0');
    const hi = render('bass10', '--tone.bass=10');
    expect(rms(hi) / rms(lo)).toBeGreaterThan(1.5);
    const base = render('base');
    const minus6 = render('minus6', '--output.gain=-6');
    expect(rms(minus6) / rms(base)).toBeCloseTo(10 ** (-6 / 20), 3);
    const alias = render('alias', '--output-gain', '-6');
    expect(Array.from(alias)).toEqual(Array.from(minus6));
  });

  it('--ir convolves with a cab IR (and --raw ignores it)', () => {
    const irPath = join(SHARED, 'irs', 'celestion.wav');
    const dry = render('dry');
    const wet = render('wet', '--ir', irPath);
    expect(wet.every(Number.isFinite)).toBe(true);
    expect(rms(wet)).toBeGreaterThan(0.001);
    let diff = 0;
    for (let i = 0; i < wet.length; i++) diff = Math.max(diff, Math.abs(wet[i]! - dry[i]!));
    expect(diff).toBeGreaterThan(0.01);
    const out = join(dir, 'rawir.wav');
    const r = cli('render', inPath, out, '--model', modelPath, '--raw', '--ir', irPath, '--tone.bass=9');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--raw: knob flags and --ir are ignored/);
  });

  it('the usage lists every knob from the registry', () => {
    for (const p of paramIndex()) expect(RENDER_USAGE).toContain(`--${p.id}=`);
    expect(RENDER_USAGE).not.toContain('cab.mix');
    expect(cli('render').stderr).toContain('--tone.bass=0..10');
  });

  it('bad knob flags exit 2 with one line naming the knob', () => {
    for (const [flag, pattern] of [
      ['--tone.bass=11', /tone\.bass/],
      ['--tone.bsas=1', /tone\.bsas/],
      ['--gate.enabled=maybe', /gate\.enabled/],
      ['--cab.mix=1', /cab\.mix/],
    ] as const) {
      const r = cli('render', inPath, join(dir, 'x.wav'), flag);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^nam-rig: /);
      expect(r.stderr).toMatch(pattern);
    }
  });
});
