/**
 * Entry of the plugin's audio-isolate bundle (built by scripts/build-native-engine.ts with esbuild into
 * one IIFE script). Installs `globalThis.namRigAudio`, which the C++ host (native-host/src/engine)
 * calls: `create(sampleRate, maxBlockSize)` evaluates the Elementary glue (bundled as a string, as in
 * the web app's worklet) and returns a `NativeRigAudio`.
 */
import glue from 'virtual:nam-rig/elementary-glue';
import { createElementaryModule } from '../elementary-runtime.ts';
import { NativeRigAudio } from './native-rig-audio.ts';

export interface NativeAudioApi {
  create(sampleRate: number, maxBlockSize: number): NativeRigAudio;
}

const api: NativeAudioApi = {
  create(sampleRate, maxBlockSize) {
    return new NativeRigAudio(createElementaryModule(glue), sampleRate, maxBlockSize);
  },
};

(globalThis as Record<string, unknown>)['namRigAudio'] = api;
