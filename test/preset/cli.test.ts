/**
 * `nam-rig preset pack/unpack/link` and `nam-rig render --preset`: a bundle, its unpacked preset.json
 * and its link all render the same file as the equivalent `--model/--ir/--knob` command line; bad
 * preset input exits 2 with one clear line.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeWavFloat32 } from '../../src/dsp/io/wav-write.ts';
import { synthesizeDiClip } from '../../src/dsp/synth/karplus-strong.ts';
import { presetToJson } from '../../src/preset/index.ts';
import { IR_PATH, MODEL_PATH, refPreset } from './helpers.ts';

const root = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'nam-rig-preset-cli-'));
const p = (name: string): string => join(dir, name);

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/nam-rig.mjs'), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(...args: string[]): string {
  const r = cli(...args);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

function bad(pattern: RegExp, ...args: string[]): void {
  const r = cli(...args);
  expect(r.status).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

beforeAll(async () => {
  writeFileSync(p('in.wav'), encodeWavFloat32([synthesizeDiClip({ sampleRate: 48000, seconds: 0.3, seed: 3 })], 48000));
  writeFileSync(p('preset.json'), presetToJson(await refPreset()));
});

describe('nam-rig preset', () => {
  it('pack, unpack, link, and render --preset of each render the same as the plain command line', () => {
    expect(ok('preset', 'pack', p('preset.json'), p('a.namrig'), '--model', MODEL_PATH, '--ir', IR_PATH)).toMatch(/packed "Deluxe edge"/);
    expect(ok('preset', 'unpack', p('a.namrig'), p('out'))).toMatch(/unpacked/);
    for (const f of ['preset.json', 'deluxe.nam', 'mesa.wav']) expect(existsSync(join(p('out'), f))).toBe(true);
    expect(readFileSync(join(p('out'), 'deluxe.nam'))).toEqual(readFileSync(MODEL_PATH));
    // the unpacked preset finds its files next to it
    ok('preset', 'pack', join(p('out'), 'preset.json'), p('b.namrig'));
    const link = ok('preset', 'link', p('a.namrig'), '--base', 'https://example.org/').trim();
    expect(link).toMatch(/^https:\/\/example\.org\/#p=1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16}$/);
    writeFileSync(p('link.txt'), link);

    const knobs = ['--tone.bass=7', '--tone.treble=3.5', '--gate.threshold=-70', '--output.mode=2', '--output.gain=-3', '--input.gain=4'];
    ok('render', p('in.wav'), p('plain.wav'), '--model', MODEL_PATH, '--ir', IR_PATH, ...knobs);
    const plain = readFileSync(p('plain.wav'));
    for (const [name, source] of [['bundle', p('a.namrig')], ['repacked', p('b.namrig')], ['json', join(p('out'), 'preset.json')], ['link', link]] as const) {
      expect(ok('render', p('in.wav'), p(`${name}.wav`), '--preset', source)).toMatch(/through preset "Deluxe edge"/);
      expect(readFileSync(p(`${name}.wav`)).equals(plain), name).toBe(true);
    }
  }, 60_000);

  it('bad preset input exits 2 with one clear line', () => {
    writeFileSync(p('junk.namrig'), 'PK\u0003\u0004 this is not really a zip');
    bad(/not a zip file|damaged/, 'preset', 'unpack', p('junk.namrig'), p('x'));
    bad(/nam-rig: .*not a preset: the JSON is invalid/, 'render', p('in.wav'), p('o.wav'), '--preset', p('in.wav'));
    const link = readFileSync(p('link.txt'), 'utf8');
    bad(/nam-rig: link: is damaged or truncated/, 'render', p('in.wav'), p('o.wav'), '--preset', link.slice(0, link.length - 5));
    bad(/cannot open .*missing\.namrig/, 'preset', 'link', p('missing.namrig'));
    const future = JSON.parse(readFileSync(p('preset.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(p('future.json'), JSON.stringify({ ...future, version: 3 }));
    bad(/version 3, newer than this nam-rig understands/, 'preset', 'pack', p('future.json'), p('f.namrig'), '--model', MODEL_PATH, '--ir', IR_PATH);
    bad(/model\.ref: the preset refers to model "deluxe\.nam"/, 'preset', 'pack', p('preset.json'), p('c.namrig'));
    bad(/--model cannot be combined with --preset/, 'render', p('in.wav'), p('o.wav'), '--preset', p('a.namrig'), '--model', MODEL_PATH);
    const usage = cli('preset', 'frobnicate');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/unknown preset command "frobnicate"\nusage: nam-rig preset pack/);
  }, 60_000);
});
