/**
 * `nam-rig render IN.wav OUT.wav [--model M.nam] [--raw] [--ir IR.wav] [--block.param=value …]
 *                                [--fast-tanh] [--no-prewarm] [--block N] [--input-gain dB] [--output-gain dB]`
 *
 * Reads any PCM/float/extensible WAV (stereo summed to mono), renders it through the full rig (gate,
 * tone stack, cab IR, DC blocker, output mode; see src/dsp/rig) around the model (the project's default
 * model unless --model is given), or with --raw through the model alone, and writes a 32-bit float WAV
 * at the input's sample rate. Knob flags are generated from the rig's registry (`paramIndex()`);
 * --input-gain/--output-gain are aliases of --input.gain/--output.gain.
 *
 * `--preset FILE.namrig|preset.json|LINK` renders what the preset describes: its parameters, model and
 * IR through the full rig (knob flags, if any, override its parameters; --model, --ir and --raw do not
 * combine with it). Loading a preset is asynchronous, so the command then returns a promise.
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
import { loadPresetArg } from './preset-command.ts';
import type { NamFile } from '../dsp/nam/index.ts';

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
  '       nam-rig render IN.wav OUT.wav --preset FILE.namrig|preset.json|LINK [--block.param=value ...] [--fast-tanh] [--no-prewarm] [--block N]',
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

export function renderCommand(argv: readonly string[], log: (line: string) => void): Promise<void> | void {
  const { rest, knobs } = takeKnobs(argv);
  const args = parseArgs(rest, { flags: ['raw', 'fast-tanh', 'no-prewarm'], options: ['model', 'block', 'input-gain', 'output-gain', 'ir', 'preset'] });
  if (args.positional.length !== 2) throw new UsageError(RENDER_USAGE);
  const [inPath, outPath] = args.positional as [string, string];
  const block = numberOption(args, 'block', 512, 1, 65536, true);
  if (args.options.has('input-gain')) knobs['input.gain'] = numberOption(args, 'input-gain', 0, -20, 20);
  if (args.options.has('output-gain')) knobs['output.gain'] = numberOption(args, 'output-gain', 0, -40, 40);
  const common = { inPath, outPath, block, fastTanh: args.flags.has('fast-tanh'), prewarm: !args.flags.has('no-prewarm') };
  const presetArg = args.options.get('preset');
  if (presetArg !== undefined) {
    for (const o of ['model', 'ir'] as const) if (args.options.has(o)) throw new UsageError(`--${o} cannot be combined with --preset (the preset holds its own ${o === 'ir' ? 'IR' : 'model'})`);
    if (args.flags.has('raw')) throw new UsageError('--raw cannot be combined with --preset (a preset is the full rig)');
    return loadPresetArg(presetArg).then((loaded) =>
      renderFile({ ...common, file: loaded.model, raw: false, knobs: { ...loaded.preset.params, ...knobs }, ir: loaded.ir ?? undefined, label: `preset "${loaded.preset.name}"` }, log),
    );
  }
  const modelPath = args.options.get('model') ?? DEFAULT_MODEL_PATH;
  const file = parseNam(readFileSync(modelPath, 'utf8'));
  const irPath = args.options.get('ir');
  let ir: ImpulseResponse | undefined;
  if (irPath !== undefined) {
    const irWav = decodeWav(new Uint8Array(readFileSync(irPath)));
    ir = { samples: mixToMono(irWav.channels), sampleRate: irWav.sampleRate };
  }
  const raw = args.flags.has('raw');
  const warning = raw && (Object.keys(knobs).length > 0 || ir) ? '--raw: knob flags and --ir are ignored (model only)' : undefined;
  renderFile({ ...common, file, raw, knobs, ir, warning, label: `"${file.metadata.name ?? modelPath}"${raw ? ' (raw)' : ir ? ` with IR ${irPath}` : ''}` }, log);
}

interface RenderJob {
  inPath: string;
  outPath: string;
  block: number;
  fastTanh: boolean;
  prewarm: boolean;
  file: NamFile;
  raw: boolean;
  knobs: Record<string, number>;
  ir: ImpulseResponse | undefined;
  /** What was rendered, for the summary line. */
  label: string;
  /** A note logged before the summary line. */
  warning?: string | undefined;
}

function renderFile(job: RenderJob, log: (line: string) => void): void {
  const { file } = job;
  const wav = decodeWav(new Uint8Array(readFileSync(job.inPath)));
  const mono = mixToMono(wav.channels);
  const progress = createProgress('rendering', mono.length);
  const result = renderOffline(file, mono, wav.sampleRate, {
    raw: job.raw,
    fastTanh: job.fastTanh,
    prewarm: job.prewarm,
    block: job.block,
    knobs: job.knobs,
    ir: job.ir,
    onProgress: (done, total) => progress.update((done / total) * mono.length),
  });
  progress.finish();
  writeFileSync(job.outPath, encodeWavFloat32([result.output], wav.sampleRate));
  if (result.resampled) log(`resampled ${wav.sampleRate} Hz → ${file.sampleRate} Hz for the model and back (band-limited)`);
  if (job.warning !== undefined) log(job.warning);
  log(`rendered ${(mono.length / wav.sampleRate).toFixed(2)} s through ${job.label} → ${job.outPath}`);
}
