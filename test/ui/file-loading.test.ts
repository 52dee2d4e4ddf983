/** Loading models and IRs through the fake transport: what is sent, what is shown, one-line errors. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS_DIR } from '../helpers/fixtures.ts';
import { encodeWavFloat32 } from '../../src/dsp/io/wav-write.ts';
import { fileKind, loadAnyFile, loadDroppedFiles, loadIrFile, loadModelFile, type FileLike } from '../../src/ui/file-loading.ts';
import { createFakeTransport } from '../../src/ui/fake-transport.ts';
import { baseName, formatRate, modelInfoRows } from '../../src/ui/model-info.ts';
import { MAX_MESSAGE_LENGTH, oneLine } from '../../src/ui/messages.ts';
import type { ModelInfo, TransportError } from '../../src/ui/transport.ts';

function fileOf(name: string, content: string | Uint8Array): FileLike {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return {
    name,
    text: async () => new TextDecoder().decode(bytes),
    arrayBuffer: async () => bytes.slice().buffer,
  };
}

const deluxeText = readFileSync(join(MODELS_DIR, 'deluxe.nam'), 'utf8');

describe('model files', () => {
  it('a good model: parsed for metadata, text sent to the transport', async () => {
    const t = createFakeTransport();
    const r = await loadModelFile(fileOf('deluxe.nam', deluxeText), t);
    expect(r.ok).toBe(true);
    if (!r.ok || r.kind !== 'model') throw new Error('expected a model');
    expect(r.info).toMatchObject({ name: 'deluxe', fileName: 'deluxe.nam', architecture: 'WaveNet', sampleRate: 48000, sampleRateGiven: false, weights: 13802, version: '0.5.1' });
    expect(r.info.loudness).toBeCloseTo(-8.73, 2);
    expect(t.commands).toEqual([{ kind: 'loadModel', text: deluxeText, name: 'deluxe' }]);
    const rows = Object.fromEntries(modelInfoRows(r.info));
    expect(rows).toMatchObject({ Name: 'deluxe', Gear: '—', Tone: '—', 'Sample rate': '48 kHz (assumed)', Loudness: '\u22128.7 dB', Architecture: 'WaveNet', Size: '13,802 weights' });
  });

  it('metadata fields show as given', async () => {
    const obj = JSON.parse(deluxeText);
    obj.sample_rate = 44100;
    obj.metadata = { name: 'Deluxe Reverb', gear_make: 'Fender', gear_model: "'65 Deluxe", gear_type: 'amp', tone_type: 'clean', loudness: -12, modeled_by: 'me' };
    const t = createFakeTransport();
    const r = await loadModelFile(fileOf('x.nam', JSON.stringify(obj)), t);
    if (!r.ok || r.kind !== 'model') throw new Error('expected a model');
    expect(t.commands[0]).toMatchObject({ kind: 'loadModel', name: 'Deluxe Reverb' });
    expect(Object.fromEntries(modelInfoRows(r.info))).toMatchObject({
      Name: 'Deluxe Reverb',
      Gear: "Fender '65 Deluxe (amp)",
      Tone: 'clean',
      'Sample rate': '44.1 kHz',
      Loudness: '\u221212.0 dB',
      'Modeled by': 'me',
    });
  });

  it.each([
    ['empty.nam', '', /empty\.nam: the file is empty/],
    ['trunc.nam', deluxeText.slice(0, 500), /trunc\.nam: not a \.nam file: the JSON is invalid or truncated/],
    ['old.nam', JSON.stringify({ version: '0.4.0' }), /old\.nam: version: version 0\.4\.0 is the old 0\.4 folder format/],
    ['arr.nam', '[1,2]', /arr\.nam: not a \.nam file: expected a JSON object/],
  ])('a bad model (%s) is one line and sends nothing', async (name, text, pattern) => {
    const t = createFakeTransport();
    const r = await loadModelFile(fileOf(name, text), t);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toMatch(pattern);
    expect(r.message).not.toContain('\n');
    expect(r.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(t.commands).toEqual([]);
  });
});

describe('IR files', () => {
  it('a stereo WAV sends its first channel, with its rate', async () => {
    const left = new Float32Array([1, 0.5, 0.25, 0]);
    const right = new Float32Array([0, 0, 0, 1]);
    const t = createFakeTransport();
    const r = await loadIrFile(fileOf('cab.wav', encodeWavFloat32([left, right], 44100)), t);
    expect(r).toEqual({ ok: true, kind: 'ir', info: { name: 'cab.wav', sampleRate: 44100, length: 4, channels: 2 } });
    expect(t.commands).toHaveLength(1);
    const cmd = t.commands[0]!;
    if (cmd.kind !== 'loadIr') throw new Error('expected loadIr');
    expect(Array.from(cmd.samples)).toEqual([1, 0.5, 0.25, 0]);
    expect(cmd.sampleRate).toBe(44100);
  });

  it('a bad or empty WAV is one line and sends nothing', async () => {
    const t = createFakeTransport();
    const bad = await loadIrFile(fileOf('junk.wav', 'this is not a wav file at all, just some text padding it out'), t);
    expect(bad).toMatchObject({ ok: false, kind: 'ir' });
    if (!bad.ok) expect(bad.message).toMatch(/^junk\.wav: WAV: /);
    const empty = await loadIrFile(fileOf('empty.wav', encodeWavFloat32([new Float32Array(0)], 48000)), t);
    expect(empty).toEqual({ ok: false, kind: 'ir', message: 'empty.wav: the WAV file has no samples' });
    expect(t.commands).toEqual([]);
  });
});

describe('picking by extension and dropping several files', () => {
  it('routes .nam and .wav, refuses the rest by name', async () => {
    expect(fileKind('A.NAM')).toBe('model');
    expect(fileKind('cab.wave')).toBe('ir');
    expect(fileKind('song.mp3')).toBe('unknown');
    const t = createFakeTransport();
    const results = await loadDroppedFiles(
      [fileOf('deluxe.nam', deluxeText), fileOf('ir.wav', encodeWavFloat32([new Float32Array([1])], 48000)), fileOf('song.mp3', 'x')],
      t,
    );
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(results[2]).toEqual({ ok: false, kind: 'unknown', message: 'song.mp3: not a .nam model or a .wav impulse response' });
    expect(t.commands.map((c) => c.kind)).toEqual(['loadModel', 'loadIr']);
    expect(await loadDroppedFiles([], t)).toMatchObject([{ ok: false }]);
    expect((await loadAnyFile(fileOf('x.nam', '{'), t)).ok).toBe(false);
  });
});

describe('fake transport', () => {
  it('records commands, keeps params and fires events to subscribers until unsubscribed', () => {
    const t = createFakeTransport({ echoModels: true });
    const infos: ModelInfo[] = [];
    const errors: TransportError[] = [];
    const offA = t.onModelInfo((i) => infos.push(i));
    const offB = t.onError((e) => errors.push(e));
    t.setParam('tone.bass', 7);
    t.setBypass(true);
    t.loadModel(deluxeText, 'deluxe');
    t.loadModel('nope', 'bad');
    expect(t.params.get('tone.bass')).toBe(7);
    expect(t.bypass).toBe(true);
    expect(infos.map((i) => i.name)).toEqual(['deluxe']);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.source).toBe('model');
    expect(t.listenerCount()).toBe(2);
    offA();
    offB();
    expect(t.listenerCount()).toBe(0);
  });
});

describe('helpers', () => {
  it('oneLine collapses whitespace, prefixes and cuts', () => {
    expect(oneLine(new Error('a\n  b\tc'), 'f.nam')).toBe('f.nam: a b c');
    expect(oneLine('x'.repeat(1000))).toHaveLength(MAX_MESSAGE_LENGTH);
    expect(oneLine(new Error(''))).toBe('unknown error');
  });
  it('baseName and formatRate', () => {
    expect(baseName('C:\\models\\my.amp.nam')).toBe('my.amp');
    expect(baseName('/x/deluxe.nam')).toBe('deluxe');
    expect(formatRate(48000)).toBe('48 kHz');
    expect(formatRate(88200)).toBe('88.2 kHz');
    expect(formatRate(500)).toBe('500 Hz');
  });
});
