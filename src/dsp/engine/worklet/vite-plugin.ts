/**
 * Vite plugin (Node side, used by vite.config.ts): makes the rig engine bundle for the browser.
 *
 * 1. `virtual:nam-rig/elementary-glue` — a module whose default export is the Elementary runtime's
 *    emscripten glue (wasm inlined as base64) as a string, cut out of the installed
 *    `@elemaudio/web-renderer`'s `dist/index.js` at build time with the same `extractElementaryGlue`
 *    the Node loader uses (version-pinned). The file is read from node_modules here because the
 *    package's `exports` map blocks a `?raw` import of `dist/index.js`.
 * 2. `elementary-runtime.ts` imports `node:fs`/`node:module`/`node:path` for its Node-only loader. In a
 *    browser bundle those imports resolve to a stub whose functions throw: the worklet passes its own
 *    module to `RigController` (`options.module`), so the Node loader is never called there.
 *
 * Applied to builds (also the ones the e2e tests run from inside vitest) and to the dev server; not
 * to vitest's own Node-side module loading, which must see the real `node:` modules.
 */
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';
import { extractElementaryGlue, locateWebRenderer } from '../elementary-runtime.ts';

export const ELEMENTARY_GLUE_ID = 'virtual:nam-rig/elementary-glue';
const RESOLVED_GLUE_ID = '\0' + ELEMENTARY_GLUE_ID;
const NODE_STUB_PREFIX = '\0nam-rig-node-stub:';

/** What each stubbed `node:` module exports (the names elementary-runtime.ts imports). */
const NODE_STUBS: Record<string, readonly string[]> = {
  'node:fs': ['readFileSync'],
  'node:module': ['createRequire'],
  'node:path': ['dirname', 'join'],
};

export function elementaryGlue(): Plugin {
  let bundlePath = '';
  return {
    name: 'nam-rig:elementary-glue',
    enforce: 'pre',
    apply: (_config, env) => env.command === 'build' || !process.env.VITEST,
    resolveId(source, importer) {
      if (source === ELEMENTARY_GLUE_ID) return RESOLVED_GLUE_ID;
      if (source in NODE_STUBS && importer !== undefined && /[\\/]src[\\/]dsp[\\/]engine[\\/]elementary-runtime\.ts$/.test(importer.split('?')[0]!)) {
        return NODE_STUB_PREFIX + source;
      }
      return null;
    },
    load(id) {
      if (id === RESOLVED_GLUE_ID) {
        const where = locateWebRenderer();
        bundlePath = where.bundlePath;
        this.addWatchFile(bundlePath);
        const glue = extractElementaryGlue(readFileSync(bundlePath, 'utf8'), where.version);
        return `export default ${JSON.stringify(glue)};\n`;
      }
      if (id.startsWith(NODE_STUB_PREFIX)) {
        const name = id.slice(NODE_STUB_PREFIX.length);
        return NODE_STUBS[name]!.map((f) => `export function ${f}() { throw new Error(${JSON.stringify(`${name}.${f} is not available in the browser`)}); }\n`).join('');
      }
      return null;
    },
  };
}
