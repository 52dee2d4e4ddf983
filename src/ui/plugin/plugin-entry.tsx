/**
 * The plugin's UI entry (src/ui/plugin/index.html, built by vite.plugin.config.ts into one
 * self-contained dist/plugin-ui/index.html that the native editor shows in its WebView): the web app's
 * `App` on the WebView bridge transport, without the input selector (the DAW feeds the plugin).
 *
 * Test hook: `window.__namRigPluginTransport` is the transport, so the UI smoke test can drive it
 * (`javascript:` URLs) the way a knob would.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from '../App.tsx';
import { createBridgeTransport, type BridgeTransport } from '../bridge-transport.ts';
import '../styles.css';

declare global {
  interface Window {
    __namRigPluginTransport?: BridgeTransport;
  }
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

const transport = createBridgeTransport();
window.__namRigPluginTransport = transport;

createRoot(root).render(
  <StrictMode>
    <App transport={transport} showInput={false} />
  </StrictMode>,
);
