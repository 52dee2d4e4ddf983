/**
 * End-to-end test of the web app's audio path: build the app, serve it with `vite preview` on
 * 127.0.0.1, drive Debian's chromium (playwright-core), and
 *  - render a DI clip through the rig AudioWorklet inside an OfflineAudioContext at 48 kHz
 *    (`window.__namRigRenderOffline`, model/IR/params applied before the first sample) and compare it
 *    sample by sample, from sample 0, with the Node engine (`RigController` + `RigEngine`, same
 *    settings, 128-sample blocks);
 *  - open the app, check the default model loads on startup, play a DI file through the live
 *    AudioContext until the output meter moves, and screenshot to out/screenshots/app-audio.png.
 * Skipped, with a message, when /usr/bin/chromium is missing (`apt-get install -y chromium`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import type { BrowserContext, Page } from 'playwright-core';
import { RigController } from '../../src/dsp/engine/rig-controller.ts';
import { decodeWav } from '../../src/dsp/io/wav-read.ts';
import type { KernelChoice } from '../../src/dsp/nam/index.ts';
import { SHARED } from '../helpers/fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(__dirname, '../..');
const SCREENSHOT = join(ROOT, 'out/screenshots/app-audio.png');
const DEFAULT_MODEL = join(ROOT, 'presets/models/nam-rig-default.nam');
const DI = join(SHARED, 'di/jazz-hop-guitar.wav');
const IR = join(SHARED, 'irs/celestion.wav');
const RATE = 48000;
const BLOCK = 128;
const haveChromium = existsSync(CHROMIUM);

if (!haveChromium) console.warn(`e2e-audio: skipped, ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);

interface Settings {
  modelText: string;
  ir?: { samples: Float32Array; sampleRate: number };
  params: Record<string, number>;
  input: Float32Array;
  kernels: 'auto' | KernelChoice;
}

/** The Node engine's render, the way the worklet does it: everything applied before sample 0. */
function renderNode(s: Settings): { output: Float32Array; kernels: string | null } {
  const c = new RigController({ sampleRate: RATE, maxBlockSize: BLOCK, model: s.modelText, params: s.params, kernels: s.kernels });
  if (s.ir) c.loadIr(s.ir.samples, s.ir.sampleRate);
  const out = new Float32Array(s.input.length);
  for (let at = 0; at < s.input.length; at += BLOCK) {
    const n = Math.min(BLOCK, s.input.length - at);
    c.engine.process(s.input.subarray(at, at + n), out.subarray(at, at + n), n);
  }
  return { output: out, kernels: c.model?.kernels ?? null };
}

async function renderBrowser(page: Page, s: Settings): Promise<{ output: Float32Array; kernels: string | null; errors: string[] }> {
  const r = await page.evaluate(
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
    {
      modelText: s.modelText,
      params: s.params,
      input: Array.from(s.input),
      kernels: s.kernels,
      ir: s.ir ? { samples: Array.from(s.ir.samples), sampleRate: s.ir.sampleRate } : null,
    },
  );
  return { output: Float32Array.from(r.output), kernels: r.kernels, errors: r.errors };
}

