/**
 * End-to-end test of the preset library and share links in the web app (Debian's chromium through
 * playwright-core; the app built and served by test/helpers/web-app.ts):
 *  - on first run (a fresh profile) the library holds the factory presets;
 *  - a preset saved with "Save as…" is still there after a reload, and loads its settings back; the
 *    loudness-matched switch forces the output to Normalized when browsing; A/B switches the rig;
 *  - .namrig import by file picker and by drop; a bad bundle gives one clear error and adds nothing;
 *  - a share link made by the app, opened in a FRESH profile (new user-data-dir), is applied, and the
 *    rig it set renders (rig worklet, OfflineAudioContext) like the Node engine renders the same link
 *    (`loadPresetArg`, the path of `nam-rig render --preset LINK`) within 1e-6;
 *  - a tampered link shows a clear message and the default model stays loaded; so does a stored preset
 *    whose model was damaged in IndexedDB (the rig is left exactly as it was).
 * Screenshot: out/screenshots/app-library.png. Skipped when /usr/bin/chromium is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { decodeWav } from '../../src/dsp/io/wav-read.ts';
import { packBundle, parsePreset, unpackBundle } from '../../src/preset/index.ts';
import { loadPresetArg } from '../../src/cli/preset-command.ts';
import { SHARED } from '../helpers/fixtures.ts';
import { buildAndServe, haveChromium, launchChromium, maxDiff, peak, RATE, renderBrowser, renderNode, ROOT, type ServedApp } from '../helpers/web-app.ts';

const SCREENSHOT = join(ROOT, 'out/screenshots/app-library.png');
const DEFAULT_MODEL = readFileSync(join(ROOT, 'presets/models/nam-rig-default.nam'), 'utf8');
const FACTORY_NAMES = ['Default Drive + 4x12', 'Clean Edge + 1x12', 'Crunch Lead', 'Tight Rhythm (gate on)'];

if (!haveChromium) console.warn('e2e-presets: skipped, /usr/bin/chromium not found (install it with: apt-get install -y chromium)');

const rowNames = (page: Page): Promise<string[]> => page.locator('[data-testid="preset-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name') ?? ''));
const row = (page: Page, name: string) => page.locator(`[data-testid="preset-row"][data-name="${name}"]`);
const statusText = async (page: Page): Promise<string> => (await page.getByTestId('status').textContent({ timeout: 30_000 })) ?? '';
const currentRig = (page: Page) => page.evaluate(() => window.__namRigCurrentRig!());
const knob = (page: Page, id: string) => page.locator(`[data-param="${id}"] [role="slider"]`);

async function openApp(context: BrowserContext, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors };
}

describe.skipIf(!haveChromium)('preset library and share links in chromium', () => {
  let work = '';
  let app: ServedApp | undefined;
  const contexts: BrowserContext[] = [];
  let first: BrowserContext;
  let url = '';
  let shareLink = '';

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'nam-rig-e2e-presets-'));
    app = await buildAndServe(work);
    url = app.url;
    first = await launchChromium(join(work, 'profile-first'));
    contexts.push(first);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await app?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('fills the library with the factory presets on first run', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const { page, errors } = await openApp(first, url);
    await expect.poll(() => rowNames(page), { timeout: 30_000 }).toEqual(FACTORY_NAMES);
    await expect.poll(async () => (await page.getByTestId('model-info').textContent()) ?? '', { timeout: 30_000 }).toContain('nam-rig Default Drive');
    expect(await page.getByTestId('current-preset').textContent()).toBe('Default rig');
    // searching and filtering
    await page.getByLabel('Search presets').fill('clean');
    await expect.poll(() => rowNames(page)).toEqual(['Clean Edge + 1x12']);
    await page.getByLabel('Search presets').fill('');
    await page.getByLabel('Filter by tag').selectOption('lead');
    await expect.poll(() => rowNames(page)).toEqual(['Crunch Lead']);
    await page.getByLabel('Filter by tag').selectOption('');
    await page.getByLabel('Filter by gear').selectOption('nam-rig Clean Edge (amp)');
    await expect.poll(() => rowNames(page)).toEqual(['Clean Edge + 1x12']);
    await page.getByLabel('Filter by gear').selectOption('');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('saves a preset that is still in the library after a reload, with its settings', async () => {
    const { page, errors } = await openApp(first, url);
    await expect.poll(() => rowNames(page), { timeout: 30_000 }).toEqual(FACTORY_NAMES);
    await row(page, 'Crunch Lead').locator('.preset-load').click();
    await expect.poll(() => statusText(page)).toBe('Loaded preset Crunch Lead');
    expect(await knob(page, 'tone.mid').getAttribute('aria-valuenow')).toBe('7');
    // tweak: bass up one step, output mode Raw
    await knob(page, 'tone.bass').focus();
    await page.keyboard.press('PageUp');
    expect(await knob(page, 'tone.bass').getAttribute('aria-valuenow')).toBe('5.5');
    await page.locator('[data-param="output.mode"] [role="radio"]', { hasText: 'Raw' }).click();
    await expect.poll(async () => (await page.getByTestId('current-preset').textContent()) ?? '').toContain('Edited');
    await page.getByRole('button', { name: 'Save as…' }).click();
    await page.getByTestId('preset-name-input').fill('My crunch');
    await page.getByTestId('preset-tags-input').fill('test, live');
    await page.getByRole('button', { name: 'Save', exact: true }).last().click();
    await expect.poll(() => statusText(page)).toBe('Saved preset My crunch');
    expect(await rowNames(page)).toEqual([...FACTORY_NAMES, 'My crunch']);

    await page.reload();
    await expect.poll(() => rowNames(page), { timeout: 30_000 }).toEqual([...FACTORY_NAMES, 'My crunch']);
    expect(await knob(page, 'tone.bass').getAttribute('aria-valuenow')).toBe('5'); // the default rig after a reload
    await row(page, 'My crunch').locator('.preset-load').click();
    await expect.poll(() => statusText(page)).toBe('Loaded preset My crunch');
    expect(await knob(page, 'tone.bass').getAttribute('aria-valuenow')).toBe('5.5');
    expect(await knob(page, 'tone.mid').getAttribute('aria-valuenow')).toBe('7');
    expect((await currentRig(page)).params['output.mode']).toBe(0);
    expect((await row(page, 'My crunch').textContent()) ?? '').toContain('test, live');

    // loudness-matched browsing forces Normalized; off, the preset's own mode comes back
    await page.getByRole('switch', { name: 'Loudness-matched' }).click();
    expect((await currentRig(page)).params['output.mode']).toBe(1);
    await page.getByRole('button', { name: 'Previous preset' }).click();
    await expect.poll(() => statusText(page)).toBe('Loaded preset Tight Rhythm (gate on) (loudness-matched)');
    await page.getByRole('button', { name: 'Next preset' }).click();
    await expect.poll(() => statusText(page)).toBe('Loaded preset My crunch (loudness-matched)');
    expect((await currentRig(page)).params['output.mode']).toBe(1);
    await page.getByRole('switch', { name: 'Loudness-matched' }).click();
    await page.getByRole('button', { name: 'Next preset' }).click(); // wraps around to the first
    await expect.poll(() => statusText(page)).toBe('Loaded preset Default Drive + 4x12');
    await page.getByRole('button', { name: 'Previous preset' }).click();
    await expect.poll(() => statusText(page)).toBe('Loaded preset My crunch');
    expect((await currentRig(page)).params['output.mode']).toBe(0);

    // rename, duplicate, delete
    await row(page, 'My crunch').getByRole('button', { name: 'Rename My crunch' }).click();
    await page.getByTestId('preset-name-input').fill('My crunch 2');
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    await expect.poll(() => rowNames(page)).toEqual([...FACTORY_NAMES, 'My crunch 2']);
    expect(await page.getByTestId('current-preset').textContent()).toContain('My crunch 2');
    await row(page, 'My crunch 2').getByRole('button', { name: 'Duplicate My crunch 2' }).click();
    await expect.poll(() => rowNames(page)).toEqual([...FACTORY_NAMES, 'My crunch 2', 'My crunch 2 copy']);
    await row(page, 'My crunch 2 copy').getByRole('button', { name: 'Delete My crunch 2 copy' }).click();
    await row(page, 'My crunch 2 copy').getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => rowNames(page)).toEqual([...FACTORY_NAMES, 'My crunch 2']);

    // Save writes over the loaded user preset
    await knob(page, 'tone.treble').focus();
    await page.keyboard.press('PageUp');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => statusText(page)).toBe('Saved preset My crunch 2');
    await page.reload();
    await expect.poll(() => rowNames(page), { timeout: 30_000 }).toEqual([...FACTORY_NAMES, 'My crunch 2']);
    await row(page, 'My crunch 2').locator('.preset-load').click();
    await expect.poll(() => statusText(page)).toBe('Loaded preset My crunch 2');
    expect(await knob(page, 'tone.treble').getAttribute('aria-valuenow')).toBe('7');
    expect(await knob(page, 'tone.bass').getAttribute('aria-valuenow')).toBe('5.5');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('imports .namrig bundles by file picker and by drop; a bad bundle gives one clear error', async () => {
    const { page, errors } = await openApp(first, url);
    await expect.poll(async () => (await rowNames(page)).length, { timeout: 30_000 }).toBe(5);
    const clean = parsePreset(readFileSync(join(ROOT, 'presets/factory/clean-edge-1x12.json'), 'utf8'));
    const model = readFileSync(join(ROOT, 'presets/models/nam-rig-clean-edge.nam'), 'utf8');
    const ir = new Uint8Array(readFileSync(join(ROOT, 'presets/irs/nam-rig-1x12-open.wav')));
    const bundle = await packBundle({ ...clean, name: 'Imported clean', tags: ['imported'] }, model, ir);
    const bundlePath = join(work, 'Imported clean.namrig');
    writeFileSync(bundlePath, bundle);
    await page.setInputFiles('[data-testid="bundle-input"]', bundlePath);
    await expect.poll(() => statusText(page)).toBe('Imported Imported clean');
    expect((await rowNames(page)).at(-1)).toBe('Imported clean');

    const bad = join(work, 'broken.namrig');
    writeFileSync(bad, bundle.subarray(0, bundle.length - 100));
    await page.setInputFiles('[data-testid="bundle-input"]', bad);
    await expect.poll(() => statusText(page)).toMatch(/^broken\.namrig was not imported: /);
    expect(await page.getByTestId('status').getAttribute('role')).toBe('alert');
    expect((await rowNames(page)).length).toBe(6);

    // dropped on the window
    const dropped = await packBundle({ ...clean, name: 'Dropped clean' }, model, ir);
    const dataTransfer = await page.evaluateHandle((bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'dropped.namrig'));
      return dt;
    }, Array.from(dropped));
    await page.dispatchEvent('body', 'drop', { dataTransfer });
    await expect.poll(() => statusText(page)).toBe('Imported Dropped clean');
    expect((await rowNames(page)).slice(-2)).toEqual(['Imported clean', 'Dropped clean']);

    // exported as a .namrig download that holds the same preset
    const [download] = await Promise.all([page.waitForEvent('download'), row(page, 'Imported clean').getByRole('button', { name: 'Export Imported clean' }).click()]);
    expect(download.suggestedFilename()).toBe('Imported clean.namrig');
    const exported = await unpackBundle(new Uint8Array(readFileSync((await download.path())!)));
    expect(exported.preset.name).toBe('Imported clean');
    expect(exported.preset.params).toEqual(clean.params);
    expect(exported.modelText).toBe(model);

    // A/B between two presets
    await page.getByLabel('Slot A').selectOption({ label: 'Crunch Lead' });
    await page.getByLabel('Slot B').selectOption({ label: 'Clean Edge + 1x12' });
    await page.getByRole('radio', { name: 'B', exact: true }).click();
    await expect.poll(async () => (await page.getByTestId('model-info').textContent()) ?? '', { timeout: 30_000 }).toContain('nam-rig Clean Edge');
    await page.getByRole('radio', { name: 'A', exact: true }).click();
    await expect.poll(async () => (await page.getByTestId('model-info').textContent()) ?? '', { timeout: 30_000 }).toContain('nam-rig Default Drive');
    expect((await currentRig(page)).params['tone.mid']).toBe(7); // Crunch Lead's

    mkdirSync(join(ROOT, 'out/screenshots'), { recursive: true });
    await row(page, 'Crunch Lead').hover();
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a share link opened in a fresh profile plays what the Node engine renders from the same link', async () => {
    const { page } = await openApp(first, url);
    await expect.poll(async () => (await rowNames(page)).length, { timeout: 30_000 }).toBeGreaterThan(4);
    await row(page, 'Clean Edge + 1x12').locator('.preset-load').click();
    await expect.poll(() => statusText(page)).toBe('Loaded preset Clean Edge + 1x12');
    await knob(page, 'tone.treble').focus();
    await page.keyboard.press('PageDown');
    await page.getByRole('button', { name: 'Share link' }).click();
    const linkBox = page.getByTestId('share-link');
    await linkBox.waitFor();
    shareLink = await linkBox.inputValue();
    expect(shareLink.startsWith(`${url}#p=1.`)).toBe(true);
    expect(page.url()).toBe(shareLink); // the link is also the page's URL now
    await page.close();

    const fresh = await launchChromium(join(work, 'profile-fresh'));
    contexts.push(fresh);
    const { page: opened, errors } = await openApp(fresh, shareLink);
    await expect.poll(() => statusText(opened), { timeout: 30_000 }).toBe('Opened shared preset Clean Edge + 1x12');
    await expect.poll(async () => (await opened.getByTestId('model-info').textContent()) ?? '', { timeout: 30_000 }).toContain('nam-rig Clean Edge');
    expect(await opened.getByTestId('current-preset').textContent()).toBe('Clean Edge + 1x12');
    expect(await knob(opened, 'tone.treble').getAttribute('aria-valuenow')).toBe('5.5');
    const rig = await opened.evaluate(() => {
      const r = window.__namRigCurrentRig!();
      return { modelText: r.modelText, params: r.params, ir: r.ir ? { samples: Array.from(r.ir.samples), sampleRate: r.ir.sampleRate } : null };
    });

    // Node: the link through the CLI's preset loader, rendered by the Node engine
    const loaded = await loadPresetArg(shareLink);
    expect(loaded.preset.params['tone.treble']).toBe(5.5);
    expect(rig.params).toEqual(loaded.preset.params);
    expect(rig.ir!.sampleRate).toBe(loaded.ir!.sampleRate);
    expect(Float32Array.from(rig.ir!.samples)).toEqual(loaded.ir!.samples);
    const wav = decodeWav(new Uint8Array(readFileSync(join(SHARED, 'di/jazz-hop-guitar.wav'))));
    const input = wav.channels[0]!.slice(RATE, RATE + 24_000);
    const node = renderNode({ model: loaded.model, ir: loaded.ir ?? undefined, params: loaded.preset.params, input, kernels: 'simd' });
    const web = await renderBrowser(opened, { model: rig.modelText!, ir: rig.ir ? { samples: Float32Array.from(rig.ir.samples), sampleRate: rig.ir.sampleRate } : undefined, params: rig.params, input, kernels: 'simd' });
    const { max, at } = maxDiff(web.output, node.output);
    console.log(`e2e-presets [share link]: ${shareLink.length}-character link, output peak ${peak(node.output).toFixed(4)}, max |browser − node| = ${max.toExponential(3)} at sample ${at}`);
    expect(web.errors).toEqual([]);
    expect(web.output.length).toBe(node.output.length);
    expect(peak(node.output)).toBeGreaterThan(1e-3);
    expect(max).toBeLessThanOrEqual(1e-6);
    // the fresh profile got its own factory presets
    expect(await rowNames(opened)).toEqual(FACTORY_NAMES);
    expect(errors).toEqual([]);
    await opened.close();
  });

  it('a tampered link shows a clear message and the default model stays', async () => {
    expect(shareLink).not.toBe('');
    const at = shareLink.indexOf('#p=1.') + 60;
    const tampered = shareLink.slice(0, at) + (shareLink[at] === 'A' ? 'B' : 'A') + shareLink.slice(at + 1);
    const fresh = await launchChromium(join(work, 'profile-tampered'));
    contexts.push(fresh);
    const { page, errors } = await openApp(fresh, tampered);
    await expect.poll(() => statusText(page), { timeout: 30_000 }).toBe(
      'This share link cannot be opened: the link is damaged or truncated: its checksum does not match (copy the whole link). The current rig was kept.',
    );
    expect(await page.getByTestId('status').getAttribute('role')).toBe('alert');
    await expect.poll(async () => (await page.getByTestId('model-info').textContent()) ?? '', { timeout: 30_000 }).toContain('nam-rig Default Drive');
    expect((await currentRig(page)).modelText).toBe(DEFAULT_MODEL);
    expect(await page.getByTestId('current-preset').textContent()).toBe('Default rig');

    // a stored preset whose model went bad (edited in IndexedDB): refused, the rig stays as it is
    await expect.poll(() => rowNames(page), { timeout: 30_000 }).toEqual(FACTORY_NAMES);
    const before = await currentRig(page);
    const broken = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('nam-rig-library');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction('models', 'readwrite');
            const store = tx.objectStore('models');
            let n = 0;
            store.openCursor().onsuccess = (e) => {
              const cursor = (e.target as IDBRequest<IDBCursorWithValue | null>).result;
              if (!cursor) return;
              const m = cursor.value as { fileName: string; text: string };
              if (m.fileName === 'nam-rig-clean-edge.nam') {
                cursor.update({ ...m, text: m.text.replace('"weights": [', '"weights": [0.25, ') });
                n++;
              }
              cursor.continue();
            };
            tx.oncomplete = () => {
              open.result.close();
              resolve(n);
            };
          };
        }),
    );
    expect(broken).toBe(1);
    await row(page, 'Clean Edge + 1x12').locator('.preset-load').click();
    await expect.poll(() => statusText(page)).toMatch(/^Preset "Clean Edge \+ 1x12" was not loaded, the rig is unchanged: model: .*weights/);
    expect(await currentRig(page)).toEqual(before);
    expect((await page.getByTestId('model-info').textContent()) ?? '').toContain('nam-rig Default Drive');
    expect(await page.getByTestId('current-preset').textContent()).toBe('Default rig');
    expect(errors).toEqual([]);
    await page.close();
  });
});
