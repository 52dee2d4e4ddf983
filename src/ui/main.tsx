/**
 * The web app's entry: mounts `App` on the AudioWorklet transport (the rig engine runs in one
 * AudioWorkletProcessor), wrapped in the preset library's rig session, and loads the project's default
 * model, so the app plays out of the box once an input is chosen. Audio starts on the first click or
 * key press (browsers' autoplay policy). A share link in the URL (`#p=…`) is applied after the default
 * model; the preset library lives in IndexedDB and gets the factory presets on first run.
 *
 * Test hooks: `window.__namRigRenderOffline(options)` renders a clip through the same worklet in an
 * OfflineAudioContext (see `renderOffline`); the e2e tests compare it with the Node engine.
 * `window.__namRigCurrentRig()` is the rig as last sent to the engine (model text, IR, params).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { oneLine } from './messages.ts';
import { createWorkletTransport, renderOffline } from './worklet-transport.ts';
import { loadFactoryPresets } from './library/factory-presets.ts';
import { PresetStore } from './library/preset-store.ts';
import { createRigSession } from './library/rig-session.ts';
import './styles.css';

declare global {
  interface Window {
    __namRigRenderOffline?: typeof renderOffline;
    __namRigCurrentRig?: () => { modelText: string | null; ir: { samples: Float32Array; sampleRate: number } | null; params: Record<string, number> };
  }
}

const DEFAULT_MODEL_URL = new URL('../../presets/models/nam-rig-default.nam', import.meta.url).href;
const DEFAULT_MODEL_NAME = 'nam-rig-default';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

window.__namRigRenderOffline = renderOffline;

const transport = createWorkletTransport();
const session = createRigSession(transport);

window.__namRigCurrentRig = () => {
  const s = session.snapshot();
  return { modelText: s.model?.text ?? null, ir: s.ir ? { samples: s.ir.samples, sampleRate: s.ir.sampleRate } : null, params: { ...s.params } };
};

const ready = fetch(DEFAULT_MODEL_URL)
  .then((r) => {
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return r.text();
  })
  .then(
    (text) => session.transport.loadModel(text, DEFAULT_MODEL_NAME),
    (e: unknown) => console.error(oneLine(e, 'The default model did not load')),
  );

createRoot(root).render(
  <StrictMode>
    <App
      transport={session.transport}
      library={{ session, openStore: () => PresetStore.open(), loadFactory: loadFactoryPresets, ready }}
      onInput={(source, stream) => transport.setInput(source, stream)}
      notice="Click anywhere to start audio, then pick a live input or a DI file."
    />
  </StrictMode>,
);
