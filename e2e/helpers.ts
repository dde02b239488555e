/**
 * What every browser test file needs: the real server on a free port, one
 * Chromium per file with the fake camera, a fresh context and page, every
 * request the page and its workers make, and a screenshot when a test fails.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, inject, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Where failure screenshots go (git-ignored). */
export const SCREENSHOT_DIR = `${root}.cache/e2e/screenshots`;

/** A running `build/server/main.js`. */
export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  origin: string;
  stop(): Promise<void>;
}

/**
 * Starts the production server on a free port (it binds port 0 and prints
 * the port it got) and resolves once it says where it runs.
 */
export async function startServer(): Promise<RunningServer> {
  const child = spawn(
    process.execPath,
    ['build/server/main.js', '--port', '0', '--host', '127.0.0.1'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(`printed no URL within 15 s. Output so far:\n${output}`);
    }, 15_000);
    function fail(why: string): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`The server (node build/server/main.js) ${why}`));
    }
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /https?:\/\/[^\s/]+/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      fail(`exited (${code ?? signal}) before it listened:\n${output}`);
    });
  });

  return { origin, stop: () => stopProcess(child) };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => resolve()),
  );
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** How the fake camera behaves. */
export type CameraMode =
  /** The clip plays and access is granted without a prompt. */
  | 'granted'
  /**
   * No auto-accept of the permission prompt: headless Chromium then denies
   * getUserMedia with NotAllowedError, as a person pressing Block would.
   */
  | 'denied';

/** Chromium flags for a quiet, offline, headless run with the fake camera. */
export function chromiumArgs(camera: CameraMode, clipPath: string): string[] {
  const args = [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${clipPath}`,
  ];
  if (camera === 'granted') args.push('--use-fake-ui-for-media-stream');

  return args;
}

/** Launches the Chromium that global setup found, with the fake camera. */
export function launchBrowser(camera: CameraMode): Promise<Browser> {
  return chromium.launch({
    executablePath: inject('chromiumPath'),
    args: chromiumArgs(camera, inject('clipPath')),
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
    session.browser = await launchBrowser(options.camera ?? 'granted');
    session.context = await session.browser.newContext({
      viewport: { width: 1280, height: 900 },
    });
    watch(session);
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
