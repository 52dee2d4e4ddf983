/**
 * `.nam` file parsing and validation (NeuralAmpModelerCore `get_dsp` / `nam_file`), versions 0.5.0–0.7.x.
 *
 *   text → JSON → { version, architecture, config, weights, sample_rate?, metadata? }
 *
 * - a missing `sample_rate` means 48 kHz, as the official plugin assumes;
 * - the old 0.4 format (a folder with config.json + weights.npy) is refused with a clear message;
 * - every weight must be a finite float32;
 * - metadata is informational: known fields are typed, a wrongly typed one is dropped with a warning
 *   rather than refusing a model that would otherwise play.
 */
import { NamError } from './errors.ts';
import { ConfigReader, isObject, type Json, type JsonObject } from './config-reader.ts';
import { toFloat32Weights } from './weights.ts';

export const DEFAULT_SAMPLE_RATE = 48000;
export const GEAR_TYPES = ['amp', 'pedal', 'pedal_amp', 'amp_cab', 'amp_pedal_cab', 'preamp', 'studio'] as const;
export const TONE_TYPES = ['clean', 'overdrive', 'crunch', 'hi_gain', 'fuzz'] as const;

export interface NamMetadata {
  name?: string;
  modeled_by?: string;
  gear_type?: string;
  gear_make?: string;
  gear_model?: string;
  tone_type?: string;
  /** Loudness of the model's output for the standard test signal, dB. */
  loudness?: number;
  gain?: number;
  input_level_dbu?: number;
  output_level_dbu?: number;
  date?: { year?: number; month?: number; day?: number; hour?: number; minute?: number; second?: number };
  training?: JsonObject;
  /** Every other metadata field, as found. */
  extra: JsonObject;
}

export interface NamFile {
  version: string;
  architecture: string;
  config: JsonObject;
  weights: Float32Array;
  /** The model's sample rate (48000 when the file does not say). */
  sampleRate: number;
  /** True when the file gave `sample_rate`. */
  sampleRateGiven: boolean;
  metadata: NamMetadata;
  /** Non-fatal problems found while parsing (e.g. a metadata field of the wrong type). */
  warnings: string[];
}

/** Largest .nam text accepted (a standard model is ~300 KB; the largest known ones a few MB). */
export const MAX_NAM_TEXT_LENGTH = 256 * 1024 * 1024;

function parseVersion(v: Json | undefined, path: string): string {
  if (typeof v !== 'string') throw new NamError('unsupported-version', path, `expected a version string like "0.5.4", got ${JSON.stringify(v) ?? 'nothing'}`);
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(v);
  if (!m) throw new NamError('unsupported-version', path, `"${v}" is not a version of the form x.y.z`);
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major === 0 && minor < 5) {
    throw new NamError('unsupported-version', path, `version ${v} is the old 0.4 folder format (config.json + weights.npy), which cannot be loaded; re-export the model with NAM 0.5 or later`);
  }
  if (major !== 0 || minor > 7) throw new NamError('unsupported-version', path, `version ${v} is newer than this engine supports (0.5.0 to 0.7.x)`);
  return v;
}

function parseMetadata(raw: Json | undefined, warnings: string[]): NamMetadata {
  const md: NamMetadata = { extra: {} };
  if (raw === undefined || raw === null) return md;
  if (!isObject(raw)) {
    warnings.push('metadata: expected an object; ignored');
    return md;
  }
  const str = (k: 'name' | 'modeled_by' | 'gear_make' | 'gear_model' | 'gear_type' | 'tone_type'): void => {
    const v = raw[k];
    if (v === undefined || v === null) return;
    if (typeof v === 'string') md[k] = v;
    else warnings.push(`metadata.${k}: expected a string; ignored`);
  };
  const num = (k: 'loudness' | 'gain' | 'input_level_dbu' | 'output_level_dbu'): void => {
    const v = raw[k];
    if (v === undefined || v === null) return;
    if (typeof v === 'number' && Number.isFinite(v)) md[k] = v;
    else warnings.push(`metadata.${k}: expected a finite number; ignored`);
  };
  (['name', 'modeled_by', 'gear_make', 'gear_model', 'gear_type', 'tone_type'] as const).forEach(str);
  (['loudness', 'gain', 'input_level_dbu', 'output_level_dbu'] as const).forEach(num);
  if (md.gear_type !== undefined && !(GEAR_TYPES as readonly string[]).includes(md.gear_type)) warnings.push(`metadata.gear_type: unknown value "${md.gear_type}"`);
  if (md.tone_type !== undefined && !(TONE_TYPES as readonly string[]).includes(md.tone_type)) warnings.push(`metadata.tone_type: unknown value "${md.tone_type}"`);
  const date = raw['date'];
  if (isObject(date)) {
    md.date = {};
    for (const k of ['year', 'month', 'day', 'hour', 'minute', 'second'] as const) {
      const v = date[k];
      if (typeof v === 'number' && Number.isFinite(v)) md.date[k] = v;
    }
  }
  if (isObject(raw['training'])) md.training = raw['training'];
  const known = new Set(['name', 'modeled_by', 'gear_make', 'gear_model', 'gear_type', 'tone_type', 'loudness', 'gain', 'input_level_dbu', 'output_level_dbu', 'date', 'training']);
  for (const [k, v] of Object.entries(raw)) if (!known.has(k)) md.extra[k] = v;
  return md;
}

/** Parses and validates a `.nam` file given as text or as an already-parsed JSON object. */
export function parseNam(textOrObject: string | unknown, path = ''): NamFile {
  let obj: unknown = textOrObject;
  if (typeof textOrObject === 'string') {
    if (textOrObject.length > MAX_NAM_TEXT_LENGTH) throw new NamError('too-large', path, `the file is ${textOrObject.length} characters, more than the ${MAX_NAM_TEXT_LENGTH} limit`);
    if (textOrObject.trim() === '') throw new NamError('invalid-json', path, 'the file is empty');
    try {
      obj = JSON.parse(textOrObject);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new NamError('invalid-json', path, `not a .nam file: the JSON is invalid or truncated (${why})`);
    }
  }
  if (!isObject(obj)) throw new NamError('invalid-json', path, 'not a .nam file: expected a JSON object');
  const at = (k: string): string => (path ? `${path}.${k}` : k);
  const version = parseVersion(obj['version'], at('version'));
  const architecture = obj['architecture'];
  if (typeof architecture !== 'string') throw new NamError('invalid-config', at('architecture'), 'expected the architecture name as a string');
  const config = ConfigReader.of(obj['config'], at('config')).obj;
  if (obj['weights'] === undefined) throw new NamError('invalid-config', at('weights'), 'is missing');
  const weights = toFloat32Weights(obj['weights'], at('weights'));

  let sampleRate = DEFAULT_SAMPLE_RATE;
  const sr = obj['sample_rate'];
  const sampleRateGiven = sr !== undefined && sr !== null;
  if (sampleRateGiven) {
    if (typeof sr !== 'number' || !Number.isFinite(sr) || sr < 1000 || sr > 1_000_000) {
      throw new NamError('invalid-config', at('sample_rate'), `expected a sample rate between 1000 and 1000000 Hz, got ${JSON.stringify(sr)}`);
    }
    sampleRate = sr;
  }
  const warnings: string[] = [];
  const metadata = parseMetadata(obj['metadata'], warnings);
  return { version, architecture, config, weights, sampleRate, sampleRateGiven, metadata, warnings };
}
