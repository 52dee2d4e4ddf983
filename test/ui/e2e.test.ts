/**
 * End-to-end smoke test of the web app: build it, serve it with `vite preview` on 127.0.0.1, drive
 * Debian's chromium (playwright-core, no downloaded browser), load a `.nam` model through the file
 * input (after the default model the app loads on startup), check the metadata panel shows it, a bad file gives one error line, a knob answers the
 * keyboard; screenshot to out/screenshots/app.png.
 * Skipped, with a message, when /usr/bin/chromium is missing (`apt-get install -y chromium`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { MODELS_DIR } from '../helpers/fixtures.ts';
import { buildAndServe, CHROMIUM, haveChromium, launchChromium, ROOT, type ServedApp } from '../helpers/web-app.ts';

const SCREENSHOT = join(ROOT, 'out/screenshots/app.png');

if (!haveChromium) console.warn(`e2e: skipped, ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);

describe.skipIf(!haveChromium)('web app in chromium', () => {
  let work = '';
  let server: ServedApp | undefined;
  let context: BrowserContext | undefined;
  let url = '';

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'nam-rig-e2e-'));
    server = await buildAndServe(work);
    url = server.url;
    context = await launchChromium(join(work, 'profile'));
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('loads a model through the file input and shows its metadata', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await context!.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(url);
    // The app loads the project's default model on startup (through the AudioWorklet engine).
    await expect.poll(async () => (await page.getByTestId('model-info').textContent({ timeout: 30_000 })) ?? '').toContain('nam-rig Default Drive');

    // A bad file: one error line, nothing loaded.
    const bad = join(work, 'broken.nam');
    writeFileSync(bad, '{"version": "0.5.1", "architecture": ');
    await page.setInputFiles('[data-testid="model-input"]', bad);
    const status = page.getByTestId('status');
    await expect.poll(() => status.textContent()).toMatch(/^broken\.nam: not a \.nam file: the JSON is invalid or truncated/);

    await page.setInputFiles('[data-testid="model-input"]', join(MODELS_DIR, 'deluxe.nam'));
    const info = page.getByTestId('model-info');
    // The panel already shows the default model: wait until it shows the new one.
    await expect.poll(async () => (await info.textContent()) ?? '', { timeout: 30_000 }).toContain('deluxe');
    const text = (await info.textContent()) ?? '';
    expect(text).toContain('WaveNet');
    expect(text).toContain('13,802 weights');
    expect(text).toContain('48 kHz');
    expect(await status.textContent()).toBe('Loaded model deluxe');

    // A knob answers the keyboard and double-click.
    const bass = page.locator('[data-param="tone.bass"] [role="slider"]');
    await bass.focus();
    await page.keyboard.press('PageUp');
    expect(await bass.getAttribute('aria-valuenow')).toBe('6');
    await bass.dblclick();
    expect(await bass.getAttribute('aria-valuenow')).toBe('5');

    mkdirSync(join(ROOT, 'out/screenshots'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
