/**
 * The inference worker dies while the camera runs: once with an uncaught
 * error, once by closing itself (no error event at all). Each time it is
 * restarted on the same config, the status line says so, the live view
 * resumes, and the gallery is as it was, in the panel and in the worker
 * (faces are "nobody close enough", not "nobody enrolled").
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page, Worker } from 'playwright-core';
import { beforeAll, expect } from 'vitest';
import { useApp } from './helpers';
import {
  CLIP_FACES,
  faceRows,
  startCamera,
  waitFor,
  waitForFaces,
  waitForModelsReady,
  waitForResultWith,
} from './page';

const app = useApp();

const dir = fileURLToPath(new URL('../.cache/e2e/hardening/', import.meta.url));
/** Someone nobody in the clip looks like: one random unit descriptor. */
const STRANGER = `${dir}stranger.json`;

beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  let seed = 7;
  const random = (): number => {
    seed = (seed * 16807) % 2147483647;

    return seed / 2147483647 - 0.5;
  };
  const descriptor = Array.from({ length: 128 }, random);
  const norm = Math.hypot(...descriptor);
  // face-api's LabeledFaceDescriptors JSON.
  writeFileSync(
    STRANGER,
    JSON.stringify({
      label: 'Stranger',
      descriptors: [descriptor.map((x) => x / norm)],
    }),
  );
});

const STEP_MS = 60_000;

/** The inference worker (WASM threads have workers of their own). */
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

/** Waits until some face in view is Unknown for `reason`. */
async function waitForUnknownBecause(page: Page, reason: string) {
  await waitFor(
    page,
    `a face that is Unknown because "${reason}"`,
    async () => {
      for (const row of await faceRows(page).all()) {
        const name = row.getByRole('definition').first();
        if ((await name.getAttribute('title').catch(() => null)) === reason) {
          return true;
        }
      }

      return false;
    },
    STEP_MS,
  );
}

/** After a restart: ready again, faces analysed, the gallery intact. */
async function expectResumed(page: Page): Promise<void> {
  await waitForModelsReady(page);
  await waitForResultWith(page, CLIP_FACES);
  await waitForUnknownBecause(page, 'nobody close enough');
  await expect(
    page.getByRole('list', { name: 'People' }).getByRole('listitem').count(),
  ).resolves.toBe(1);
  await expect(
    page.getByRole('button', { name: 'Stop camera' }).count(),
  ).resolves.toBe(1);
}

app.step(
  'models load, one person is enrolled and the camera runs',
  async () => {
    const { page } = app;
    await waitForModelsReady(page);
    await page.getByLabel('Import gallery').setInputFiles(STRANGER);
    await page.getByRole('button', { name: 'Apply import' }).click();
    await page
      .getByRole('listitem', { name: 'Stranger' })
      .waitFor({ timeout: 10_000 });

    await startCamera(page);
    await waitForFaces(page, CLIP_FACES);
    await waitForUnknownBecause(page, 'nobody close enough');
  },
  STEP_MS,
);

app.step(
  'a worker that throws is restarted and the live view resumes',
  async () => {
    const { page } = app;
    const worker = inferenceWorker(page);
    await worker.evaluate(() => {
      setTimeout(() => {
        throw new Error('boom');
      });
    });

    await statusLine(page)
      .getByText(/The analysis worker stopped \(.*boom\) and was restarted/)
      .waitFor({ timeout: 10_000 });
    await expectResumed(page);
    expect(inferenceWorker(page)).not.toBe(worker);
  },
  STEP_MS,
);

app.step(
  'a worker that closes itself, with no error event, is restarted too',
  async () => {
    const { page } = app;
    const worker = inferenceWorker(page);
    // The worker is gone before it could answer: nothing to wait for.
    await worker.evaluate(() => self.close()).catch(() => undefined);

    await statusLine(page)
      .getByText('The analysis worker stopped (it closed) and was restarted')
      .waitFor({ timeout: 10_000 });
    await expectResumed(page);
  },
  STEP_MS,
);
