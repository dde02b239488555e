/**
 * One live run of one contender in a fresh browser context: the app as a
 * person runs it (gallery imported through the UI, Start camera), or a peer
 * page that starts by itself. Every drawn result leaves a performance mark
 * in the same shape, so one reader measures all three: results per second,
 * capture-to-draw latency, long tasks, faces, tensors and the cold start.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { labelStability } from '../../src/engine/bench/stability';
import type {
  LabelStability,
  TrackLabel,
} from '../../src/engine/bench/stability';
import { summarizeWindow } from '../../src/engine/bench/stats';
import type {
  LongTask,
  ResultMark,
  WindowSummary,
} from '../../src/engine/bench/stats';
import {
  APP_RESULT_MARK,
  CAMERA_START_MARK,
  MODELS_READY_MARK,
  RESULT_MARK,
} from '../pages/marks';

export const CONTENDERS = ['app', 'original', 'human'] as const;
export type Contender = (typeof CONTENDERS)[number];

/** Where each contender is and what a run needs. */
export interface LiveSettings {
  /** The app's production server, e.g. http://127.0.0.1:41234. */
  appOrigin: string;
  /** The bench server with the peer pages. */
  benchOrigin: string;
  /** The gallery file the app imports before the camera starts. */
  galleryPath: string;
  /** People in it; the import is done when the app lists them all. */
  galleryPeople: number;
  /** Seconds measured, after `settleSeconds` from the first result. */
  seconds: number;
  settleSeconds: number;
}

/** Page open to models loaded, and camera asked for to first result. */
export interface ColdStart {
  modelsReadyMs: number;
  cameraToFirstResultMs: number;
  /** The two together: what a person waits without the clicks between. */
  totalMs: number;
}

/** What one run of one contender measured. */
export interface LiveRun extends WindowSummary {
  contender: Contender;
  round: number;
  coldStart: ColdStart;
  /** Tensors after the very first result. */
  tensorsFirst: number;
  /** Faces given a name from the gallery: app's panel at the end, original's mean per result. */
  namedFaces?: number;
  /** The app's label changes per track over the measured window. */
  labels?: LabelStability;
  /** Backend, threads, versions: the app's status line, a peer's own account. */
  info: Record<string, string | number | boolean>;
  /** Errors the page threw or logged during the run. */
  pageErrors: string[];
}

/** How long start-up may take before the run is given up. */
const START_TIMEOUT_MS = 180_000;

/** Installed before any page script: the long-task log and app start marks. */
interface ProbeOptions {
  app: boolean;
  modelsReadyMark: string;
  cameraStartMark: string;
}

function installProbes(options: ProbeOptions): void {
  const scope = window as unknown as {
    benchLongTasks: { start: number; durationMs: number }[];
    benchLongTasksObserved: boolean;
  };
  scope.benchLongTasks = [];
  scope.benchLongTasksObserved = false;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        scope.benchLongTasks.push({
          start: entry.startTime,
          durationMs: entry.duration,
        });
      }
    }).observe({ type: 'longtask', buffered: true });
    scope.benchLongTasksObserved = true;
  } catch {
    // No long-task timing in this browser: reported as not measured.
  }
  if (!options.app) return;

  // The app says "Models ready" when every model has loaded; mark that
  // moment, and the click on Start camera, on the page clock.
  const observer = new MutationObserver(() => {
    if (document.body?.textContent?.includes('Models ready')) {
      performance.mark(options.modelsReadyMark);
      observer.disconnect();
    }
  });
  observer.observe(document, {
    childList: true,
    subtree: true,
    characterData: true,
  });
  document.addEventListener(
    'click',
    (event) => {
      const button = (event.target as Element | null)?.closest?.('button');
      if (button?.textContent?.trim() === 'Start camera') {
        performance.mark(options.cameraStartMark);
      }
    },
    true,
  );
}

