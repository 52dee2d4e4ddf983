/**
 * Vite configuration of the plugin's UI: src/ui/plugin/index.html → dist/plugin-ui/index.html, one
 * self-contained file (scripts and styles inlined by vite-plugin-singlefile) that the native editor
 * embeds in the plugin binary and shows from disk — no module loads, workers or fetches that
 * WebKitGTK's file:// rules could block. `npm run build:plugin-ui`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';

export default defineConfig({
  root: fileURLToPath(new URL('./src/ui/plugin', import.meta.url)),
  base: './',
  esbuild: { jsx: 'automatic' },
  plugins: [viteSingleFile()],
  build: {
    outDir: fileURLToPath(new URL('./dist/plugin-ui', import.meta.url)),
    emptyOutDir: true,
    // WebKitGTK 2.4x (Debian bookworm) runs ES2020 fine.
    target: 'es2020',
  },
  logLevel: 'warn',
});
