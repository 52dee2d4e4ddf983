/**
 * The web app's entry: mounts `App` on the AudioWorklet transport (the rig engine runs in one
 * AudioWorkletProcessor) and loads the project's default model, so the app plays out of the box once
 * an input is chosen. Audio starts on the first click or key press (browsers' autoplay policy).
 *
 * Test hook: `window.__namRigRenderOffline(options)` renders a clip through the same worklet in an
 * OfflineAudioContext (see `renderOffline`); the e2e test compares it with the Node engine.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { oneLine } from './messages.ts';
import { createWorkletTransport, renderOffline } from './worklet-transport.ts';
import './styles.css';

declare global {
  interface Window {
    __namRigRenderOffline?: typeof renderOffline;
  }
}

const DEFAULT_MODEL_URL = new URL('../../presets/models/nam-rig-default.nam', import.meta.url).href;
const DEFAULT_MODEL_NAME = 'nam-rig-default';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

window.__namRigRenderOffline = renderOffline;

const transport = createWorkletTransport();

createRoot(root).render(
  <StrictMode>
    <App transport={transport} onInput={(source, stream) => transport.setInput(source, stream)} notice="Click anywhere to start audio, then pick a live input or a DI file." />
  </StrictMode>,
);

void fetch(DEFAULT_MODEL_URL)
  .then((r) => {
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return r.text();
  })
  .then(
    (text) => transport.loadModel(text, DEFAULT_MODEL_NAME),
    (e: unknown) => console.error(oneLine(e, 'The default model did not load')),
  );
