/**
 * The plugin's saved state: a complete preset (src/preset) with the model and the IR embedded, so a
 * DAW project sounds the same on a machine that has neither file.
 *
 * Synchronous on purpose: it runs in the plugin's bare V8 graph isolate, which has neither
 * `crypto.subtle` nor `node:crypto`, so the embedded resources carry no `sourceSha256` (that field is
 * optional: it only records where an embedded resource came from).
 */
import { parseNam } from '../../nam/index.ts';
import { newPreset, parsePreset, presetToJson, type EmbeddedIr, type EmbeddedModel, type Preset } from '../../../preset/schema.ts';
import { embeddedModelBody, embeddedToIr, embeddedToNamJson, packFloats, parseModelText } from '../../../preset/resources.ts';
import { PresetError } from '../../../preset/errors.ts';

export interface StateIr {
  readonly samples: Float32Array;
  readonly sampleRate: number;
  readonly name: string;
}

export interface RigState {
  readonly name: string;
  /** The model's `.nam` text. */
  readonly modelText: string;
  readonly modelName: string;
  readonly ir: StateIr | null;
  readonly params: Readonly<Record<string, number>>;
}

/** A `.nam` text as an embedded model (as `embedModel` makes it, without the source hash). */
export function embedModelSync(text: string, fileName: string): EmbeddedModel {
  return { fileName, ...embeddedModelBody(text) };
}

export function embedIrSync(ir: StateIr): EmbeddedIr {
  return { fileName: ir.name, sampleRate: ir.sampleRate, samples: packFloats(ir.samples) };
}

/** The state as preset JSON text. */
export function stateToPresetJson(state: RigState, createdAt?: string): string {
  const preset = newPreset({
    name: state.name,
    model: { embedded: embedModelSync(state.modelText, state.modelName) },
    ir: state.ir === null ? null : { embedded: embedIrSync(state.ir) },
    params: state.params,
    ...(createdAt !== undefined ? { createdAt } : {}),
  });
  return presetToJson(preset);
}

/**
 * A preset (JSON text) as the state to play; throws `PresetError` when it is invalid or refers to a
 * model or IR file instead of embedding it (a plugin state must be self-contained).
 */
export function presetJsonToState(json: string): RigState & { preset: Preset } {
  const preset = parsePreset(json);
  if (!('embedded' in preset.model)) {
    throw new PresetError('missing-resource', 'model.ref', `the preset refers to model "${preset.model.ref.fileName}" instead of embedding it; the plugin needs the model embedded`);
  }
  if (preset.ir !== null && !('embedded' in preset.ir)) {
    throw new PresetError('missing-resource', 'ir.ref', `the preset refers to IR "${preset.ir.ref.fileName}" instead of embedding it; the plugin needs the IR embedded`);
  }
  const embedded = preset.model.embedded;
  const modelText = JSON.stringify(embeddedToNamJson(embedded));
  parseModelText(modelText, 'model.embedded'); // checks that it builds
  const ir = preset.ir === null ? null : { ...embeddedToIr(preset.ir.embedded), name: preset.ir.embedded.fileName ?? 'IR' };
  return { preset, name: preset.name, modelText, modelName: embedded.fileName ?? `${parseNam(modelText).metadata.name ?? preset.name}.nam`, ir, params: preset.params };
}
