/**
 * Offline rendering of a mono signal through a NAM model, as the `render` command does it:
 *
 *   x  = input at the file's rate
 *   x' = resample(x, fileRate → modelRate)   (band-limited, only when the rates differ)
 *   y' = the full rig at the model's rate (RigEngine: input gain → model → gate → tone → cab → DC → output),
 *        or with `raw` the model alone
 *   y  = resample(y', modelRate → fileRate)
 *
 * The rig runs at the model's rate (so it adds no latency); an IR is resampled to that rate. Elementary
 * smoothers start at 0 when the graph is built, so the rig first runs `RIG_PREROLL_SECONDS` of silence
 * (discarded): knobs and gains have settled when the file starts, and the model, prewarmed on silence,
 * is in the same state. The gate has closed on that silence and opens on the first note, as it would live.
 */
import { createNamModel, type NamFile } from '../dsp/nam/index.ts';
import { resample } from '../dsp/resample/index.ts';
import { RigController } from '../dsp/engine/rig-controller.ts';

/** Silence run through the rig before the file, so its smoothers settle. */
export const RIG_PREROLL_SECONDS = 0.5;

export interface ImpulseResponse {
  samples: Float32Array;
  sampleRate: number;
}

export interface OfflineRenderOptions {
  raw: boolean;
  fastTanh: boolean;
  prewarm: boolean;
  block: number;
  /** Knob values by qualified id (`tone.bass` …), over the registry defaults. */
  knobs?: Readonly<Record<string, number>>;
  ir?: ImpulseResponse;
  onProgress?: (done: number, total: number) => void;
}

export interface OfflineRenderResult {
  output: Float32Array;
  resampled: boolean;
  /** The Normalized output mode's adjustment for this model (0 when raw or without loudness). */
  normalizationDb: number;
}

export const NORMALIZED_TARGET_DB = -18;

export const dbToGain = (db: number): number => Math.pow(10, db / 20);

export function renderOffline(file: NamFile, input: Float32Array, inputRate: number, o: OfflineRenderOptions): OfflineRenderResult {
  const modelRate = file.sampleRate;
  const resampled = inputRate !== modelRate;
  const x = resampled ? resample(input, inputRate, modelRate) : input.slice();
  const y = o.raw ? renderModel(file, x, o) : renderRig(file, x, o);
  const output = resampled ? resample(y, modelRate, inputRate) : y;
  const loudness = file.metadata.loudness;
  const mode = o.knobs?.['output.mode'] ?? 1;
  const normalizationDb = !o.raw && mode === 1 && loudness !== undefined ? NORMALIZED_TARGET_DB - loudness : 0;
  return { output, resampled, normalizationDb };
}

function renderModel(file: NamFile, x: Float32Array, o: OfflineRenderOptions): Float32Array {
  const model = createNamModel(file, { maxBlockSize: o.block, fastTanh: o.fastTanh, prewarm: o.prewarm });
  const y = new Float32Array(x.length);
  for (let start = 0; start < x.length; start += o.block) {
    const end = Math.min(x.length, start + o.block);
    model.process(x.subarray(start, end), y.subarray(start, end));
    o.onProgress?.(end, x.length);
  }
  return y;
}

function renderRig(file: NamFile, x: Float32Array, o: OfflineRenderOptions): Float32Array {
  const rate = file.sampleRate;
  const rig = new RigController({ sampleRate: rate, maxBlockSize: o.block, model: file, params: o.knobs, fastTanh: o.fastTanh, prewarm: o.prewarm });
  if (o.ir) rig.loadIr(o.ir.samples, o.ir.sampleRate);
  const engine = rig.engine;
  const inBuf = new Float32Array(o.block);
  const outBuf = new Float32Array(o.block);
  for (let left = Math.round(RIG_PREROLL_SECONDS * rate); left > 0; left -= o.block) engine.process(inBuf, outBuf, Math.min(left, o.block));
  const y = new Float32Array(x.length);
  for (let start = 0; start < x.length; start += o.block) {
    const n = Math.min(o.block, x.length - start);
    inBuf.set(x.subarray(start, start + n));
    engine.process(inBuf, outBuf, n);
    y.set(outBuf.subarray(0, n), start);
    o.onProgress?.(start + n, x.length);
  }
  engine.dispose();
  return y;
}
