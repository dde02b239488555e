/**
 * Finds a Chromium for the browser tests, or installs one: Debian's package
 * when we are root with apt-get, Playwright's download elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chromium } from 'playwright-core';

/** Where Chromium usually is, after `$CHROMIUM_PATH`. */
const KNOWN_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

/** A Chromium that runs, and how it was obtained, for the setup log. */
export interface FoundChromium {
  path: string;
  version: string;
  how: string;
}

/**
 * Returns a working Chromium, installing one when none of `candidates` runs.
 * Throws with what to install when nothing works.
 */
export function findOrInstallChromium(
  root: string,
  candidates: readonly string[] = KNOWN_PATHS,
): FoundChromium {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    const version = browserVersion(fromEnv);
    if (version === null) {
      throw new Error(
        `CHROMIUM_PATH=${fromEnv} does not run as a browser. Point it at ` +
          'a Chromium or Chrome executable, or unset it to let the tests ' +
          'find or install one.',
      );
    }

    return { path: fromEnv, version, how: 'from CHROMIUM_PATH' };
  }

  const found = firstWorking(candidates);
  if (found) return { ...found, how: 'found' };

  const tried: string[] = [];
  if (isRoot() && commandExists('apt-get')) {
    console.info('e2e: no Chromium found; installing Debian\'s "chromium".');
    const ok = run('sh', [
      '-c',
      'apt-get update && apt-get install -y chromium',
    ]);
    const installed = ok ? firstWorking(candidates) : null;
    if (installed) return { ...installed, how: 'installed with apt-get' };
    tried.push('apt-get install chromium');
  }

  console.info("e2e: no Chromium found; downloading Playwright's Chromium.");
  const ok = run('npx', ['playwright-core', 'install', 'chromium'], root);
  if (ok) {
    const path = chromium.executablePath();
    const version = browserVersion(path);
    if (version !== null) {
      return { path, version, how: "installed with Playwright's download" };
    }
  }
  tried.push('npx playwright-core install chromium');

  throw new Error(
    'The browser tests need Chromium and none was found or could be ' +
      `installed (tried: ${tried.join('; ')}). Install it with ` +
      '`apt-get install chromium` (Debian, Ubuntu) or ' +
      '`npx playwright-core install chromium`, or set CHROMIUM_PATH to a ' +
      'Chromium or Chrome executable.',
  );
}

function firstWorking(
  paths: readonly string[],
): { path: string; version: string } | null {
  for (const path of paths) {
    const version = browserVersion(path);
    if (version !== null) return { path, version };
  }

  return null;
}

/** The browser's `--version` line, or null when it is absent or broken. */
function browserVersion(path: string): string | null {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return null;
  }
  const result = spawnSync(path, ['--version'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status !== 0) return null;

  // Debian's wrapper script may print shell noise on stderr; the version is
  // the stdout line.
  return result.stdout.trim().split('\n').at(-1) ?? null;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function commandExists(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

function run(command: string, args: string[], cwd?: string): boolean {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });

  return result.status === 0;
}