/** Opens a fresh context with the probes, for one contender. */
export async function openPage(
  browser: Browser,
  contender: Contender,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
  });
  await context.addInitScript(installProbes, {
    app: contender === 'app',
    modelsReadyMark: MODELS_READY_MARK,
    cameraStartMark: CAMERA_START_MARK,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });

  return { context, page, errors };
}

/** The mark name a contender's results leave. */
export function resultMarkOf(contender: Contender): string {
  return contender === 'app' ? APP_RESULT_MARK : RESULT_MARK;
}

/**
 * Opens the contender and brings it to its first drawn result: for the app,
 * models ready, the gallery imported, Start camera pressed; a peer page
 * does all of that by itself.
 */
export async function startContender(
  page: Page,
  contender: Contender,
  settings: LiveSettings,
): Promise<void> {
  if (contender === 'app') {
    await page.goto(`${settings.appOrigin}/`);
    await waitForMark(page, contender, MODELS_READY_MARK);
    await importGallery(page, settings);
    await page.getByRole('button', { name: 'Start camera' }).click();
  } else {
    await page.goto(`${settings.benchOrigin}/${contender}.html`);
  }
  await waitForMark(page, contender, resultMarkOf(contender));
}

/** The gallery through the UI: Import gallery, then Apply import. */
async function importGallery(page: Page, settings: LiveSettings) {
  await page.getByLabel('Import gallery').setInputFiles(settings.galleryPath);
  const preview = page.getByRole('group', { name: 'Import preview' });
  await preview.waitFor({ state: 'visible', timeout: 30_000 });
  await preview.getByRole('button', { name: 'Apply import' }).click();
  const people = page
    .getByRole('list', { name: 'People' })
    .getByRole('listitem');
  await waitUntil(
    page,
    'app',
    `the gallery to list ${settings.galleryPeople} people`,
    async () => (await people.count()) >= settings.galleryPeople,
    30_000,
  );
}

/** One run: start, settle, measure `seconds`, read everything, close. */
export async function runContender(
  browser: Browser,
  contender: Contender,
  round: number,
  settings: LiveSettings,
): Promise<LiveRun> {
  const { context, page, errors } = await openPage(browser, contender);
  try {
    await startContender(page, contender, settings);
    await page.waitForTimeout(settings.settleSeconds * 1000);
    const start = await pageNow(page);
    await page.waitForTimeout(settings.seconds * 1000);
    const end = await pageNow(page);

    const marks = await readMarks(page, resultMarkOf(contender));
    const longTasks = await readLongTasks(page);
    const summary = summarizeWindow(marks, longTasks ?? [], { start, end });
    if (longTasks === null) {
      summary.longTasks = NaN;
      summary.longTasksPerMin = NaN;
      summary.longTaskMsPerMin = NaN;
    }

    return {
      contender,
      round,
      ...summary,
      coldStart: await readColdStart(page, contender),
      tensorsFirst: marks[0]?.tensors ?? NaN,
      ...(await namedFaces(page, contender, marks, start, end)),
      ...(contender === 'app' && {
        labels: labelStability(
          marks
            .filter((mark) => mark.at >= start && mark.at < end)
            .map((mark) => mark.tracks ?? []),
        ),
      }),
      info: await readInfo(page, contender),
      pageErrors: errors,
    };
  } catch (error) {
    // What the page said is usually the reason: keep the last of it.
    const message = error instanceof Error ? error.message : String(error);
    const said = errors.slice(-3).join(' | ');
    throw new Error(said ? `${message} The page logged: ${said}` : message);
  } finally {
    await context.close();
  }
}

/** The page clock now. */
export function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** Every result mark so far, as plain values. */
export function readMarks(page: Page, name: string): Promise<ResultMark[]> {
  return page.evaluate(
    (name) =>
      performance.getEntriesByName(name).map((entry) => {
        const detail = (entry as PerformanceMark).detail as {
          faces: number;
          latencyMs: number;
          tensors?: number;
          named?: number;
          tracks?: TrackLabel[];
        };
        return { at: entry.startTime, ...detail };
      }),
    name,
  );
}

