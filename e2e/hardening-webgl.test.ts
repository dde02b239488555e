/**
 * The WebGL context is lost while analysis runs on WebGL (headless Chromium
 * has WebGL on SwiftShader): the worker says so, the app restarts it on
 * WASM, the status line says from what and why, and the live view works.
 *
 * To lose the context the test must reach it, and TensorFlow.js keeps it to
 * itself: the worker's script is served with a few lines in front that
 * record every WebGL context an OffscreenCanvas hands out. The test then
 * calls WEBGL_lose_context.loseContext() on them, which is what a GPU reset
 * looks like to the page.
 */
import type { Page, Worker } from 'playwright-core';
import { beforeAll, expect } from 'vitest';
import { useApp } from './helpers';
import {
  CLIP_FACES,
  MODELS_TIMEOUT_MS,
  startCamera,
  waitForModelsReady,
  waitForResultWith,
} from './page';

const app = useApp();

/** Put in front of the worker's script: keeps its WebGL contexts. */
const RECORD_WEBGL_CONTEXTS = `{
  const getContext = OffscreenCanvas.prototype.getContext;
  self.testWebglContexts = [];
  OffscreenCanvas.prototype.getContext = function (kind, ...rest) {
    const context = getContext.call(this, kind, ...rest);
    if (context && String(kind).startsWith('webgl')) {
      self.testWebglContexts.push(context);
    }
    return context;
  };
}
`;

beforeAll(async () => {
  await app.context.route('**/assets/inference.worker-*.js', async (route) => {
    const response = await route.fetch();
    const script = await response.text();
    await route.fulfill({ response, body: RECORD_WEBGL_CONTEXTS + script });
  });
  // The page loaded before the route: load it again through it.
  await app.page.reload();
});

const STEP_MS = 90_000;

function inferenceWorker(page: Page): Worker {
  const worker = page
    .workers()
    .filter((w) => w.url().includes('inference.worker'))
    .at(-1);
  if (!worker) throw new Error('No inference worker is running.');

  return worker;
}

function statusLine(page: Page) {
  return page.getByRole('status', { name: 'Status' });
}

app.step(
  'models load on WebGL',
  async () => {
    const { page } = app;
    await waitForModelsReady(page);
    await page
      .getByRole('combobox', { name: 'Backend' })
      .selectOption({ label: 'WebGL' });
    await page.getByRole('button', { name: 'Load models' }).click();
    await statusLine(page)
      .getByText('Backend: WebGL', { exact: true })
      .waitFor({ timeout: MODELS_TIMEOUT_MS });
  },
  STEP_MS,
);

app.step(
  'a lost WebGL context restarts analysis on WASM, which then runs',
  async () => {
    const { page } = app;
    const lost = await inferenceWorker(page).evaluate(() => {
      const contexts = (
        self as unknown as { testWebglContexts: WebGLRenderingContext[] }
      ).testWebglContexts;
      let count = 0;
      for (const gl of contexts) {
        const extension = gl.getExtension('WEBGL_lose_context');
        if (extension && !gl.isContextLost()) {
          extension.loseContext();
          count++;
        }
      }

      return count;
    });
    expect(lost).toBeGreaterThan(0);

    await statusLine(page)
      .getByText(/The WebGL context was lost .* restarted on WASM/)
      .waitFor({ timeout: 10_000 });
    await statusLine(page)
      .getByText(
        /^Backend: WASM \(.*fell back from WebGL: its context was lost\)$/,
      )
      .waitFor({ timeout: MODELS_TIMEOUT_MS });
    await waitForModelsReady(page);

    await startCamera(page);
    await waitForResultWith(page, CLIP_FACES);
    // The setting is left as chosen: Load models tries WebGL again.
    await expect(
      page.getByRole('combobox', { name: 'Backend' }).inputValue(),
    ).resolves.toBe('webgl');
  },
  STEP_MS,
);
