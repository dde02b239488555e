/**
 * The UI contract (docs/ui-contract.md) as locators and waits: controls
 * found by role and label, and waits on conditions that stop early, with the
 * app's own words, when an alert shows instead.
 */
import type { Locator, Page } from 'playwright-core';
import { MODELS } from '../src/engine/models';

/** Models load from our own server in a few seconds; allow for a slow CI. */
export const MODELS_TIMEOUT_MS = 60_000;

/**
 * The worker runs WASM on two cores here: the first result with every stage
 * on can take a while after the camera starts.
 */
export const FACES_TIMEOUT_MS = 60_000;

/** The faces in the fake camera clip (sample1.jpg). */
export const CLIP_FACES = 3;

/** The text of a `<select>`'s chosen option. */
export function selectedLabel(select: Locator): Promise<string> {
  return select.evaluate(
    (el: HTMLSelectElement) => el.selectedOptions[0]?.text ?? '',
  );
}

/** The progress bar of every model, by its accessible name. */
export function modelProgressBars(page: Page): Locator[] {
  return MODELS.map((model) =>
    page.getByRole('progressbar', { name: model.label, exact: true }),
  );
}

/**
 * Waits until `condition` holds, polling. Fails at once, with the alert's
 * words, when the app shows an alert instead: a broken worker or a failed
 * model load then costs a second, not the whole timeout.
 */
export async function waitFor(
  page: Page,
  what: string,
  condition: () => Promise<boolean>,
  timeout: number,
): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await condition()) return;
    const alerts = await visibleAlerts(page);
    if (alerts.length > 0) {
      throw new Error(
        `Waiting for ${what}, the app showed: ${alerts.join(' | ')}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeout / 1000} s waiting for ${what}.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The text of every alert on the page that is showing. */
export async function visibleAlerts(page: Page): Promise<string[]> {
  const texts: string[] = [];
  for (const alert of await page.getByRole('alert').all()) {
    const text = (await alert.textContent())?.trim();
    if (text && (await alert.isVisible())) texts.push(text);
  }

  return texts;
}

/** Waits until the Models section says "Models ready". */
export async function waitForModelsReady(page: Page): Promise<void> {
  const ready = page.getByText('Models ready', { exact: true });
  await waitFor(
    page,
    '"Models ready"',
    () => ready.isVisible(),
    MODELS_TIMEOUT_MS,
  );
}

/** Presses Start camera and waits for the button to offer Stop camera. */
export async function startCamera(page: Page): Promise<void> {
  await page
    .getByRole('button', { name: 'Start camera' })
    .click({ timeout: MODELS_TIMEOUT_MS });
  await page
    .getByRole('button', { name: 'Stop camera' })
    .waitFor({ state: 'visible', timeout: 15_000 });
}

/** The canvas every frame and overlay is drawn on. */
export function cameraView(page: Page): Locator {
  return page.getByRole('img', { name: 'Camera view' });
}

/** The rows of the Faces panel, one per face in view. */
export function faceRows(page: Page): Locator {
  return page
    .getByRole('list', { name: 'Faces in view' })
    .getByRole('listitem', { name: /^Face \d+$/ });
}

/** Waits until the canvas and the panel both show `count` faces. */
export async function waitForFaces(
  page: Page,
  count: number,
  timeout = FACES_TIMEOUT_MS,
): Promise<void> {
  const view = cameraView(page);
  await waitFor(
    page,
    `data-faces="${count}" on the canvas`,
    async () => (await view.getAttribute('data-faces')) === String(count),
    timeout,
  );
  await waitFor(
    page,
    `the Faces panel to list ${count} faces`,
    async () => (await faceRows(page).count()) === count,
    10_000,
  );
}

/** The overlay kinds the canvas says it drew in the last frame with a face. */
export async function drawnOverlays(page: Page): Promise<string[]> {
  const value = await cameraView(page).getAttribute('data-overlays');

  return (value ?? '').split(/\s+/).filter(Boolean);
}

/** The `visage:result` marks so far: faces and latency of each result. */
export interface ResultMark {
  faces: number;
  latencyMs: number;
}

export function resultMarks(page: Page): Promise<ResultMark[]> {
  return page.evaluate(() =>
    performance
      .getEntriesByName('visage:result')
      .map((entry) => (entry as PerformanceMark).detail as ResultMark),
  );
}

/** Waits until `count` more results have been drawn; returns those. */
export async function nextResults(
  page: Page,
  count: number,
  timeout = FACES_TIMEOUT_MS,
): Promise<ResultMark[]> {
  const before = (await resultMarks(page)).length;
  let seen: ResultMark[] = [];
  await waitFor(
    page,
    `${count} more visage:result marks`,
    async () => {
      seen = (await resultMarks(page)).slice(before);

      return seen.length >= count;
    },
    timeout,
  );

  return seen;
}

/**
 * Waits until a result drawn from now on has `faces` faces; returns every
 * result drawn meanwhile, the matching one last.
 */
export async function waitForResultWith(
  page: Page,
  faces: number,
  timeout = FACES_TIMEOUT_MS,
): Promise<ResultMark[]> {
  const before = (await resultMarks(page)).length;
  let seen: ResultMark[] = [];
  await waitFor(
    page,
    `a drawn result with ${faces} faces`,
    async () => {
      seen = (await resultMarks(page)).slice(before);
      const hit = seen.findIndex((result) => result.faces === faces);
      if (hit >= 0) seen = seen.slice(0, hit + 1);

      return hit >= 0;
    },
    timeout,
  );

  return seen;
}

/**
 * The term/definition pairs of one face row, e.g. { Name: 'Unknown',
 * Age: '31', ... }, read in one go so that a panel update cannot mix rows.
 */
export function faceFields(row: Locator): Promise<Record<string, string>> {
  return row.evaluate((item) => {
    const fields: Record<string, string> = {};
    for (const term of item.querySelectorAll('dt')) {
      const definition = term.nextElementSibling;
      if (definition?.tagName === 'DD') {
        fields[term.textContent?.trim() ?? ''] =
          definition.textContent?.trim() ?? '';
      }
    }

    return fields;
  });
}

/** The seven expression classes face-api scores, as the meters name them. */
export { EXPRESSIONS } from '../src/engine/types';
