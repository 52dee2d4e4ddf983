/**
 * `nam-rig preset pack PRESET.json OUT.namrig [--model M.nam] [--ir IR.wav]`
 * `nam-rig preset unpack IN.namrig OUTDIR`
 * `nam-rig preset link PRESET.json|IN.namrig [--base URL] [--model M.nam] [--ir IR.wav]`
 *
 * pack:   a preset (its model/IR embedded, or referenced: then the files come from --model/--ir, or
 *         from the referenced file names next to the preset) into a .namrig bundle;
 * unpack: a bundle into OUTDIR: preset.json plus the model and IR under their file names (so
 *         `preset pack OUTDIR/preset.json` makes the same bundle again);
 * link:   prints the share link (model and IR embedded); a preset too large for a link is refused
 *         with a suggestion to share the bundle.
 * `loadPresetArg` is also what `render --preset` uses: a bundle, a preset JSON file or a link.
 * Every preset problem is a `PresetError` (exit 2, one line).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { NamFile } from '../dsp/nam/index.ts';
import {
  decodeLink,
  encodeLink,
  looksLikeLink,
  packBundle,
  parsePreset,
  presetToJson,
  resolveIr,
  resolveModel,
  unpackBundle,
  PresetError,
  type IrSamples,
  type Preset,
} from '../preset/index.ts';
import { parseArgs, UsageError } from './args.ts';

export const PRESET_USAGE = [
  'usage: nam-rig preset pack PRESET.json OUT.namrig [--model M.nam] [--ir IR.wav]',
  '       nam-rig preset unpack IN.namrig OUTDIR',
  '       nam-rig preset link PRESET.json|IN.namrig [--base URL] [--model M.nam] [--ir IR.wav]',
].join('\n');

/** A preset loaded from the command line, with everything the rig needs. */
export interface LoadedPreset {
  preset: Preset;
  model: NamFile;
  ir: IrSamples | null;
  /** The model file's text and IR WAV when they came as files (bundle, --model/--ir, next to the JSON). */
  modelText?: string;
  irWav?: Uint8Array;
}

const isZip = (bytes: Uint8Array): boolean => bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

/** A referenced file: the explicit path, else the referenced name next to the preset, else none. */
function findResource(explicit: string | undefined, presetPath: string, fileName: string | undefined): Uint8Array | undefined {
  if (explicit !== undefined) return new Uint8Array(readFileSync(explicit));
  if (fileName === undefined) return undefined;
  const beside = join(dirname(presetPath), basename(fileName));
  return existsSync(beside) ? new Uint8Array(readFileSync(beside)) : undefined;
}

/**
 * Loads `arg`, a share link, a .namrig bundle or a preset JSON file, and resolves its model and IR
 * (for a JSON preset with references: `modelPath`/`irPath`, or the files named next to it).
 */
export async function loadPresetArg(arg: string, modelPath?: string, irPath?: string): Promise<LoadedPreset> {
  if (looksLikeLink(arg)) {
    const preset = await decodeLink(arg);
    return { preset, model: await resolveModel(preset.model), ir: await resolveIr(preset.ir) };
  }
  const bytes = new Uint8Array(readFileSync(arg));
  if (isZip(bytes)) {
    const b = await unpackBundle(bytes);
    return { preset: b.preset, model: b.model, ir: b.ir, modelText: b.modelText, ...(b.irWav ? { irWav: b.irWav } : {}) };
  }
  const preset = parsePreset(new TextDecoder().decode(bytes));
  const modelBytes = 'ref' in preset.model || modelPath !== undefined ? findResource(modelPath, arg, 'ref' in preset.model ? preset.model.ref.fileName : undefined) : undefined;
  const irBytes = (preset.ir !== null && 'ref' in preset.ir) || irPath !== undefined ? findResource(irPath, arg, preset.ir !== null && 'ref' in preset.ir ? preset.ir.ref.fileName : undefined) : undefined;
  // Explicit files replace embedded ones only for pack/link; to play, the preset's own model is used.
  const model = await resolveModel(preset.model, 'ref' in preset.model ? modelBytes : undefined);
  const ir = await resolveIr(preset.ir, preset.ir !== null && 'ref' in preset.ir ? irBytes : undefined);
  return {
    preset,
    model,
    ir,
    ...(modelBytes ? { modelText: new TextDecoder().decode(modelBytes) } : {}),
    ...(irBytes ? { irWav: irBytes } : {}),
  };
}

/** A file name safe to write inside OUTDIR. */
const safeName = (name: string, fallback: string): string => {
  const b = basename(name).replace(/[^A-Za-z0-9._ -]/g, '_');
  return b === '' || b === '.' || b === '..' || b === 'preset.json' ? fallback : b;
};

async function pack(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const args = parseArgs(argv, { flags: [], options: ['model', 'ir'] });
  if (args.positional.length !== 2) throw new UsageError(PRESET_USAGE);
  const [inPath, outPath] = args.positional as [string, string];
  const loaded = await loadPresetArg(inPath, args.options.get('model'), args.options.get('ir'));
  const bytes = await packBundle(loaded.preset, loaded.modelText, loaded.irWav);
  writeFileSync(outPath, bytes);
  log(`packed "${loaded.preset.name}" → ${outPath} (${bytes.length} bytes)`);
}

async function unpack(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const args = parseArgs(argv, { flags: [], options: [] });
  if (args.positional.length !== 2) throw new UsageError(PRESET_USAGE);
  const [inPath, outDir] = args.positional as [string, string];
  const b = await unpackBundle(new Uint8Array(readFileSync(inPath)));
  mkdirSync(outDir, { recursive: true });
  let preset = b.preset;
  const modelName = safeName('ref' in preset.model ? preset.model.ref.fileName : 'model.nam', 'model.nam');
  if ('ref' in preset.model) preset = { ...preset, model: { ref: { ...preset.model.ref, fileName: modelName } } };
  writeFileSync(join(outDir, modelName), b.modelText);
  let irName: string | null = null;
  if (preset.ir !== null && 'ref' in preset.ir && b.irWav) {
    irName = safeName(preset.ir.ref.fileName, 'ir.wav');
    if (irName === modelName) irName = `ir-${irName}`;
    preset = { ...preset, ir: { ref: { ...preset.ir.ref, fileName: irName } } };
    writeFileSync(join(outDir, irName), b.irWav);
  }
  writeFileSync(join(outDir, 'preset.json'), presetToJson(preset) + '\n');
  log(`unpacked "${preset.name}" → ${outDir}/ (preset.json, ${modelName}${irName ? `, ${irName}` : ''})`);
}

async function link(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const args = parseArgs(argv, { flags: [], options: ['base', 'model', 'ir'] });
  if (args.positional.length !== 1) throw new UsageError(PRESET_USAGE);
  const loaded = await loadPresetArg(args.positional[0]!, args.options.get('model'), args.options.get('ir'));
  const base = args.options.get('base');
  log(await encodeLink(loaded.preset, { ...(base !== undefined ? { baseUrl: base } : {}), ...(loaded.modelText !== undefined ? { modelText: loaded.modelText } : {}), ...(loaded.irWav ? { irWav: loaded.irWav } : {}) }));
}

export async function presetCommand(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'pack':
      return pack(rest, log);
    case 'unpack':
      return unpack(rest, log);
    case 'link':
      return link(rest, log);
    default:
      throw new UsageError(sub === undefined ? PRESET_USAGE : `unknown preset command "${sub}"\n${PRESET_USAGE}`);
  }
}

export { PresetError };
