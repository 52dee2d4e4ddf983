/**
 * A preset checked and decoded into exactly what the transport will be sent (`ReadyRig`), so applying
 * it cannot fail half-way: the model text parses and builds, the IR decodes, every parameter is in
 * range. Anything wrong throws here, before the rig is touched.
 */
import { encodeWavFloat32 } from '../../dsp/io/wav-write.ts';
import { paramIndex } from '../../dsp/rig/registry.ts';
import { decodeIrWav, embeddedToIr, parseModelText, type Preset } from '../../preset/index.ts';
import { embeddedToNamJson } from '../../preset/resources.ts';
import { describeModel } from '../model-info.ts';

/** Every user parameter: the given value, else the parameter's default. */
export function paramsOrDefaults(params: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of paramIndex()) out[p.id] = params[p.id] ?? p.spec.default;
  return out;
}

export interface ReadyIr {
  readonly samples: Float32Array;
  readonly sampleRate: number;
  /** Display name (the IR's file name). */
  readonly name: string;
  /** The IR as a WAV file (what a save stores). */
  readonly wav: Uint8Array;
}

export interface ReadyRig {
  /** The preset's name. */
  readonly presetName: string;
  readonly modelText: string;
  /** The model's file name (what a save stores) and display name (metadata name, else file name). */
  readonly modelFileName: string;
  readonly modelName: string;
  readonly ir: ReadyIr | null;
  /** Every user parameter. */
  readonly params: Readonly<Record<string, number>>;
}

const plainFileName = (name: string, fallback: string): string => name.replace(/[\\/\0]/g, '_').slice(0, 255) || fallback;

function modelPart(modelText: string, fileName: string): Pick<ReadyRig, 'modelText' | 'modelFileName' | 'modelName'> {
  const file = parseModelText(modelText);
  return { modelText, modelFileName: fileName, modelName: describeModel(file, fileName).name };
}

/** A stored preset (model and IR as refs) with its files. */
export function readyFromFiles(preset: Preset, modelText: string, irWav: Uint8Array | null): ReadyRig {
  const modelFileName = 'ref' in preset.model ? preset.model.ref.fileName : (preset.model.embedded.fileName ?? 'model.nam');
  const irName = preset.ir === null ? 'ir.wav' : 'ref' in preset.ir ? preset.ir.ref.fileName : (preset.ir.embedded.fileName ?? 'ir.wav');
  let ir: ReadyIr | null = null;
  if (irWav) {
    const decoded = decodeIrWav(irWav);
    ir = { samples: decoded.samples, sampleRate: decoded.sampleRate, name: irName, wav: irWav };
  }
  return { presetName: preset.name, ...modelPart(modelText, modelFileName), ir, params: paramsOrDefaults(preset.params) };
}

/** A preset with its model and IR embedded (a share link's). */
export function readyFromEmbedded(preset: Preset): ReadyRig {
  if (!('embedded' in preset.model)) throw new Error('model: the preset does not embed its model');
  const m = preset.model.embedded;
  const modelText = JSON.stringify(embeddedToNamJson(m));
  let ir: ReadyIr | null = null;
  if (preset.ir !== null) {
    if (!('embedded' in preset.ir)) throw new Error('ir: the preset does not embed its IR');
    const decoded = embeddedToIr(preset.ir.embedded);
    ir = { ...decoded, name: plainFileName(preset.ir.embedded.fileName ?? 'ir.wav', 'ir.wav'), wav: encodeWavFloat32([decoded.samples], decoded.sampleRate) };
  }
  return { presetName: preset.name, ...modelPart(modelText, plainFileName(m.fileName ?? `${preset.name}.nam`, 'model.nam')), ir, params: paramsOrDefaults(preset.params) };
}
