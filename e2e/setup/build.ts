/**
 * Makes sure the production build the browser tests run against exists and
 * is newer than its sources, building it when it is not.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What `npm run build` writes that the tests need. */
const OUTPUTS = ['dist/web/index.html', 'build/server/main.js'];

/** Files and folders the build reads; a change in any makes it stale. */
const INPUTS = [
  'src',
  'vite.config.ts',
  'tsconfig.json',
  'tsconfig.server.json',
  'package.json',
];

/** Unit tests live beside the code but are not part of the build. */
const NOT_BUILT = /\.test\.tsx?$/;

/**
 * Why the build must run, or null when it is up to date. Names the file, so
 * a rebuild on every run is easy to explain.
 */
export function staleReason(root: string): string | null {
  let oldestOutput = Infinity;
  for (const output of OUTPUTS) {
    const time = mtime(join(root, output));
    if (time === null) return `${output} is missing`;
    oldestOutput = Math.min(oldestOutput, time);
  }

  const newest = newestInput(root);
  if (newest !== null && newest.time > oldestOutput) {
    return `${relative(root, newest.path)} changed after the last build`;
  }

  return null;
}

/** Runs `npm run build` when the build is stale; throws when it fails. */
export function ensureBuilt(root: string): void {
  const reason = staleReason(root);
  if (reason === null) {
    console.info('e2e: build is up to date.');

    return;
  }

  console.info(`e2e: building the app (npm run build): ${reason}.`);
  const started = Date.now();
  const result = spawnSync('npm', ['run', 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    throw new Error(
      `npm run build failed (exit ${result.status ?? result.signal}); ` +
        'the browser tests need a working build. Its output is above.',
    );
  }
  console.info(`e2e: build done in ${elapsed(started)}.`);
}

function newestInput(root: string): { path: string; time: number } | null {
  let newest: { path: string; time: number } | null = null;
  const visit = (path: string): void => {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      return;
    }
    if (stats.isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name));
    } else if (!NOT_BUILT.test(path)) {
      if (newest === null || stats.mtimeMs > newest.time) {
        newest = { path, time: stats.mtimeMs };
      }
    }
  };
  for (const input of INPUTS) visit(join(root, input));

  return newest;
}

function mtime(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/** Seconds since `started`, for progress lines. */
export function elapsed(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}
