/**
 * `nam-rig demo` (what `npm start` runs): synthesises a DI guitar clip (Karplus–Strong plucks),
 * renders it through the project's default model, and says where both WAVs went.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { encodeWavFloat32 } from '../dsp/io/wav-write.ts';
import { synthesizeDiClip } from '../dsp/synth/karplus-strong.ts';
import { parseArgs } from './args.ts';
import { renderCommand } from './render-command.ts';

export function demoCommand(argv: readonly string[], log: (line: string) => void): void {
  const args = parseArgs(argv, { flags: [], options: ['out-dir'] });
  const outDir = resolve(args.options.get('out-dir') ?? 'out');
  mkdirSync(outDir, { recursive: true });
  const sampleRate = 48000;
  const di = synthesizeDiClip({ sampleRate, seconds: 10, seed: 1 });
  const diPath = resolve(outDir, 'demo-di.wav');
  writeFileSync(diPath, encodeWavFloat32([di], sampleRate));
  log(`synthesised a 10 s DI clip → ${diPath}`);
  const outPath = resolve(outDir, 'demo-default-model.wav');
  renderCommand([diPath, outPath], log);
  log(`listen: ${outPath}`);
}
