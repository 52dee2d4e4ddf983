/**
 * `nam-rig render IN.wav OUT.wav [--model M.nam] [--raw] [--ir IR.wav] [--block.param=value …]
 *                                [--fast-tanh] [--no-prewarm] [--block N] [--input-gain dB] [--output-gain dB]`
 *
 * Reads any PCM/float/extensible WAV (stereo summed to mono), renders it through the full rig (gate,
 * tone stack, cab IR, DC blocker, output mode; see src/dsp/rig) around the model (the project's default
 * model unless --model is given), or with --raw through the model alone, and writes a 32-bit float WAV
 * at the input's sample rate. Knob flags are generated from the rig's registry (`paramIndex()`);
 * --input-gain/--output-gain are aliases of --input.gain/--output.gain.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeWav, mixToMono } from '../dsp/io/wav-read.ts';
import { encodeWavFloat32 } from '../dsp/io/wav-write.ts';
import { parseNam } from '../dsp/nam/index.ts';
import { isCliKnobFlag, paramIndex, parseCliKnobFlag, type IndexedParam } from '../dsp/rig/registry.ts';
import { RigError } from '../dsp/rig/errors.ts';
import { numberOption, parseArgs, UsageError } from './args.ts';
import { DEFAULT_MODEL_PATH } from './default-model.ts';
import { renderOffline, type ImpulseResponse } from './offline-render.ts';
import { createProgress } from './progress.ts';

/** One knob flag's description for the usage text, e.g. `--tone.bass=0..10 (5)`. */
function describeKnob(p: IndexedParam): string {
  const { spec } = p;
  let values: string;
  if (spec.unit === 'on/off') values = 'on|off';
  else if (spec.unit === 'enum') values = (spec.options ?? []).map((o) => o.toLowerCase()).join('|');
  else values = `${spec.min}..${spec.max}${spec.unit ? ` ${spec.unit}` : ''}`;
  const def = spec.unit === 'on/off' ? (spec.default ? 'on' : 'off') : spec.unit === 'enum' ? (spec.options?.[spec.default] ?? '').toLowerCase() : String(spec.default);
  return `--${p.id}=${values} (default ${def})`;
}

export const RENDER_KNOB_USAGE: readonly string[] = paramIndex().map(describeKnob);

export const RENDER_USAGE = [
  'usage: nam-rig render IN.wav OUT.wav [--model M.nam] [--raw] [--ir IR.wav] [--block.param=value ...] [--fast-tanh] [--no-prewarm] [--block N] [--input-gain dB] [--output-gain dB]',
  '  knobs (the full rig; ignored with --raw):',
  ...RENDER_KNOB_USAGE.map((k) => `    ${k}`),
].join('\n');

/** Splits knob flags (`--tone.bass=7`) from the other arguments and parses them against the registry. */
function takeKnobs(argv: readonly string[]): { rest: string[]; knobs: Record<string, number> } {
  const rest: string[] = [];
  const knobs: Record<string, number> = {};
  for (const a of argv) {
    if (!isCliKnobFlag(a)) {
      rest.push(a);
      continue;
    }
    try {
      const k = parseCliKnobFlag(a);
      knobs[k.id] = k.value;
    } catch (e) {
      if (e instanceof RigError) throw new UsageError(e.message);
      throw e;
    }
  }
  return { rest, knobs };
}

export function renderCommand(argv: readonly string[], log: (line: string) => void): void {
  const { rest, knobs } = takeKnobs(argv);
  const args = parseArgs(rest, { flags: ['raw', 'fast-tanh', 'no-prewarm'], options: ['model', 'block', 'input-gain', 'output-gain', 'ir'] });
  if (args.positional.length !== 2) throw new UsageError(RENDER_USAGE);
  const [inPath, outPath] = args.positional as [string, string];
  const block = numberOption(args, 'block', 512, 1, 65536, true);
  if (args.options.has('input-gain')) knobs['input.gain'] = numberOption(args, 'input-gain', 0, -20, 20);
  if (args.options.has('output-gain')) knobs['output.gain'] = numberOption(args, 'output-gain', 0, -40, 40);
  const modelPath = args.options.get('model') ?? DEFAULT_MODEL_PATH;
  const raw = args.flags.has('raw');

  const file = parseNam(readFileSync(modelPath, 'utf8'));
  const wav = decodeWav(new Uint8Array(readFileSync(inPath)));
  const irPath = args.options.get('ir');
  let ir: ImpulseResponse | undefined;
  if (irPath !== undefined) {
    const irWav = decodeWav(new Uint8Array(readFileSync(irPath)));
    ir = { samples: mixToMono(irWav.channels), sampleRate: irWav.sampleRate };
  }
  const mono = mixToMono(wav.channels);
  const progress = createProgress('rendering', mono.length);
  const result = renderOffline(file, mono, wav.sampleRate, {
    raw,
    fastTanh: args.flags.has('fast-tanh'),
    prewarm: !args.flags.has('no-prewarm'),
    block,
    knobs,
    ir,
    onProgress: (done, total) => progress.update((done / total) * mono.length),
  });
  progress.finish();
  writeFileSync(outPath, encodeWavFloat32([result.output], wav.sampleRate));
  const name = file.metadata.name ?? modelPath;
  if (result.resampled) log(`resampled ${wav.sampleRate} Hz → ${file.sampleRate} Hz for the model and back (band-limited)`);
  if (raw && (Object.keys(knobs).length > 0 || ir)) log('--raw: knob flags and --ir are ignored (model only)');
  log(`rendered ${(mono.length / wav.sampleRate).toFixed(2)} s through "${name}"${raw ? ' (raw)' : ir ? ` with IR ${irPath}` : ''} → ${outPath}`);
}