/** The long tasks so far, or null where the browser cannot observe them. */
async function readLongTasks(page: Page): Promise<LongTask[] | null> {
  return page.evaluate(() => {
    const scope = window as unknown as {
      benchLongTasks?: LongTask[];
      benchLongTasksObserved?: boolean;
    };
    return scope.benchLongTasksObserved ? (scope.benchLongTasks ?? []) : null;
  });
}

async function readColdStart(
  page: Page,
  contender: Contender,
): Promise<ColdStart> {
  const first = await page.evaluate(
    (names) =>
      names.map(
        (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN,
      ),
    [MODELS_READY_MARK, CAMERA_START_MARK, resultMarkOf(contender)],
  );
  const [modelsReadyMs = NaN, cameraAt = NaN, firstResultAt = NaN] = first;
  const cameraToFirstResultMs = firstResultAt - cameraAt;

  return {
    modelsReadyMs,
    cameraToFirstResultMs,
    totalMs: modelsReadyMs + cameraToFirstResultMs,
  };
}

/**
 * Faces named from the gallery: for the app, rows of the Faces panel whose
 * Name is not Unknown at the end; for the original, the mean per result of
 * the window. Human is run without a gallery.
 */
async function namedFaces(
  page: Page,
  contender: Contender,
  marks: readonly (ResultMark & { named?: number })[],
  start: number,
  end: number,
): Promise<{ namedFaces?: number }> {
  if (contender === 'human') return {};
  if (contender === 'original') {
    const named = marks
      .filter((mark) => mark.at >= start && mark.at < end)
      .map((mark) => mark.named ?? 0);
    return {
      namedFaces: named.reduce((a, b) => a + b, 0) / Math.max(1, named.length),
    };
  }
  const names = await page
    .getByRole('list', { name: 'Faces in view' })
    .locator('dt:text-is("Name") + dd')
    .allTextContents();

  return { namedFaces: names.filter((name) => name !== 'Unknown').length };
}

async function readInfo(
  page: Page,
  contender: Contender,
): Promise<Record<string, string | number | boolean>> {
  if (contender === 'app') {
    const status = await page
      .getByRole('status', { name: 'Status' })
      .innerText();
    return { status: status.replace(/\s*\n\s*/g, ' | ') };
  }

  return page.evaluate(() => window.benchState?.info ?? {});
}

/**
 * Waits for the first `name` mark; fails at once, with the page's own
 * words, when the page reports an error (a peer's state, the app's alert).
 */
export async function waitForMark(
  page: Page,
  contender: Contender,
  name: string,
  timeout = START_TIMEOUT_MS,
): Promise<void> {
  await waitUntil(
    page,
    contender,
    `the ${name} mark`,
    () =>
      page.evaluate(
        (name) => performance.getEntriesByName(name).length > 0,
        name,
      ),
    timeout,
  );
}

async function waitUntil(
  page: Page,
  contender: Contender,
  what: string,
  condition: () => Promise<boolean>,
  timeout: number,
): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await condition()) return;
    const problem = await pageProblem(page, contender);
    if (problem !== null) {
      throw new Error(
        `${contender}: waiting for ${what}, the page said: ${problem}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${contender}: timed out after ${timeout / 1000} s waiting for ${what}.`,
      );
    }
    await page.waitForTimeout(250);
  }
}

async function pageProblem(
  page: Page,
  contender: Contender,
): Promise<string | null> {
  if (contender !== 'app') {
    return page.evaluate(() => window.benchState?.error ?? null);
  }
  const alerts: string[] = [];
  for (const alert of await page.getByRole('alert').all()) {
    const text = (await alert.textContent())?.trim();
    if (text && (await alert.isVisible())) alerts.push(text);
  }

  return alerts.length > 0 ? alerts.join(' | ') : null;
}