function maxDiff(a: Float32Array, b: Float32Array): { max: number; at: number } {
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

const peak = (x: Float32Array): number => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe.skipIf(!haveChromium)('web app audio in chromium', () => {
  let work = '';
  let server: PreviewServer | undefined;
  let context: BrowserContext | undefined;
  let url = '';
  let modelText = '';
  let di = new Float32Array(0);

  beforeAll(async () => {
    modelText = readFileSync(DEFAULT_MODEL, 'utf8');
    const wav = decodeWav(new Uint8Array(readFileSync(DI)));
    expect(wav.sampleRate).toBe(RATE);
    // 0.75 s of playing (skip the file's lead-in), not a multiple of 128: the last block is partial in Node.
    di = wav.channels[0]!.slice(RATE, RATE + 36_000);
    work = mkdtempSync(join(tmpdir(), 'nam-rig-e2e-audio-'));
    const outDir = join(work, 'dist');
    await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    server = await preview({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'silent', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
    url = server.resolvedUrls?.local[0] ?? '';
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
      viewport: { width: 1200, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const cases: { name: string; settings: () => Settings }[] = [
    { name: 'default params, no IR', settings: () => ({ modelText, params: {}, input: di, kernels: 'simd' }) },
    {
      name: 'knobs moved, with an IR',
      settings: () => {
        const ir = decodeWav(new Uint8Array(readFileSync(IR)));
        return {
          modelText,
          params: { 'tone.bass': 7, 'tone.treble': 3, 'input.gain': 6, 'output.gain': -3 },
          ir: { samples: ir.channels[0]!, sampleRate: ir.sampleRate },
          input: di,
          kernels: 'simd',
        };
      },
    },
  ];

  for (const c of cases) {
    it(`renders the DI clip in an OfflineAudioContext like the Node engine (${c.name})`, async () => {
      const page = await context!.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(url);
      await page.waitForFunction(() => typeof window.__namRigRenderOffline === 'function');
      const s = c.settings();
      const node = renderNode(s);
      const web = await renderBrowser(page, s);
      expect(web.errors).toEqual([]);
      expect(web.kernels).toBe(node.kernels);
      expect(web.output.length).toBe(node.output.length);
      const { max, at } = maxDiff(web.output, node.output);
      // The clip ends in a partial block: Node renders it with n < 128, the browser with a full quantum.
      const full = Math.floor(s.input.length / BLOCK) * BLOCK;
      const inFull = maxDiff(web.output.subarray(0, full), node.output.subarray(0, full)).max;
      console.log(`e2e-audio [${c.name}]: kernels ${web.kernels}, output peak ${peak(node.output).toFixed(4)}, max |browser − node| = ${max.toExponential(3)} at sample ${at}; over the ${full} samples of whole blocks ${inFull.toExponential(3)}`);
      expect(peak(node.output)).toBeGreaterThan(1e-3);
      expect(max).toBeLessThanOrEqual(1e-6);
      expect(pageErrors).toEqual([]);
      await page.close();
    });
  }

  it('browser default kernels (relaxed SIMD when available) stay close to the Node render', async () => {
    const page = await context!.newPage();
    await page.goto(url);
    await page.waitForFunction(() => typeof window.__namRigRenderOffline === 'function');
    const s: Settings = { modelText, params: {}, input: di, kernels: 'auto' };
    const node = renderNode({ ...s, kernels: 'simd' });
    const web = await renderBrowser(page, s);
    const { max } = maxDiff(web.output, node.output);
    console.log(`e2e-audio [auto kernels]: browser ${web.kernels} vs node simd, max diff ${max.toExponential(3)}`);
    expect(web.errors).toEqual([]);
    expect(max).toBeLessThan(web.kernels === 'simd' ? 1e-6 : 1e-3);
    await page.close();
  });

  it('loads the default model on startup, plays a DI file through the worklet, screenshot', async () => {
    const page = await context!.newPage();
    const pageErrors: string[] = [];
    const consoleErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(url);
    const info = page.getByTestId('model-info');
    await info.waitFor();
    expect((await info.textContent()) ?? '').toContain('nam-rig Default Drive');

    await page.getByRole('radio', { name: 'DI file' }).click();
    await page.setInputFiles('[data-testid="di-input"]', DI);
    await page.getByRole('button', { name: 'Play' }).click();
    const out = page.getByRole('meter', { name: 'Out level' });
    await expect.poll(async () => Number(await out.getAttribute('aria-valuenow')), { timeout: 15_000 }).toBeGreaterThan(-60);
    expect(await page.evaluate(() => document.querySelector('[role="alert"]')?.textContent ?? null)).toBeNull();

    mkdirSync(join(ROOT, 'out/screenshots'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
