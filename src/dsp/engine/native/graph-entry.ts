/**
 * Entry of the plugin's graph-isolate bundle (built by scripts/build-native-engine.ts with esbuild into
 * one IIFE script). Installs `globalThis.namRigGraph`, which the C++ host (native-host/src/engine)
 * calls on its message thread: `create(sampleRate)` returns a `NativeRigGraph` playing the project's
 * default model (presets/models/nam-rig-default.nam, bundled as text).
 */
import defaultModelText from 'virtual:nam-rig/default-model';
import { NativeRigGraph } from './native-rig-graph.ts';

export const DEFAULT_MODEL_NAME = 'nam-rig-default.nam';

export interface NativeGraphApi {
  create(sampleRate: number): NativeRigGraph;
}

const api: NativeGraphApi = {
  create: (sampleRate) => new NativeRigGraph(sampleRate, defaultModelText, DEFAULT_MODEL_NAME),
};

(globalThis as Record<string, unknown>)['namRigGraph'] = api;
