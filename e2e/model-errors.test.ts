/**
 * Model URLs that fail: the alert must name the URL and what came back, since
 * "the models did not load" alone leaves a person nowhere to go.
 */
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp } from './helpers';
import { MODELS_TIMEOUT_MS, visibleAlerts, waitForModelsReady } from './page';

const app = useApp();

/** Chooses Custom URL with `url` and presses Load models. */
async function loadFrom(page: Page, url: string): Promise<void> {
  await page
    .getByRole('combobox', { name: 'Model source' })
    .selectOption({ label: 'Custom URL' });
  await page.getByRole('textbox', { name: 'Custom model URL' }).fill(url);
  await page.getByRole('button', { name: 'Load models' }).click();
}

/** The text of the alert about `url`, once it shows. */
async function modelAlert(page: Page, url: string): Promise<string> {
  const deadline = Date.now() + MODELS_TIMEOUT_MS;
  let alerts: string[] = [];
  while (Date.now() < deadline) {
    alerts = await visibleAlerts(page);
    const about = alerts.find((text) => text.includes(url));
    if (about) return about;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  throw new Error(
    `No alert names ${url}; alerts showing: ${JSON.stringify(alerts)}.`,
  );
}

test('a missing model folder names the URL and HTTP 404', async () => {
  const { page } = app;
  await waitForModelsReady(page);

  await loadFrom(page, '/no-such-models/');
  const text = await modelAlert(page, '/no-such-models/');

  expect(text).toMatch(/_manifest\.json/);
  expect(text).toContain('404');
});

test('a folder that answers with HTML is called out as HTML', async () => {
  const { context, page } = app;
  // Our server answers unknown paths with a plain-text 404. Hosts with a
  // single-page-app fallback answer every path with index.html and 200:
  // make one folder behave like that, with our real index.html.
  const index = await (await page.request.get(`${app.server.origin}/`)).text();
  expect(index).toMatch(/<!doctype html>/i);
  await context.route('**/spa-fallback/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: index }),
  );

  await loadFrom(page, '/spa-fallback/');
  const text = await modelAlert(page, '/spa-fallback/');

  expect(text).toMatch(/HTML/);
  expect(text).toContain('200');
});

test('going back to Local loads the models again', async () => {
  const { page } = app;
  await page
    .getByRole('combobox', { name: 'Model source' })
    .selectOption({ label: 'Local' });
  await page.getByRole('button', { name: 'Load models' }).click();

  // The failed source's alert goes; "Models ready" comes back.
  await page
    .getByText('Models ready', { exact: true })
    .waitFor({ state: 'visible', timeout: MODELS_TIMEOUT_MS });
  expect(await visibleAlerts(page)).toEqual([]);
});
