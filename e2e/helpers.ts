/**
 * What every browser test file needs: the real server on a free port, one
 * Chromium per file with the fake camera, a fresh context and page, every
 * request the page and its workers make, and a screenshot when a test fails.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, inject, test } from 'vitest';
import { chromiumArgs, startServer } from './browser';
import type { CameraMode, RunningServer } from './browser';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Where failure screenshots go (git-ignored). */
export const SCREENSHOT_DIR = `${root}.cache/e2e/screenshots`;

/** Launches the Chromium that global setup found, with the fake camera. */
export function launchBrowser(
  camera: CameraMode,
  clip: AppOptions['clip'] = 'default',
): Promise<Browser> {
  const clipPath = inject(clip === 'group' ? 'groupClipPath' : 'clipPath');

  return chromium.launch({
    executablePath: inject('chromiumPath'),
    args: chromiumArgs(camera, clipPath),
  });
}

/** One test file's app session. */
export interface AppSession {
  server: RunningServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /**
   * Registers a test that later tests build on (models loaded, camera on).
   * When it fails, the file's later tests are skipped, naming it, rather
   * than each waiting out its own timeout.
   */
  step(name: string, body: () => Promise<void>, timeout?: number): void;
  /** Every URL the page and its workers asked for, in order. */
  requests: string[];
  /** Console errors and uncaught exceptions, to explain a failure. */
  problems: string[];
  /**
   * Content-Security-Policy violations the page's console reported: requests
   * the policy stopped before the network, which `requests` never sees.
   * (Playwright does not pass on a worker's violation reports.)
   */
  blocked: string[];
}

export interface AppOptions {
  /** Defaults to 'granted'. */
  camera?: CameraMode;
  /**
   * What the camera shows: 'default' sample1.jpg's three faces, 'group'
   * sample5.jpg's five. Defaults to 'default'.
   */
  clip?: 'default' | 'group';
  /**
   * Runs in every page of the context before the app's own scripts, e.g.
   * to stand in for a browser API. Defaults to none.
   */
  initScript?: () => void;
}

/**
 * Registers hooks that give the file one server, one browser, a fresh
 * context and a page on the app, and close them all afterwards. Read the
 * returned session inside tests only: it is filled in by beforeAll.
 */
export function useApp(options: AppOptions = {}): AppSession {
  let failedStep: string | null = null;
  const session = {
    step(name, body, timeout) {
      test(
        name,
        async () => {
          try {
            await body();
          } catch (error) {
            failedStep = name;
            throw error;
          }
        },
        timeout,
      );
    },
  } as AppSession;

  beforeAll(async () => {
    session.requests = [];
    session.problems = [];
    session.blocked = [];
    session.server = await startServer();
    session.browser = await launchBrowser(
      options.camera ?? 'granted',
      options.clip,
    );
    session.context = await session.browser.newContext({
      viewport: { width: 1280, height: 900 },
    });
    watch(session);
    if (options.initScript) {
      await session.context.addInitScript(options.initScript);
    }
    session.page = await session.context.newPage();
    await session.page.goto(`${session.server.origin}/`);
  });

  beforeEach(({ onTestFailed, skip, task }) => {
    if (failedStep !== null) skip(`needs the failed step "${failedStep}"`);
    onTestFailed(() => reportFailure(session, task.name));
  });

  afterAll(async () => {
    await session.context?.close();
    await session.browser?.close();
    await session.server?.stop();
  });

  return session;
}

/** Prints what the browser complained about and saves a screenshot. */
async function reportFailure(session: AppSession, name: string): Promise<void> {
  if (session.problems.length > 0) {
    console.error(`Browser problems:\n${session.problems.join('\n')}`);
    session.problems.length = 0;
  }
  if (!session.page) return;

  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = name.replace(/[^\w-]+/g, '-').replace(/^-|-$/g, '');
  const path = `${SCREENSHOT_DIR}/${file.slice(0, 80)}.png`;
  try {
    await session.page.screenshot({ path, fullPage: true });
    console.error(`Screenshot: ${path}`);
  } catch {
    // The page may be gone with the browser; the error says enough then.
  }
}

/** Collects requests (page and workers alike) and problems of a context. */
function watch(session: AppSession): void {
  session.context.on('request', (request) => {
    session.requests.push(request.url());
  });
  session.context.on('page', (page) => {
    page.on('websocket', (socket) => session.requests.push(socket.url()));
    page.on('pageerror', (error) => {
      session.problems.push(`page error: ${error.message}`);
    });
    page.on('console', (message) => {
      const text = message.text();
      if (/Content Security Policy/i.test(text)) session.blocked.push(text);
      if (message.type() === 'error' || message.type() === 'warning') {
        session.problems.push(`console ${message.type()}: ${text}`);
      }
    });
  });
}

/** Requests that left `origin`; data: and blob: URLs never reach a network. */
export function foreignRequests(
  requests: readonly string[],
  origin: string,
): string[] {
  return requests.filter((url) => {
    const { protocol } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:') return false;

    return new URL(url).origin !== origin;
  });
}
