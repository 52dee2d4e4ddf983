/**
 * Where the project's own default model lives (made by scripts/make-default-model.ts).
 */
import { fileURLToPath } from 'node:url';
import { resolve, dirname } from 'node:path';

export const DEFAULT_MODEL_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../presets/models/nam-rig-default.nam');
