/**
 * Builds the plugin's engine bundles (`npm run build:native` runs it before CMake):
 *
 *   OUT/audio.js    IIFE for the audio V8 isolate: src/dsp/engine/native/audio-entry.ts (RigAudio + the
 *                   Elementary glue as a string, cut out of the pinned @elemaudio/web-renderer exactly as
 *                   the web app's Vite plugin does)
 *   OUT/graph.js    IIFE for the graph V8 isolate: src/dsp/engine/native/graph-entry.ts (RigGraphs, the
 *                   bridge protocol, plugin state as presets; the default model bundled as text)
 *   OUT/params.json the host-automatable parameters, generated from the rig registry (`paramIndex()`)
 *
 * The isolates are bare V8 (no Node, no DOM): `process.env.NODE_ENV` is defined at build time (the only
 * global the bundled libraries need), and the `node:` imports of Node-only loaders resolve to stubs that
 * throw if called (the bundles never call them).
 *
 * usage: node bin/run-ts.mjs scripts/build-native-engine.ts [OUT_DIR]   (default native-host/build/engine)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { extractElementaryGlue, locateWebRenderer } from '../src/dsp/engine/elementary-runtime.ts';
import { paramIndex } from '../src/dsp/rig/registry.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(process.argv[2] ?? join(root, 'native-host', 'build', 'engine'));

/** One host parameter as the C++ side reads it (native-host/src/PluginParameters.cpp). */
export interface NativeParam {
  id: string;
  name: string;
  min: number;
  max: number;
  default: number;
  step: number;
  unit: string;
  kind: 'float' | 'bool' | 'choice';
  options: string[];
}

export function nativeParams(): NativeParam[] {
  return paramIndex().map(({ id, blockLabel, spec }) => ({
    id,
    name: spec.label.toLowerCase().includes(blockLabel.toLowerCase()) ? spec.label : `${blockLabel} ${spec.label}`,
    min: spec.min,
    max: spec.max,
    default: spec.default,
    step: spec.step ?? 0,
    unit: spec.unit === 'on/off' || spec.unit === 'enum' ? '' : spec.unit,
    kind: spec.unit === 'on/off' ? 'bool' : spec.unit === 'enum' ? 'choice' : 'float',
    options: [...(spec.options ?? [])],
  }));
}

function virtualModules(): Plugin {
  const modules: Record<string, () => string> = {
    'virtual:nam-rig/elementary-glue': () => {
      const where = locateWebRenderer();
      return `export default ${JSON.stringify(extractElementaryGlue(readFileSync(where.bundlePath, 'utf8'), where.version))};`;
    },
    'virtual:nam-rig/default-model': () => `export default ${JSON.stringify(readFileSync(join(root, 'presets', 'models', 'nam-rig-default.nam'), 'utf8'))};`,
  };
  return {
    name: 'nam-rig-native-virtual',
    setup(b) {
      b.onResolve({ filter: /^virtual:nam-rig\// }, (args) => ({ path: args.path, namespace: 'nam-rig-virtual' }));
      b.onLoad({ filter: /.*/, namespace: 'nam-rig-virtual' }, (args) => {
        const make = modules[args.path];
        if (make === undefined) throw new Error(`unknown virtual module ${args.path}`);
        return { contents: make(), loader: 'js' };
      });
      // Node-only code paths (file loaders, node:crypto fallbacks) are never called in the isolates.
      b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'nam-rig-node-stub' }));
      b.onLoad({ filter: /.*/, namespace: 'nam-rig-node-stub' }, (args) => ({
        contents: `const fail = () => { throw new Error(${JSON.stringify(`${args.path} is not available in the plugin's engine`)}); };\nexport default new Proxy({}, { get: () => fail });\nexport const readFileSync = fail, createRequire = fail, dirname = fail, join = fail, createHash = fail;\n`,
        loader: 'js',
      }));
    },
  };
}

export async function buildNativeEngine(out: string): Promise<void> {
  mkdirSync(out, { recursive: true });
  for (const [name, entry] of [
    ['audio', 'audio-entry.ts'],
    ['graph', 'graph-entry.ts'],
  ] as const) {
    await build({
      entryPoints: [join(root, 'src', 'dsp', 'engine', 'native', entry)],
      outfile: join(out, `${name}.js`),
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      define: { 'process.env.NODE_ENV': '"production"', 'import.meta.url': '""' },
      plugins: [virtualModules()],
      legalComments: 'none',
      logLevel: 'warning',
    });
  }
  writeFileSync(join(out, 'params.json'), JSON.stringify(nativeParams(), null, 2) + '\n');
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildNativeEngine(outDir);
  console.log(`native engine bundles → ${outDir}`);
}
