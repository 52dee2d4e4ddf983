/**
 * Turns a parsed `.nam` file into the `ModelInfo` the UI shows, and `ModelInfo` into display rows.
 * Metadata only: nothing here builds or runs a model.
 */
import type { NamFile } from '../dsp/nam/file.ts';
import type { ModelInfo } from './transport.ts';

/** `deluxe.nam` → `deluxe`. */
export function baseName(fileName: string): string {
  const leaf = fileName.split(/[\\/]/).pop() ?? fileName;
  return leaf.replace(/\.[^.]+$/, '') || leaf;
}

export function describeModel(file: NamFile, fileName: string): ModelInfo {
  const md = file.metadata;
  const name = md.name?.trim() ? md.name.trim() : baseName(fileName);
  return {
    name,
    fileName,
    ...(md.gear_make !== undefined && { gearMake: md.gear_make }),
    ...(md.gear_model !== undefined && { gearModel: md.gear_model }),
    ...(md.gear_type !== undefined && { gearType: md.gear_type }),
    ...(md.tone_type !== undefined && { toneType: md.tone_type }),
    ...(md.modeled_by !== undefined && { modeledBy: md.modeled_by }),
    ...(md.loudness !== undefined && { loudness: md.loudness }),
    sampleRate: file.sampleRate,
    sampleRateGiven: file.sampleRateGiven,
    architecture: file.architecture,
    weights: file.weights.length,
    version: file.version,
  };
}

const words = (s: string): string => s.replace(/_/g, ' ');

/** Label/value rows for the metadata panel, in display order; "—" for what the file does not say. */
export function modelInfoRows(info: ModelInfo): ReadonlyArray<readonly [label: string, value: string]> {
  const gear = [info.gearMake, info.gearModel].filter((s) => s && s.trim()).join(' ');
  return [
    ['Name', info.name],
    ['Gear', gear ? (info.gearType ? `${gear} (${words(info.gearType)})` : gear) : info.gearType ? words(info.gearType) : '—'],
    ['Tone', info.toneType ? words(info.toneType) : '—'],
    ['Sample rate', `${formatRate(info.sampleRate)}${info.sampleRateGiven ? '' : ' (assumed)'}`],
    ['Loudness', info.loudness === undefined ? '—' : `${info.loudness.toFixed(1).replace('-', '\u2212')} dB`],
    ['Architecture', info.architecture],
    ['Size', `${info.weights.toLocaleString('en-US')} weights`],
    ...(info.modeledBy ? ([['Modeled by', info.modeledBy]] as const) : []),
  ];
}

/** 48000 → "48 kHz", 44100 → "44.1 kHz". */
export function formatRate(hz: number): string {
  return hz >= 1000 ? `${Number((hz / 1000).toFixed(3))} kHz` : `${hz} Hz`;
}
