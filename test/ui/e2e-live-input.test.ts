/**
 * End-to-end test of the web app's live input in Debian's chromium, with Chromium's fake capture
 * device (`--use-fake-device-for-media-stream`, a periodic beep) and its permission prompt answered
 * yes (`--use-fake-ui-for-media-stream`):
 *  - "Use audio input" opens the device; the In and Out meters move above silence (the signal goes
 *    through the rig worklet); the track the app obtained has echo cancellation, noise suppression
 *    and automatic gain control off (read from the stream itself: a pass-through spy keeps it);
 *  - while it plays, a model loaded through the file input is built in the worklet between render
 *    quanta and swapped in (the stepped path, since the context is running), and audio keeps flowing;
 *  - the failures show their one-line messages: permission denied (Chromium denying the prompt with
 *    `--deny-permission-prompts`, and getUserMedia rejecting with NotAllowedError), no device
 *    (NotFoundError).
 * Skipped, with a message, when /usr/bin/chromium is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { MODELS_DIR } from '../helpers/fixtures.ts';
import { buildAndServe, CHROMIUM, haveChromium, launchChromium, type ServedApp } from '../helpers/web-app.ts';
import { describeInputError } from '../../src/ui/audio-input.ts';

if (!haveChromium) console.warn(`e2e-live-input: skipped, ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);

const FAKE_DEVICE = '--use-fake-device-for-media-stream';

/** Keeps every stream getUserMedia hands the page, and the constraints it was asked for (a spy: the call goes through). */
const SPY = `(() => {
  const md = navigator.mediaDevices;
  const real = md.getUserMedia.bind(md);
  window.__gum = { streams: [], constraints: [] };
  md.getUserMedia = async (c) => {
    window.__gum.constraints.push(c);
    const s = await real(c);
    window.__gum.streams.push(s);
    return s;
  };
})();`;

/** getUserMedia rejecting the way the browser does when `name` happens. */
const rejectWith = (name: string) => `(() => {
  navigator.mediaDevices.getUserMedia = async () => { throw new DOMException('simulated', '${name}'); };
})();`;

declare global {
  interface Window {
    __gum?: { streams: MediaStream[]; constraints: MediaStreamConstraints[] };
  }
}

const meterDb = async (page: Page, name: 'In' | 'Out'): Promise<number> => Number(await page.getByRole('meter', { name: `${name} level` }).getAttribute('aria-valuenow'));

/** The loudest meter reading over a few seconds (the fake device beeps now and then). */
async function loudest(page: Page, name: 'In' | 'Out', ms = 4000): Promise<number> {
  let best = -Infinity;
  for (const end = Date.now() + ms; Date.now() < end; ) {
    best = Math.max(best, await meterDb(page, name));
    if (best > -50) break;
    await page.waitForTimeout(50);
  }
  return best;
}

async function openApp(context: BrowserContext, url: string, initScript?: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (initScript) await page.addInitScript(initScript);
  await page.goto(url);
  await page.getByTestId('model-info').waitFor();
  return { page, errors };
}

const alertText = (page: Page) => page.getByRole('alert').first().textContent({ timeout: 10_000 });

describe.skipIf(!haveChromium)('live input in chromium (fake capture device)', () => {
  let work = '';
  let server: ServedApp | undefined;
  let allowed: BrowserContext | undefined;
  let denied: BrowserContext | undefined;
  let url = '';

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'nam-rig-e2e-live-'));
    server = await buildAndServe(work);
    url = server.url;
    allowed = await launchChromium(join(work, 'profile-allowed'), [FAKE_DEVICE, '--use-fake-ui-for-media-stream']);
    denied = await launchChromium(join(work, 'profile-denied'), [FAKE_DEVICE, '--deny-permission-prompts']);
  }, 180_000);

  afterAll(async () => {
    await allowed?.close();
    await denied?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('plays the live input through the rig with voice processing off; a model swaps in while it plays', async () => {
    const { page, errors } = await openApp(allowed!, url, SPY);
    expect(await meterDb(page, 'In')).toBe(-60); // silence before any input
    await page.getByRole('button', { name: 'Use audio input' }).click();
    await page.getByText(/^Listening: /).waitFor({ timeout: 15_000 });

    const gum = await page.evaluate(() => {
      const g = window.__gum!;
      const track = g.streams[0]!.getAudioTracks()[0]!;
      const s = track.getSettings();
      return { calls: g.streams.length, asked: g.constraints[0], kind: track.kind, live: track.readyState, echoCancellation: s.echoCancellation, noiseSuppression: s.noiseSuppression, autoGainControl: s.autoGainControl };
    });
    expect(gum.calls).toBe(1);
    expect(gum.asked).toMatchObject({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false }, video: false });
    expect(gum).toMatchObject({ kind: 'audio', live: 'live', echoCancellation: false, noiseSuppression: false, autoGainControl: false });

    expect(await loudest(page, 'In')).toBeGreaterThan(-50);
    expect(await loudest(page, 'Out')).toBeGreaterThan(-50);
    expect(await page.evaluate(() => document.querySelector('[role="alert"]')?.textContent ?? null)).toBeNull();

    // A model load while the context runs: built in steps in the worklet, then crossfaded in.
    await page.setInputFiles('[data-testid="model-input"]', join(MODELS_DIR, 'deluxe.nam'));
    await expect.poll(async () => (await page.getByTestId('model-info').textContent()) ?? '', { timeout: 30_000 }).toContain('deluxe');
    expect(await page.getByTestId('status').textContent()).toBe('Loaded model deluxe');
    expect(await loudest(page, 'Out')).toBeGreaterThan(-50);
    expect(await page.evaluate(() => document.querySelector('[role="alert"]')?.textContent ?? null)).toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('says so when the browser denies the microphone (the permission prompt answered no)', async () => {
    const { page, errors } = await openApp(denied!, url);
    await page.getByRole('button', { name: 'Use audio input' }).click();
    expect(await alertText(page)).toBe(describeInputError({ name: 'NotAllowedError' }));
    expect(await page.getByText(/^Listening: /).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it.each([
    ['NotAllowedError', /^No permission to use the audio input: allow microphone access/],
    ['NotFoundError', /^No audio input device found: connect a microphone or audio interface/],
  ])('shows the %s message', async (name, expected) => {
    const { page, errors } = await openApp(allowed!, url, rejectWith(name));
    await page.getByRole('button', { name: 'Use audio input' }).click();
    const text = await alertText(page);
    expect(text).toMatch(expected);
    expect(text).toBe(describeInputError({ name }));
    expect(await meterDb(page, 'In')).toBe(-60);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
