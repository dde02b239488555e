/**
 * The live view as a person runs it: the production server, headless
 * Chromium with a fake camera clip, every switch on. Prints the analysis
 * rate, capture-to-draw latency and the cold start (page open to first
 * drawn result), read from the app's `visage:result` performance marks.
 *
 *   npm run bench:live -- [--seconds 20] [--rounds 3]
 *     [--detector default|tiny|ssd] [--tracking default|follow|detect]
 *     [--clip PATH] [--faces N] [--out FILE]
 *
 * Each round is a fresh browser profile (cold cache), so the cold start
 * includes downloading the models from the local server.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import { chromiumArgs, startServer } from '../e2e/browser';
import { writeSampleClip } from '../e2e/clip';
import { ensureBuilt } from '../e2e/setup/build';
import { findOrInstallChromium } from '../e2e/setup/chromium';
import { benchArgs } from './args';

const root = fileURLToPath(new URL('..', import.meta.url));

const DETECTOR_LABELS = {
  tiny: 'Tiny Face Detector',
  ssd: 'SSD MobileNet v1',
} as const;

const TRACKING_LABELS = {
  follow: 'Follow faces between detections',
  detect: 'Detect on every frame',
} as const;

interface Round {
  coldStartMs: number;
  fps: number;
  latencyP50Ms: number;
  latencyP90Ms: number;
  /** Share of results that held the expected number of faces. */
  expectedFacesShare: number;
  results: number;
  status: string;
}

const USAGE = `Visage live view alone, per detector, in headless Chromium.

  npm run bench:live -- [options]

  --seconds N      seconds measured per round (default 20)
  --rounds N       rounds, each a fresh browser profile (default 3)
  --detector NAME  default, tiny or ssd (default: the app's setting)
  --tracking MODE  default, follow or detect (default: the app's setting)
  --clip FILE      a .mjpeg or .y4m camera clip (default: generated)
  --faces N        faces the clip holds (default 3)
  --out FILE       write the results as JSON
  --help           this text`;

const values = benchArgs(USAGE, {
  seconds: { type: 'string', default: '20' },
  rounds: { type: 'string', default: '3' },
  detector: { type: 'string', default: 'default' },
  tracking: { type: 'string', default: 'default' },
  clip: { type: 'string' },
  faces: { type: 'string', default: '3' },
  out: { type: 'string' },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const expectedFaces = Number(values.faces);
const detector = values.detector;
if (detector !== 'default' && detector !== 'tiny' && detector !== 'ssd') {
  throw new Error(`--detector must be default, tiny or ssd, not ${detector}`);
}
const detectorLabel = detector === 'default' ? null : DETECTOR_LABELS[detector];
const tracking = values.tracking;
if (tracking !== 'default' && tracking !== 'follow' && tracking !== 'detect') {
  throw new Error(
    `--tracking must be default, follow or detect, not ${tracking}`,
  );
}
const trackingLabel = tracking === 'default' ? null : TRACKING_LABELS[tracking];

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.floor(p * sorted.length));

  return sorted[index] ?? NaN;
}

/** Marks after `since` (page clock), as plain values. */
async function marksSince(page: Page, since: number) {
  return page.evaluate((since) => {
    return performance
      .getEntriesByName('visage:result')
      .filter((entry) => entry.startTime > since)
      .map((entry) => {
        const detail = (entry as PerformanceMark).detail as {
          faces: number;
          latencyMs: number;
        };
        return { at: entry.startTime, ...detail };
      });
  }, since);
}

async function runRound(
  executablePath: string,
  clipPath: string,
  origin: string,
): Promise<Round> {
  const browser = await chromium.launch({
    executablePath,
    args: chromiumArgs('granted', clipPath),
  });
  try {
    const page = await browser.newPage({
      viewport: { width: 1280, height: 900 },
    });
    await page.goto(`${origin}/`);
    if (detectorLabel !== null) {
      await page
        .getByLabel('Detector', { exact: true })
        .selectOption({ label: detectorLabel });
    }
    if (trackingLabel !== null) {
      await page
        .getByLabel('Tracking', { exact: true })
        .selectOption({ label: trackingLabel });
    }
    await page.getByRole('button', { name: 'Start camera' }).click();

    // Cold start: navigation start (time 0 on the page clock) to the first
    // drawn result.
    await page.waitForFunction(
      () => performance.getEntriesByName('visage:result').length > 0,
      null,
      { timeout: 120_000 },
    );
    const [first] = await marksSince(page, 0);
    const coldStartMs = first?.at ?? NaN;

    // A few seconds to settle, then the measured window.
    await page.waitForTimeout(3_000);
    const start = await page.evaluate(() => performance.now());
    await page.waitForTimeout(seconds * 1_000);
    const end = await page.evaluate(() => performance.now());
    const marks = (await marksSince(page, start)).filter((m) => m.at <= end);
    const latencies = marks.map((m) => m.latencyMs).sort((a, b) => a - b);
    const status = await page
      .getByRole('status', { name: 'Status', exact: true })
      .innerText();

    return {
      coldStartMs,
      fps: marks.length / ((end - start) / 1_000),
      latencyP50Ms: percentile(latencies, 0.5),
      latencyP90Ms: percentile(latencies, 0.9),
      expectedFacesShare:
        marks.filter((m) => m.faces === expectedFaces).length /
        Math.max(1, marks.length),
      results: marks.length,
      status: status.replace(/\s*\n\s*/g, ' | '),
    };
  } finally {
    await browser.close();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;

  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

async function main(): Promise<void> {
  ensureBuilt(root);
  const { path: executablePath, version } = findOrInstallChromium(root);
  const clipPath = values.clip ?? `${root}.cache/bench/clip-640x480.mjpeg`;
  if (!values.clip) await writeSampleClip(clipPath);

  const server = await startServer();
  const results: Round[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const round = await runRound(executablePath, clipPath, server.origin);
      results.push(round);
      console.info(
        `round ${i + 1}: ${round.fps.toFixed(2)} fps, latency p50 ` +
          `${round.latencyP50Ms.toFixed(0)} ms p90 ` +
          `${round.latencyP90Ms.toFixed(0)} ms, cold start ` +
          `${(round.coldStartMs / 1000).toFixed(2)} s, ` +
          `${(100 * round.expectedFacesShare).toFixed(0)}% of results with ` +
          `${expectedFaces} faces\n  ${round.status}`,
      );
    }
  } finally {
    await server.stop();
  }

  const summary = {
    detector,
    tracking,
    seconds,
    rounds,
    clip: clipPath,
    chromium: version,
    fps: median(results.map((r) => r.fps)),
    latencyP50Ms: median(results.map((r) => r.latencyP50Ms)),
    latencyP90Ms: median(results.map((r) => r.latencyP90Ms)),
    coldStartMs: median(results.map((r) => r.coldStartMs)),
    expectedFacesShare: median(results.map((r) => r.expectedFacesShare)),
    rounds_detail: results,
  };
  console.info(
    `\nmedian of ${rounds} (${detector} detector, ${tracking} tracking): ` +
      `${summary.fps.toFixed(2)} fps, latency p50 ` +
      `${summary.latencyP50Ms.toFixed(0)} ms, p90 ` +
      `${summary.latencyP90Ms.toFixed(0)} ms, cold start ` +
      `${(summary.coldStartMs / 1000).toFixed(2)} s`,
  );
  if (values.out) {
    await writeFile(values.out, JSON.stringify(summary, null, 2) + '\n');
  }
}

await main();
