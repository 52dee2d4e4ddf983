/**
 * Writes nam-rig's factory content, all made by the project itself:
 *
 *   presets/models/nam-rig-clean-edge.nam   second constructed amp model (scripts/lib/model-design.ts)
 *   presets/irs/nam-rig-*.wav               three synthesised cab IRs (scripts/lib/cab-ir-design.ts)
 *   presets/factory/*.json                  four presets (format v1) referring to them by sha256
 *   presets/factory/index.json              the list the app loads on first run
 *
 *     npm run make-factory-presets            # (re)writes the files
 *     npm run make-factory-presets -- --check # exits 1 if a shipped file differs from a fresh build
 *
 * Deterministic: the same bytes on every run (test/preset/factory.test.ts checks that). The default
 * model itself is written by scripts/make-default-model.ts; the presets refer to its shipped bytes.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDefaultModel } from './make-default-model.ts';
import { makeCleanEdgeModelText } from './lib/model-design.ts';
import { CABS, cabWav } from './lib/cab-ir-design.ts';
import { newPreset, presetToJson } from '../src/preset/schema.ts';

export const PRESETS_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'presets');

export const DEFAULT_MODEL_FILE = 'nam-rig-default.nam';
export const CLEAN_EDGE_MODEL_FILE = 'nam-rig-clean-edge.nam';
export const FACTORY_CREATED_AT = '2026-11-24T00:00:00.000Z';

const [IR_1X12, IR_2X12, IR_4X12] = CABS.map((c) => c.fileName) as [string, string, string];

/** One factory preset, before its references are hashed. */
export interface FactoryPresetSpec {
  file: string;
  name: string;
  notes: string;
  tags: string[];
  model: string;
  ir: string | null;
  params: Record<string, number>;
}

export const FACTORY_PRESETS: readonly FactoryPresetSpec[] = [
  {
    file: 'default-drive-4x12.json',
    name: 'Default Drive + 4x12',
    notes: 'The default model as it was voiced, through the 4x12 cab: a medium crunch for chords and riffs.',
    tags: ['crunch', 'factory', '4x12'],
    model: DEFAULT_MODEL_FILE,
    ir: IR_4X12,
    params: { 'tone.bass': 5, 'tone.mid': 5.5, 'tone.treble': 5.5 },
  },
  {
    file: 'clean-edge-1x12.json',
    name: 'Clean Edge + 1x12',
    notes: 'Clean at normal picking, breaking up when you dig in. An open-back 1x12; the gate is off so notes decay naturally.',
    tags: ['clean', 'edge of breakup', 'factory', '1x12'],
    model: CLEAN_EDGE_MODEL_FILE,
    ir: IR_1X12,
    params: { 'gate.enabled': 0, 'tone.bass': 5.5, 'tone.mid': 4.5, 'tone.treble': 6.5 },
  },
  {
    file: 'crunch-lead.json',
    name: 'Crunch Lead',
    notes: 'The default model pushed 6 dB harder, with the mids forward for single notes to cut through; 2x12 closed back.',
    tags: ['lead', 'crunch', 'factory', '2x12'],
    model: DEFAULT_MODEL_FILE,
    ir: IR_2X12,
    params: { 'input.gain': 6, 'gate.threshold': -75, 'tone.bass': 4.5, 'tone.mid': 7, 'tone.treble': 6, 'output.gain': -2 },
  },
  {
    file: 'tight-rhythm-gate.json',
    name: 'Tight Rhythm (gate on)',
    notes: 'Palm-muted rhythm: 3 dB more drive, less bass for a tight low end, the gate set to close quickly between stops; 4x12.',
    tags: ['rhythm', 'high gain', 'gate', 'factory', '4x12'],
    model: DEFAULT_MODEL_FILE,
    ir: IR_4X12,
    params: { 'input.gain': 3, 'gate.enabled': 1, 'gate.threshold': -55, 'tone.bass': 4, 'tone.mid': 4, 'tone.treble': 6.5 },
  },
];

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Every generated file, by path relative to `presets/`, with its bytes. */
export function generateFactoryFiles(): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const enc = new TextEncoder();
  const resources = new Map<string, Uint8Array>();
  resources.set(DEFAULT_MODEL_FILE, enc.encode(generateDefaultModel()));
  const cleanEdge = enc.encode(makeCleanEdgeModelText());
  resources.set(CLEAN_EDGE_MODEL_FILE, cleanEdge);
  files.set(`models/${CLEAN_EDGE_MODEL_FILE}`, cleanEdge);
  for (const cab of CABS) {
    const wav = cabWav(cab);
    resources.set(cab.fileName, wav);
    files.set(`irs/${cab.fileName}`, wav);
  }
  const ref = (fileName: string) => {
    const bytes = resources.get(fileName);
    if (!bytes) throw new Error(`no factory resource ${fileName}`);
    return { ref: { sha256: sha256Hex(bytes), fileName } };
  };
  const index: { file: string; name: string; model: string; ir: string | null }[] = [];
  for (const spec of FACTORY_PRESETS) {
    const preset = newPreset({
      name: spec.name,
      author: 'nam-rig',
      notes: spec.notes,
      tags: spec.tags,
      createdAt: FACTORY_CREATED_AT,
      params: spec.params,
      model: ref(spec.model),
      ir: spec.ir === null ? null : ref(spec.ir),
    });
    files.set(`factory/${spec.file}`, enc.encode(presetToJson(preset) + '\n'));
    index.push({ file: spec.file, name: spec.name, model: `models/${spec.model}`, ir: spec.ir === null ? null : `irs/${spec.ir}` });
  }
  files.set('factory/index.json', enc.encode(JSON.stringify({ presets: index }, null, 2) + '\n'));
  return files;
}

function main(argv: string[]): void {
  const files = generateFactoryFiles();
  const check = argv.includes('--check');
  let stale = 0;
  for (const [rel, bytes] of files) {
    const path = join(PRESETS_ROOT, rel);
    if (check) {
      let shipped: Uint8Array | undefined;
      try {
        shipped = new Uint8Array(readFileSync(path));
      } catch {
        // missing counts as different
      }
      if (!shipped || Buffer.compare(Buffer.from(shipped), Buffer.from(bytes)) !== 0) {
        console.error(`presets/${rel} is out of date: run npm run make-factory-presets`);
        stale++;
      }
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    console.log(`wrote presets/${rel} (${bytes.length} bytes, sha256 ${sha256Hex(bytes).slice(0, 12)}…)`);
  }
  if (check) {
    if (stale > 0) process.exit(1);
    console.log(`${files.size} factory files are up to date`);
  }
}

const entry = process.argv[1] ? resolve(process.argv[1]) : '';
if (entry === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
