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
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { decodeWav } from '../../src/dsp/io/wav-read.ts';
import { SHARED } from '../helpers/fixtures.ts';
import { BLOCK, buildAndServe, CHROMIUM, haveChromium, launchChromium, maxDiff, peak, RATE, renderBrowser, renderNode, ROOT, type RigSettings, type ServedApp } from '../helpers/web-app.ts';

const SCREENSHOT = join(ROOT, 'out/screenshots/app-audio.png');
const DEFAULT_MODEL = join(ROOT, 'presets/models/nam-rig-default.nam');
const DI = join(SHARED, 'di/jazz-hop-guitar.wav');
const IR = join(SHARED, 'irs/celestion.wav');

if (!haveChromium) console.warn(`e2e-audio: skipped, ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);

type Settings = RigSettings & { model: string };

describe.skipIf(!haveChromium)('web app audio in chromium', () => {
  let work = '';
  let server: ServedApp | undefined;
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
    server = await buildAndServe(work);
    url = server.url;
    context = await launchChromium(join(work, 'profile'), ['--autoplay-policy=no-user-gesture-required']);
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const cases: { name: string; settings: () => Settings }[] = [
    { name: 'default params, no IR', settings: () => ({ model: modelText, params: {}, input: di, kernels: 'simd' }) },
    {
      name: 'knobs moved, with an IR',
      settings: () => {
        const ir = decodeWav(new Uint8Array(readFileSync(IR)));
        return {
          model: modelText,
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
    const s: Settings = { model: modelText, params: {}, input: di, kernels: 'auto' };
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
