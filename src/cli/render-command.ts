/**
 * `nam-rig render IN.wav OUT.wav [--model M.nam] [--raw] [--fast-tanh] [--no-prewarm] [--block N]
 *                                [--input-gain dB] [--output-gain dB]`
 *
 * Reads any PCM/float/extensible WAV (stereo summed to mono), renders it through the model
 * (the project's default model unless --model is given) and writes a 32-bit float WAV at the
 * input's sample rate.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeWav, mixToMono } from '../dsp/io/wav-read.ts';
import { encodeWavFloat32 } from '../dsp/io/wav-write.ts';
import { parseNam } from '../dsp/nam/index.ts';
import { numberOption, parseArgs, UsageError } from './args.ts';
import { DEFAULT_MODEL_PATH } from './default-model.ts';
import { renderOffline } from './offline-render.ts';
import { createProgress } from './progress.ts';

export const RENDER_USAGE = 'usage: nam-rig render IN.wav OUT.wav [--model M.nam] [--raw] [--fast-tanh] [--no-prewarm] [--block N] [--input-gain dB] [--output-gain dB]';

export function renderCommand(argv: readonly string[], log: (line: string) => void): void {
  const args = parseArgs(argv, { flags: ['raw', 'fast-tanh', 'no-prewarm'], options: ['model', 'block', 'input-gain', 'output-gain'] });
  if (args.positional.length !== 2) throw new UsageError(RENDER_USAGE);
  const [inPath, outPath] = args.positional as [string, string];
  const block = numberOption(args, 'block', 512, 1, 65536, true);
  const inputGainDb = numberOption(args, 'input-gain', 0, -60, 60);
  const outputGainDb = numberOption(args, 'output-gain', 0, -60, 60);
  const modelPath = args.options.get('model') ?? DEFAULT_MODEL_PATH;

  const file = parseNam(readFileSync(modelPath, 'utf8'));
  const wav = decodeWav(new Uint8Array(readFileSync(inPath)));
  const mono = mixToMono(wav.channels);
  const progress = createProgress('rendering', mono.length);
  const result = renderOffline(file, mono, wav.sampleRate, {
    raw: args.flags.has('raw'),
    fastTanh: args.flags.has('fast-tanh'),
    prewarm: !args.flags.has('no-prewarm'),
    block,
    inputGainDb,
    outputGainDb,
    onProgress: (done, total) => progress.update((done / total) * mono.length),
  });
  progress.finish();
  writeFileSync(outPath, encodeWavFloat32([result.output], wav.sampleRate));
  const name = file.metadata.name ?? modelPath;
  if (result.resampled) log(`resampled ${wav.sampleRate} Hz → ${file.sampleRate} Hz for the model and back (band-limited)`);
  log(`rendered ${(mono.length / wav.sampleRate).toFixed(2)} s through "${name}" → ${outPath}`);
}
