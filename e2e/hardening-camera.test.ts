/**
 * A camera that is not there, one another application holds, and one that
 * is unplugged while it runs: each shows its sentence and a Retry camera
 * button that works once the camera is back, and the rest of the app (models,
 * photos) carries on meanwhile. (A denied camera: camera-denied.test.ts.)
 *
 * getUserMedia is wrapped before the app loads: it fails with the
 * DOMException the browser throws in each case while `cameraFaults.failWith`
 * is set, and keeps the streams it opens so a test can end their tracks.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { samplePhotoPath } from './clip';
import { useApp } from './helpers';
import { CLIP_FACES, waitForModelsReady, waitForResultWith } from './page';

/** What the wrapped getUserMedia reads and records. */
interface CameraFaults {
  /** The DOMException name to fail with, or null to open the camera. */
  failWith: string | null;
  streams: MediaStream[];
}

function wrapGetUserMedia(): void {
  const devices = navigator.mediaDevices;
  const open = devices.getUserMedia.bind(devices);
  const faults: CameraFaults = { failWith: null, streams: [] };
  (window as unknown as { cameraFaults: CameraFaults }).cameraFaults = faults;
  devices.getUserMedia = async (constraints) => {
    if (faults.failWith !== null) {
      throw new DOMException(`Test: ${faults.failWith}`, faults.failWith);
    }
    const stream = await open(constraints);
    faults.streams.push(stream);

    return stream;
  };
}

const app = useApp({ initScript: wrapGetUserMedia });

const STEP_MS = 60_000;

function failWith(page: Page, name: string | null): Promise<void> {
  return page.evaluate((name) => {
    (
      window as unknown as { cameraFaults: CameraFaults }
    ).cameraFaults.failWith = name;
  }, name);
}

function cameraPanel(page: Page) {
  return page.getByRole('region', { name: 'Camera' });
}

/** Waits for the Camera section's alert to say `message`. */
async function cameraAlert(page: Page, message: RegExp): Promise<void> {
  const alert = cameraPanel(page).getByRole('alert');
  await alert.filter({ hasText: message }).waitFor({ timeout: 15_000 });
  await cameraPanel(page)
    .getByRole('button', { name: 'Retry camera' })
    .waitFor({ timeout: 5_000 });
  // Failed, so the button offers to start again.
  await cameraPanel(page)
    .getByRole('button', { name: 'Start camera' })
    .waitFor({ timeout: 5_000 });
}

/** Retry camera with the camera back: it runs and faces are analysed. */
async function retryWorks(page: Page): Promise<void> {
  await failWith(page, null);
  await page.getByRole('button', { name: 'Retry camera' }).click();
  await page
    .getByRole('button', { name: 'Stop camera' })
    .waitFor({ timeout: 15_000 });
  await expect(cameraPanel(page).getByRole('alert').count()).resolves.toBe(0);
  await waitForResultWith(page, CLIP_FACES);
}

app.step(
  'models load',
  async () => {
    await waitForModelsReady(app.page);
  },
  STEP_MS,
);

app.step(
  'no camera: its message, and photos still work',
  async () => {
    const { page } = app;
    await failWith(page, 'NotFoundError');
    await page.getByRole('button', { name: 'Start camera' }).click();
    await cameraAlert(page, /^No camera was found\. .*Retry camera/);

    await page.getByLabel('Analyse photo').setInputFiles(samplePhotoPath(1));
    await page
      .getByText('Showing sample1.jpg: 3 faces.')
      .waitFor({ timeout: STEP_MS });
    await page.getByRole('button', { name: 'Back to camera' }).click();
    await cameraAlert(page, /^No camera was found/);
  },
  STEP_MS,
);

app.step(
  'a camera in use by another application: its message, then Retry works',
  async () => {
    const { page } = app;
    await failWith(page, 'NotReadableError');
    await page.getByRole('button', { name: 'Retry camera' }).click();
    await cameraAlert(page, /^The camera is in use by another application/);

    await retryWorks(page);
  },
  STEP_MS,
);

app.step(
  'a camera unplugged while running: its message, then Retry works',
  async () => {
    const { page } = app;
    // An unplugged camera's track ends and fires "ended". stop() ends it
    // but fires nothing (the spec keeps that for ends the page did not
    // ask for), so the test fires the event itself.
    await page.evaluate(() => {
      const { streams } = (window as unknown as { cameraFaults: CameraFaults })
        .cameraFaults;
      for (const track of streams.at(-1)?.getVideoTracks() ?? []) {
        track.stop();
        track.dispatchEvent(new Event('ended'));
      }
    });
    await cameraAlert(page, /^The camera stopped sending video/);
    await expect(
      page.getByText('Models ready', { exact: true }).count(),
    ).resolves.toBe(1);

    await retryWorks(page);
  },
  STEP_MS,
);
