/**
 * Global setup of the browser tests: a current build, a Chromium, and the
 * fake camera clip. Test files get the paths through vitest's `inject()`.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { writeGroupClip, writeSampleClip } from '../clip';
import { elapsed, ensureBuilt } from './build';
import { findOrInstallChromium } from './chromium';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Chromium executable the tests launch. */
    chromiumPath: string;
    /** MJPEG clip Chromium plays as its fake camera. */
    clipPath: string;
    /** The recognition tests' clip: five faces from sample5.jpg. */
    groupClipPath: string;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Relative to the repository root; `.cache` is git-ignored. */
export const CLIP_PATH = '.cache/e2e/clip-640x480.mjpeg';
export const GROUP_CLIP_PATH = '.cache/e2e/group-640x480.mjpeg';

export default async function setup(project: TestProject): Promise<void> {
  ensureBuilt(root);

  const browser = findOrInstallChromium(root);
  console.info(
    `e2e: Chromium ${browser.how}: ${browser.path} (${browser.version}).`,
  );

  const clipPath = `${root}${CLIP_PATH}`;
  await ensureClip(clipPath, CLIP_PATH, writeSampleClip);
  const groupClipPath = `${root}${GROUP_CLIP_PATH}`;
  await ensureClip(groupClipPath, GROUP_CLIP_PATH, writeGroupClip);

  project.provide('chromiumPath', browser.path);
  project.provide('clipPath', clipPath);
  project.provide('groupClipPath', groupClipPath);
}

/** Makes a clip when it is missing or older than its generator. */
async function ensureClip(
  clipPath: string,
  shown: string,
  write: (path: string) => Promise<void>,
): Promise<void> {
  const generator = fileURLToPath(new URL('../clip.ts', import.meta.url));
  const clipTime = mtime(clipPath);
  if (clipTime !== null && clipTime > (mtime(generator) ?? 0)) return;

  const started = Date.now();
  await write(clipPath);
  console.info(`e2e: wrote the camera clip ${shown} in ${elapsed(started)}.`);
}

function mtime(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}
