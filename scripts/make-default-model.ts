/**
 * Writes the project's default amp model, `presets/models/nam-rig-default.nam`.
 *
 *     npm run make-default-model            # (re)writes the file
 *     npm run make-default-model -- --check # exits 1 if the shipped file differs from a fresh build
 *
 * The model is constructed, not trained (see scripts/lib/default-model-design.ts), and the output is
 * deterministic: running this again gives the same bytes. test/nam/default-model.test.ts checks that.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeDefaultModelText } from './lib/default-model-design.ts';

/** Where the model ships, relative to the project root. */
export const DEFAULT_MODEL_PATH = 'presets/models/nam-rig-default.nam';

/** Absolute path of the shipped model. */
export function defaultModelFile(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', DEFAULT_MODEL_PATH);
}

/** The `.nam` text of the default model, exactly as it ships. */
export function generateDefaultModel(): string {
  return makeDefaultModelText();
}

function main(argv: string[]): void {
  const file = defaultModelFile();
  const text = generateDefaultModel();
  if (argv.includes('--check')) {
    let shipped = '';
    try {
      shipped = readFileSync(file, 'utf8');
    } catch {
      // a missing file counts as different
    }
    if (shipped !== text) {
      console.error(`${DEFAULT_MODEL_PATH} is out of date: run npm run make-default-model`);
      process.exit(1);
    }
    console.log(`${DEFAULT_MODEL_PATH} is up to date`);
    return;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  const { weights, metadata } = JSON.parse(text) as { weights: number[]; metadata: { loudness: number } };
  console.log(`wrote ${DEFAULT_MODEL_PATH}: ${weights.length} weights, loudness ${metadata.loudness} dB, ${text.length} bytes`);
}

const entry = process.argv[1] ? resolve(process.argv[1]) : '';
if (entry === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
