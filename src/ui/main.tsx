/**
 * The web app's entry: mounts `App`. Until the AudioWorklet engine lands, the app runs on the
 * in-memory transport (it validates files and keeps parameter values, but makes no sound).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { createFakeTransport } from './fake-transport.ts';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

const transport = createFakeTransport({ echoModels: true });

createRoot(root).render(
  <StrictMode>
    <App transport={transport} notice="Preview: no audio engine attached yet. Files are checked and settings kept, but nothing sounds." />
  </StrictMode>,
);
