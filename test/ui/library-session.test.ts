/**
 * Applying presets and share links to the rig (src/ui/library/rig-session.ts, ready-rig.ts,
 * snapshot-preset.ts) on the in-memory transport: what the app sends is recorded; a preset is applied
 * as model + IR + every parameter, and a broken one sends nothing; share links carry the current rig
 * (a tampered one is refused with a clear message, a too-large one offers a bundle).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNam } from '../../src/dsp/nam/file.ts';
import { paramIndex } from '../../src/dsp/rig/registry.ts';
import { mulberry32 } from '../../src/dsp/synth/prng.ts';
import { decodeIrWav, decodeLink, parsePreset, resolveModel, unpackBundle } from '../../src/preset/index.ts';
import { createFakeTransport, type FakeCommand } from '../../src/ui/fake-transport.ts';
import { readyFromEmbedded, readyFromFiles } from '../../src/ui/library/ready-rig.ts';
import { createRigSession } from '../../src/ui/library/rig-session.ts';
import { contentFromSnapshot, hasShareFragment, readyFromLink, shareRig } from '../../src/ui/library/snapshot-preset.ts';

const PRESETS = resolve(__dirname, '../../presets');
const DEFAULT_MODEL = readFileSync(join(PRESETS, 'models/nam-rig-default.nam'), 'utf8');
const CLEAN_MODEL = readFileSync(join(PRESETS, 'models/nam-rig-clean-edge.nam'), 'utf8');
const IR_2X12 = new Uint8Array(readFileSync(join(PRESETS, 'irs/nam-rig-2x12-closed.wav')));
const CRUNCH = parsePreset(readFileSync(join(PRESETS, 'factory/crunch-lead.json'), 'utf8'));

const kinds = (cs: readonly FakeCommand[]) => cs.map((c) => c.kind);

function setup() {
  const fake = createFakeTransport({ echoModels: true });
  const session = createRigSession(fake);
  return { fake, session };
}

describe('recording what the app sends', () => {
  it('keeps the loaded model, the IR and every parameter; a model the engine refuses is forgotten', () => {
    const { fake, session } = setup();
    let changes = 0;
    session.onChange(() => changes++);
    expect(session.snapshot().model).toBeNull();
    session.transport.loadModel(DEFAULT_MODEL, 'nam-rig-default');
    expect(session.snapshot().model).toEqual({ text: DEFAULT_MODEL, name: 'nam-rig-default', fileName: 'nam-rig-default.nam' });
    session.transport.loadModel('{"broken": ', 'broken');
    expect(fake.commands.at(-1)).toMatchObject({ kind: 'loadModel', name: 'broken' });
    expect(session.snapshot().model?.name).toBe('nam-rig-default');
    session.transport.setParam('tone.bass', 8);
    const samples = Float32Array.from([1, 0.5, 0.25]);
    session.transport.loadIr(samples, 44100, 'tiny.wav');
    samples[0] = 0; // the session keeps its own copy
    const s = session.snapshot();
    expect(s.params['tone.bass']).toBe(8);
    expect(s.params['tone.mid']).toBe(5);
    expect(Array.from(s.ir!.samples)).toEqual([1, 0.5, 0.25]);
    expect(s.ir).toMatchObject({ sampleRate: 44100, name: 'tiny.wav', wav: null });
    expect(changes).toBeGreaterThanOrEqual(4);
    // engine-side parameter changes are recorded and passed on to the app
    const seen: [string, number][] = [];
    session.transport.onParam((id, v) => seen.push([id, v]));
    fake.emitParam('output.gain', -6);
    expect(session.snapshot().params['output.gain']).toBe(-6);
    expect(seen).toEqual([['output.gain', -6]]);
    // the IR saves as a mono float WAV holding what was sent
    const c = contentFromSnapshot(session.snapshot());
    expect(c.irFileName).toBe('tiny.wav');
    expect(Array.from(decodeIrWav(c.irWav!).samples)).toEqual([1, 0.5, 0.25]);
  });
});

describe('applying a preset', () => {
  it('sends the model, the IR and every parameter, and reports the new values to the controls', () => {
    const { fake, session } = setup();
    const seen = new Map<string, number>();
    session.transport.onParam((id, v) => seen.set(id, v));
    const rig = readyFromFiles(CRUNCH, DEFAULT_MODEL, IR_2X12);
    session.apply(rig);
    const n = paramIndex().length;
    expect(kinds(fake.commands)).toEqual(['loadModel', 'loadIr', ...Array(n).fill('setParam')]);
    expect(fake.commands[0]).toEqual({ kind: 'loadModel', text: DEFAULT_MODEL, name: 'nam-rig Default Drive' });
    const ir = fake.commands[1] as Extract<FakeCommand, { kind: 'loadIr' }>;
    expect(ir.samples).toEqual(decodeIrWav(IR_2X12).samples);
    expect(ir.sampleRate).toBe(48000);
    expect(ir.name).toBe('nam-rig-2x12-closed.wav');
    for (const p of paramIndex()) {
      expect(fake.params.get(p.id)).toBe(CRUNCH.params[p.id]);
      expect(seen.get(p.id)).toBe(CRUNCH.params[p.id]);
    }
    const s = session.snapshot();
    expect(s.params).toEqual(CRUNCH.params);
    expect(s.model?.fileName).toBe('nam-rig-default.nam');
    expect(s.ir?.wav).toBe(IR_2X12);
  });

  it('overrides win (the loudness-matched output mode); a rig without an IR switches the cab off', () => {
    const { fake, session } = setup();
    const raw = { ...CRUNCH, params: { ...CRUNCH.params, 'output.mode': 0 } };
    session.apply(readyFromFiles(raw, DEFAULT_MODEL, null), { 'output.mode': 1 });
    expect(fake.params.get('output.mode')).toBe(1);
    expect(fake.params.get('cab.enabled')).toBe(0);
    expect(kinds(fake.commands)).not.toContain('loadIr');
  });

  it('a preset whose model or IR is broken throws before anything is sent', () => {
    const { fake } = setup();
    expect(() => readyFromFiles(CRUNCH, DEFAULT_MODEL.replace('"weights": [', '"weights": [0.5, '), IR_2X12)).toThrow(/weights/);
    expect(() => readyFromFiles(CRUNCH, DEFAULT_MODEL, IR_2X12.subarray(0, 30))).toThrow(/ir: /);
    expect(fake.commands).toEqual([]);
  });
});

describe('share links', () => {
  it('carry the current rig: model weights, IR and parameters come back exactly', async () => {
    const { session } = setup();
    session.apply(readyFromFiles(CRUNCH, CLEAN_MODEL, IR_2X12));
    session.transport.setParam('tone.treble', 9);
    const r = await shareRig(session.snapshot(), 'My rig', 'http://127.0.0.1:4173/?x=1#old');
    if (r.kind !== 'link') throw new Error('expected a link');
    expect(r.link).toMatch(/^http:\/\/127\.0\.0\.1:4173\/\?x=1#p=1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16}$/);
    expect(hasShareFragment(new URL(r.link).hash)).toBe(true);
    expect(hasShareFragment('#x=1')).toBe(false);
    const preset = await decodeLink(r.link);
    expect(preset.name).toBe('My rig');
    expect(preset.params).toEqual({ ...CRUNCH.params, 'tone.treble': 9 });
    expect((await resolveModel(preset.model)).weights).toEqual(parseNam(CLEAN_MODEL).weights);

    // opened again: the same rig is applied
    const other = setup();
    const ready = await readyFromLink(r.link);
    expect(ready.ir!.samples).toEqual(decodeIrWav(IR_2X12).samples);
    other.session.apply(ready);
    expect(other.session.snapshot().params).toEqual(preset.params);
    expect(parseNam(other.session.snapshot().model!.text).weights).toEqual(parseNam(CLEAN_MODEL).weights);
    expect(readyFromEmbedded(preset).modelName).toBe('nam-rig Clean Edge');
  });

  it('a tampered or truncated link is refused with a clear message', async () => {
    const { session } = setup();
    session.apply(readyFromFiles(CRUNCH, DEFAULT_MODEL, null));
    const r = await shareRig(session.snapshot(), 'x', 'http://h/');
    if (r.kind !== 'link') throw new Error('expected a link');
    const at = r.link.indexOf('#p=1.') + 40;
    const flipped = r.link.slice(0, at) + (r.link[at] === 'A' ? 'B' : 'A') + r.link.slice(at + 1);
    await expect(readyFromLink(flipped)).rejects.toThrow(/^This share link cannot be opened: the link is damaged or truncated: its checksum does not match/);
    await expect(readyFromLink(r.link.slice(0, r.link.length - 30))).rejects.toThrow(/^This share link cannot be opened: the link is damaged or truncated/);
    await expect(readyFromLink('http://h/#p=')).rejects.toThrow(/^This share link cannot be opened: /);
  });

  it('a rig too large for a link says so and offers the .namrig bundle', async () => {
    const { session } = setup();
    session.transport.loadModel(DEFAULT_MODEL, 'nam-rig-default');
    const rand = mulberry32(7);
    const noise = new Float32Array(1 << 20).map(() => rand() * 2 - 1);
    session.transport.loadIr(noise, 48000, 'huge.wav');
    const r = await shareRig(session.snapshot(), 'Huge', 'http://h/');
    if (r.kind !== 'too-large') throw new Error('expected too-large');
    expect(r.message).toMatch(/^This rig is too large for a share link \(the preset needs a \d+-character link, more than the 2000000 .*\): download it as a \.namrig file/);
    const b = await unpackBundle(await r.bundle());
    expect(b.preset.name).toBe('Huge');
    expect(b.ir!.samples).toEqual(noise);
  }, 60_000);
});
