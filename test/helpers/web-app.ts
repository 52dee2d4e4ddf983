/**
 * Shared pieces of the browser end-to-end tests: build the web app and serve it with `vite preview`
 * on 127.0.0.1, launch Debian's chromium (playwright-core) on a profile directory, and render a clip
 * through the rig both in Node (`RigController`, 128-sample blocks, everything applied before sample 0)
 * and in the page (`window.__namRigRenderOffline`, the rig worklet in an OfflineAudioContext).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, preview } from 'vite';
import type { BrowserContext, Page } from 'playwright-core';
import { RigController } from '../../src/dsp/engine/rig-controller.ts';
import type { KernelChoice, NamFile } from '../../src/dsp/nam/index.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const ROOT = resolve(__dirname, '../..');
export const haveChromium = existsSync(CHROMIUM);
export const RATE = 48000;
export const BLOCK = 128;

export interface ServedApp {
  readonly url: string;
  close(): Promise<void>;
}

/** Builds the app into `work/dist` and serves it on a free port. */
export async function buildAndServe(work: string): Promise<ServedApp> {
  const outDir = join(work, 'dist');
  const configFile = join(ROOT, 'vite.config.ts');
  await build({ root: ROOT, configFile, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  const server = await preview({ root: ROOT, configFile, logLevel: 'silent', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
  return { url: server.resolvedUrls?.local[0] ?? '', close: () => server.close() };
}

/** Chromium on its own profile directory (a fresh directory is a fresh user: empty IndexedDB). */
export async function launchChromium(profileDir: string, extraArgs: readonly string[] = []): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', ...extraArgs],
    viewport: { width: 1200, height: 900 },
  });
}

export interface RigSettings {
  /** The model as .nam text (Node also takes a parsed file). */
  model: string | NamFile;
  ir?: { samples: Float32Array; sampleRate: number } | undefined;
  params: Record<string, number>;
  input: Float32Array;
  kernels: 'auto' | KernelChoice;
}

/** The Node engine's render, the way the worklet does it: everything applied before sample 0. */
export function renderNode(s: RigSettings): { output: Float32Array; kernels: string | null } {
  const c = new RigController({ sampleRate: RATE, maxBlockSize: BLOCK, model: s.model, params: s.params, kernels: s.kernels });
  if (s.ir) c.loadIr(s.ir.samples, s.ir.sampleRate);
  const out = new Float32Array(s.input.length);
  for (let at = 0; at < s.input.length; at += BLOCK) {
    const n = Math.min(BLOCK, s.input.length - at);
    c.engine.process(s.input.subarray(at, at + n), out.subarray(at, at + n), n);
  }
  return { output: out, kernels: c.model?.kernels ?? null };
}

interface BrowserRenderArg {
  modelText: string;
  params: Record<string, number>;
  input: number[];
  kernels: 'auto' | KernelChoice;
  ir: { samples: number[]; sampleRate: number } | null;
}

/** The page's render of the same settings (the model as text) through the rig worklet. */
export async function renderBrowser(page: Page, s: RigSettings & { model: string }): Promise<{ output: Float32Array; kernels: string | null; errors: string[] }> {
  const arg: BrowserRenderArg = {
    modelText: s.model,
    params: s.params,
    input: Array.from(s.input),
    kernels: s.kernels,
    ir: s.ir ? { samples: Array.from(s.ir.samples), sampleRate: s.ir.sampleRate } : null,
  };
  const r = await page.evaluate<{ output: number[]; kernels: string | null; errors: string[] }, BrowserRenderArg>(
    async (a) => {
      const render = window.__namRigRenderOffline;
      if (!render) throw new Error('window.__namRigRenderOffline is missing');
      const res = await render({
        modelText: a.modelText,
        params: a.params,
        input: Float32Array.from(a.input),
        kernels: a.kernels,
        ...(a.ir ? { ir: { samples: Float32Array.from(a.ir.samples), sampleRate: a.ir.sampleRate } } : {}),
      });
      return { output: Array.from(res.output), kernels: res.kernels, errors: res.errors };
    },
    arg,
  );
  return { output: Float32Array.from(r.output), kernels: r.kernels, errors: r.errors };
}

export function maxDiff(a: Float32Array, b: Float32Array): { max: number; at: number } {
  let max = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= max)) {
      max = d;
      at = i;
    }
  }
  return { max, at };
}

export const peak = (x: Float32Array): number => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
