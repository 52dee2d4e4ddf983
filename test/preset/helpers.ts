/**
 * Shared material for the preset tests: the standard model and an IR from ../shared, a preset that
 * refers to them, and the oracle render (a short synthesized clip through the full rig).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthesizeDiClip } from '../../src/dsp/synth/karplus-strong.ts';
import { renderOffline } from '../../src/cli/offline-render.ts';
import type { NamFile } from '../../src/dsp/nam/index.ts';
import { newPreset, sha256, PresetError, type IrSamples, type Preset, type PresetErrorCode } from '../../src/preset/index.ts';
import { MODELS_DIR, SHARED } from '../helpers/fixtures.ts';

export const MODEL_PATH = join(MODELS_DIR, 'deluxe.nam');
export const IR_PATH = join(SHARED, 'irs', 'mesa.wav');
export const modelText = readFileSync(MODEL_PATH, 'utf8');
export const irWav = new Uint8Array(readFileSync(IR_PATH));

export const PARAMS = { 'tone.bass': 7, 'tone.treble': 3.5, 'gate.threshold': -70, 'output.mode': 2, 'output.gain': -3, 'input.gain': 4 };

export async function refPreset(): Promise<Preset> {
  return newPreset({
    name: 'Deluxe edge',
    author: 'tests',
    tags: ['clean', 'deluxe'],
    createdAt: '2025-01-31T12:00:00.000Z',
    params: PARAMS,
    model: { ref: { sha256: await sha256(new TextEncoder().encode(modelText)), fileName: 'deluxe.nam' } },
    ir: { ref: { sha256: await sha256(irWav), fileName: 'mesa.wav' } },
  });
}

const clip = synthesizeDiClip({ sampleRate: 48000, seconds: 0.3, seed: 5 });

/** The clip through the full rig with these params, model and IR (block 256). */
export function renderWith(params: Readonly<Record<string, number>>, model: NamFile, ir: IrSamples | null): Float32Array {
  return renderOffline(model, clip, 48000, { raw: false, fastTanh: false, prewarm: true, block: 256, knobs: params, ir: ir ?? undefined }).output;
}

/** Runs `f` and returns the PresetError it throws (failing when it throws something else or nothing). */
export async function presetError(f: () => unknown): Promise<PresetError> {
  try {
    await f();
  } catch (e) {
    if (e instanceof PresetError) return e;
    throw new Error(`expected a PresetError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  throw new Error('expected a PresetError, nothing was thrown');
}

export async function expectCode(f: () => unknown, code: PresetErrorCode, message?: RegExp): Promise<PresetError> {
  const e = await presetError(f);
  if (e.code !== code || (message && !message.test(e.message))) throw new Error(`expected ${code}${message ? ` matching ${message}` : ''}, got ${e.code}: ${e.message}`);
  return e;
}
