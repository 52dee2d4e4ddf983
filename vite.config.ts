/** Vite and Vitest configuration for nam-rig (the web app build and the test runner). */
import { defineConfig } from 'vitest/config';
import { elementaryGlue } from './src/dsp/engine/worklet/vite-plugin.ts';

export default defineConfig({
  // The web app (index.html → src/ui/main.tsx): JSX through esbuild's automatic React runtime.
  esbuild: { jsx: 'automatic' },
  // The rig worklet (src/dsp/engine/worklet/rig-processor.ts, imported with `?worker&url`) gets the
  // Elementary glue from a virtual module and a stub for the Node-only loader's `node:` imports.
  plugins: [elementaryGlue()],
  worker: { format: 'es', plugins: () => [elementaryGlue()] },
  build: { outDir: 'dist/web', emptyOutDir: true },
  preview: { host: '127.0.0.1' },
  server: { host: '127.0.0.1' },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/yield-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
