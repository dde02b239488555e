/**
 * Model files that arrive broken, and the CDN out of reach: the alert names
 * the file and says what to do, and Local brings the models back. (A
 * missing folder and one that answers HTML: model-errors.test.ts.)
 */
import type { Page, Route } from 'playwright-core';
import { expect, test } from 'vitest';
import { useApp } from './helpers';
import { MODELS_TIMEOUT_MS, visibleAlerts, waitForModelsReady } from './page';

const app = useApp();

/** The model files the CDN source asks for, at face-api's pinned version. */
const CDN_MODELS =
  /^https:\/\/cdn\.jsdelivr\.net\/npm\/@vladmandic\/face-api@[\d.]+\/model\//;

/** Chooses `source` (and its URL) and presses Load models. */
async function loadFrom(page: Page, source: string, url = ''): Promise<void> {
  await page
    .getByRole('combobox', { name: 'Model source' })
    .selectOption({ label: source });
  if (url !== '') {
    await page.getByRole('textbox', { name: 'Custom model URL' }).fill(url);
  }
  await page.getByRole('button', { name: 'Load models' }).click();
}

/** The Models section's alert, once it shows. */
async function modelAlert(page: Page): Promise<string> {
  const alert = page.getByRole('region', { name: 'Models' }).getByRole('alert');
  await alert.waitFor({ state: 'visible', timeout: MODELS_TIMEOUT_MS });

  return (await alert.textContent()) ?? '';
}

/**
 * Serves /broken-models/ from our /models/, with `spoil` applied to each
 * file's bytes.
 */
async function serveSpoiled(
  spoil: (path: string, body: Buffer) => Buffer,
): Promise<void> {
  const { context, server } = app;
  await context.unrouteAll();
  await context.route('**/broken-models/**', async (route: Route) => {
    const path = new URL(route.request().url()).pathname.replace(
      '/broken-models/',
      '/models/',
    );
    const response = await route.fetch({ url: `${server.origin}${path}` });
    await route.fulfill({
      response,
      body: spoil(path, await response.body()),
    });
  });
}

test('the CDN out of reach: the alert names the file and suggests Local', async () => {
  const { context, page } = app;
  await waitForModelsReady(page);
  // As with no network: every request to the CDN fails before an answer.
  await context.route(CDN_MODELS, (route) =>
    route.abort('internetdisconnected'),
  );

  await loadFrom(page, 'CDN (jsDelivr)');
  const text = await modelAlert(page);

  expect(text).toMatch(
    /cdn\.jsdelivr\.net\/npm\/@vladmandic\/face-api@[\d.]+\/model\/[\w-]+_manifest\.json could not be reached/,
  );
  expect(text).toContain('switch Model source to Local');
  await context.unrouteAll();
});

test('a truncated weights file is called truncated, with its URL', async () => {
  const { page } = app;
  await serveSpoiled((path, body) =>
    path.endsWith('.json') ? body : body.subarray(0, body.length >> 1),
  );

  await loadFrom(page, 'Custom URL', '/broken-models/');
  const text = await modelAlert(page);

  expect(text).toMatch(/\/broken-models\/[\w-]+\.bin/);
  expect(text).toMatch(/truncated/);
  expect(text).toMatch(/choose another Model source \(Local/);
});

test('a manifest that is not JSON is called invalid, with its URL', async () => {
  const { page } = app;
  await serveSpoiled((path, body) =>
    path.endsWith('.json') ? Buffer.from('{"weightsManifest": [') : body,
  );

  await page.getByRole('button', { name: 'Load models' }).click();
  const text = await modelAlert(page);

  expect(text).toMatch(/\/broken-models\/[\w-]+_manifest\.json/);
  expect(text).toMatch(/not a valid weights manifest/);
  expect(text).toMatch(/choose another model source/);
});

test('going back to Local loads the models again', async () => {
  const { context, page } = app;
  await context.unrouteAll();
  await loadFrom(page, 'Local');

  await waitForModelsReady(page);
  expect(await visibleAlerts(page)).toEqual([]);
});
