/**
 * Offline rendering of a mono signal through a NAM model, as the `render` command does it:
 *
 *   x  = input at the file's rate
 *   x' = resample(x, fileRate → modelRate)   (band-limited, only when the rates differ)
 *   y' = gain stages around the model: inputGain · x' → model → · normalisation · outputGain
 *        (`raw` skips every gain stage: the model alone)
 *   y  = resample(y', modelRate → fileRate)
 *
 * Normalisation follows the official plugin's "Normalized" output mode: −18 dB − the model's
 * `loudness` when the file gives it, else 0 dB. The rig issue replaces these stages with the full
 * Elementary rig.
 */
import { createNamModel, type NamFile } from '../dsp/nam/index.ts';
import { resample } from '../dsp/resample/index.ts';

export interface OfflineRenderOptions {
  raw: boolean;
  fastTanh: boolean;
  prewarm: boolean;
  block: number;
  inputGainDb: number;
  outputGainDb: number;
  onProgress?: (done: number, total: number) => void;
}

export interface OfflineRenderResult {
  output: Float32Array;
  resampled: boolean;
  normalizationDb: number;
}

export const NORMALIZED_TARGET_DB = -18;

export const dbToGain = (db: number): number => Math.pow(10, db / 20);

export function renderOffline(file: NamFile, input: Float32Array, inputRate: number, o: OfflineRenderOptions): OfflineRenderResult {
  const model = createNamModel(file, { maxBlockSize: o.block, fastTanh: o.fastTanh, prewarm: o.prewarm });
  const resampled = inputRate !== model.sampleRate;
  const x = resampled ? resample(input, inputRate, model.sampleRate) : input.slice();
  const loudness = file.metadata.loudness;
  const normalizationDb = !o.raw && loudness !== undefined ? NORMALIZED_TARGET_DB - loudness : 0;
  const inGain = o.raw ? 1 : dbToGain(o.inputGainDb);
  const outGain = o.raw ? 1 : dbToGain(normalizationDb + o.outputGainDb);
  if (inGain !== 1) for (let i = 0; i < x.length; i++) x[i] = x[i]! * inGain;
  const y = new Float32Array(x.length);
  for (let start = 0; start < x.length; start += o.block) {
    const end = Math.min(x.length, start + o.block);
    model.process(x.subarray(start, end), y.subarray(start, end));
    o.onProgress?.(end, x.length);
  }
  if (outGain !== 1) for (let i = 0; i < y.length; i++) y[i] = y[i]! * outGain;
  const output = resampled ? resample(y, model.sampleRate, inputRate) : y;
  return { output, resampled, normalizationDb };
}
