/** Vite and Vitest configuration for nam-rig (the web app build and the test runner). */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The web app (index.html → src/ui/main.tsx): JSX through esbuild's automatic React runtime.
  esbuild: { jsx: 'automatic' },
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
