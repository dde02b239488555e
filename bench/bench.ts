/**
 * Visage against what its users would otherwise run, side by side in one
 * run (issue #4): the app, the original app's approach (face-api on the
 * main thread) and @vladmandic/human, on the same camera clip in the same
 * headless Chromium, alternating app, original, human in every round so
 * that drift of a busy machine hits all three alike. Then per-model
 * timings (Node and a browser worker), gallery matching (bench:matcher),
 * and with --soak, the app alone for many minutes.
 *
 *   npm run bench -- [--seconds 20] [--rounds 3] [--clip PATH] [--out FILE]
 *                    [--only app|original|human] [--soak MINUTES]
 *
 * `npm run bench -- --help` lists every option.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { chromiumArgs, startServer } from '../e2e/browser';
import type { RunningServer } from '../e2e/browser';
import { ensureBuilt } from '../e2e/setup/build';
import { findOrInstallChromium } from '../e2e/setup/chromium';
import {
  ensurePagesBuilt,
  preparePageData,
  startBenchServer,
} from './compare/benchServer';
import type { BenchServer } from './compare/benchServer';
import {
  CLIP_DESCRIPTION,
  CLIP_FACES,
  CLIP_PHOTO_PATH,
  ensureSampleClip,
  firstClipFrame,
} from './compare/clip';
import { timeModelsInBrowser } from './compare/browserModels';
import type { BrowserModelTimes } from './compare/browserModels';
import { runContender } from './compare/contenders';
import type { Contender, LiveRun, LiveSettings } from './compare/contenders';
import {
  makeGallery,
  startNodeEngine,
  timeModelsInNode,
} from './compare/engine';
import type { NodeEngine } from './compare/engine';
import { commandLine, machineInfo } from './compare/machine';
import { runMatcherBench } from './compare/matcherBench';
import type { MatcherResult } from './compare/matcherBench';
import type { ModelTime } from './compare/modelTimes';
import { parseBenchOptions, USAGE } from './compare/options';
import type { BenchOptions } from './compare/options';
import {
  fpsRatio,
  liveTable,
  modelsTable,
  roundLines,
  runLine,
  soakTable,
  summarize,
} from './compare/report';
import type { ContenderSummary, FailedRun } from './compare/report';
import { runSoak } from './compare/soak';
import type { SoakResult } from './compare/soak';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The generated clip, and the gallery file the app imports. */
const CLIP_PATH = `${root}.cache/bench/clip-640x480.mjpeg`;
const GALLERY_PATH = `${root}.cache/bench/gallery.json`;

/** Everything the JSON holds; the keys issue #4 names are at the top. */
interface BenchReport {
  command: string;
  date: string;
  machine: ReturnType<typeof machineInfo>;
  chromium: string;
  settings: Omit<BenchOptions, 'out'> & { clipPath: string };
  app?: ContenderSummary;
  original?: ContenderSummary;
  human?: ContenderSummary;
  ratio?: {
    fpsVsOriginal: number;
    fpsVsHuman: number;
    perRound: { fpsVsOriginal: number[]; fpsVsHuman: number[] };
  };
  models?: {
    frame: string;
    node: { backend: NodeEngine['backend']; times: ModelTime[] } | null;
    browserWorker: BrowserModelTimes | null;
    errors: string[];
  };
  matcher?: MatcherResult;
  soak?: SoakResult;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseBenchOptions(argv);
  if (options === null) {
    console.info(USAGE);
    return;
  }

  const report: BenchReport = {
    command: commandLine('bench', argv),
    date: new Date().toISOString(),
    machine: machineInfo(),
    chromium: '',
    settings: { ...options, clipPath: options.clip ?? CLIP_PATH },
  };
  delete (report.settings as Partial<BenchOptions>).out;
  console.info(
    `bench: ${report.machine.cpu}, ${report.machine.cores} cores, load ` +
      `${report.machine.loadAverage} at the start; ${report.command}`,
  );

  // The app's build, a browser, the clip, the gallery, the peer pages.
  ensureBuilt(root);
  const found = findOrInstallChromium(root);
  const clipPath = options.clip ?? (await ensureSampleClip(CLIP_PATH));
  const frameJpeg = await firstClipFrame();
  const engine = await startNodeEngine();
  const gallery = await makeGallery(engine, CLIP_PHOTO_PATH, CLIP_FACES);
  await mkdir(`${root}.cache/bench`, { recursive: true });
  await writeFile(GALLERY_PATH, gallery.json);
  await ensurePagesBuilt(root);
  await preparePageData(root, { galleryJson: gallery.json, frameJpeg });

  const servers: (RunningServer | BenchServer)[] = [];
  let browser: Browser | null = null;
  try {
    const appServer = await startServer();
    servers.push(appServer);
    const benchServer = await startBenchServer(root);
    servers.push(benchServer);
    browser = await chromium.launch({
      executablePath: found.path,
      args: chromiumArgs('granted', clipPath),
    });
    report.chromium = `Chromium ${browser.version()}`;
    const settings: LiveSettings = {
      appOrigin: appServer.origin,
      benchOrigin: benchServer.origin,
      galleryPath: GALLERY_PATH,
      galleryPeople: gallery.names.length,
      seconds: options.seconds,
      settleSeconds: options.settleSeconds,
    };

    if (options.soakMinutes > 0) {
      console.info(
        `bench: soak, the app alone for ${options.soakMinutes} min.`,
      );
      report.soak = await runSoak(browser, settings, options.soakMinutes, (s) =>
        console.info(
          `  minute ${s.minute}: ${s.fps.toFixed(2)} fps, ${s.tensors} ` +
            `tensors, heap page ${s.pageHeapMb.toFixed(1)} MB, worker ` +
            `${s.workerHeapMb?.toFixed(1) ?? '-'} MB`,
        ),
      );
    } else {
      await compare(browser, settings, options, report);
      if (!options.only && !options.skip.includes('models')) {
        report.models = {
          frame: `the first frame of the clip (${CLIP_DESCRIPTION})`,
          node: null,
          browserWorker: null,
          errors: [],
        };
        console.info('bench: per-model timings in a browser worker...');
        try {
          report.models.browserWorker = await timeModelsInBrowser(
            browser,
            benchServer.origin,
            options.modelRuns,
          );
        } catch (error) {
          report.models.errors.push(messageOf(error));
        }
      }
    }
  } finally {
    await browser?.close();
    for (const server of servers) await server.stop();
  }

  // Node work after the browser has gone, so neither slows the other.
  if (report.models) {
    console.info('bench: per-model timings in Node...');
    try {
      report.models.node = {
        backend: engine.backend,
        times: await timeModelsInNode(engine, frameJpeg, {
          runs: options.modelRuns,
        }),
      };
    } catch (error) {
      report.models.errors.push(messageOf(error));
    }
  }
  if (
    options.soakMinutes === 0 &&
    !options.only &&
    !options.skip.includes('matcher')
  ) {
    console.info('bench: gallery matching (npm run bench:matcher)...');
    report.matcher = await runMatcherBench(root, options.matcherSizes);
  }

  printReport(report);
  if (options.out !== null) {
    await writeFile(options.out, JSON.stringify(report, jsonNumbers, 2) + '\n');
    console.info(`\nbench: wrote ${options.out}`);
  }
}

/** The rounds: app, original, human in turn, each in a fresh context. */
async function compare(
  browser: Browser,
  settings: LiveSettings,
  options: BenchOptions,
  report: BenchReport,
): Promise<void> {
  const runs: LiveRun[] = [];
  const failures: FailedRun[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const contender of options.contenders) {
      try {
        const run = await runContender(browser, contender, round, settings);
        runs.push(run);
        console.info(runLine(run));
      } catch (error) {
        failures.push({ contender, round, error: messageOf(error) });
        console.error(
          `round ${round} ${contender}: FAILED: ${messageOf(error)}`,
        );
      }
    }
  }

  const of = (name: Contender) => runs.filter((run) => run.contender === name);
  for (const contender of options.contenders) {
    report[contender] = summarize(
      of(contender),
      failures.filter((failure) => failure.contender === contender),
    );
  }
  if (options.contenders.length === 3) {
    const vsOriginal = fpsRatio(of('app'), of('original'), options.rounds);
    const vsHuman = fpsRatio(of('app'), of('human'), options.rounds);
    report.ratio = {
      fpsVsOriginal: vsOriginal.median,
      fpsVsHuman: vsHuman.median,
      perRound: {
        fpsVsOriginal: vsOriginal.perRound,
        fpsVsHuman: vsHuman.perRound,
      },
    };
  }
}

function printReport(report: BenchReport): void {
  const { machine, settings } = report;
  console.info(
    `\n${report.date.slice(0, 10)}, ${machine.cpu}, ${machine.cores} cores ` +
      `(load ${machine.loadAverage} at the start), ${report.chromium}, ` +
      `Node ${machine.node}\n${report.command}`,
  );
  if (report.soak) {
    console.info(`\nSoak, the app alone, ${report.soak.minutes} min:`);
    console.info(soakTable(report.soak.samples));
    return;
  }

  const contenders = {
    ...(report.app && { app: report.app }),
    ...(report.original && { original: report.original }),
    ...(report.human && { human: report.human }),
  };
  const all = Object.values(contenders);
  console.info(
    `\nLive, median of ${settings.rounds} round(s) of ${settings.seconds} s ` +
      `(after ${settings.settleSeconds} s settling), clip ` +
      `${settings.clipPath}:`,
  );
  console.info(
    liveTable({
      contenders,
      ratio: {
        ...(report.ratio && {
          fpsVsOriginal: report.ratio.fpsVsOriginal,
          fpsVsHuman: report.ratio.fpsVsHuman,
        }),
      },
    }),
  );
  console.info('');
  console.info(
    roundLines(
      all.flatMap((summary) => summary.rounds),
      all.flatMap((summary) => summary.failures),
    ),
  );
  for (const [name, summary] of Object.entries(contenders)) {
    console.info(`${name}: ${JSON.stringify(summary.info)}`);
  }

  if (report.models) {
    console.info(
      `\nPer model, ${report.models.frame}, median of ` +
        `${settings.modelRuns} runs (MACs of convolutions and matrix ` +
        'products, from tf.profile kernel shapes):',
    );
    console.info(modelsTable(report.models.node, report.models.browserWorker));
    for (const error of report.models.errors) console.error(error);
  }
  if (report.matcher?.error) console.error(`\n${report.matcher.error}`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** NaN has no JSON form: written as null; figures rounded to 4 decimals. */
function jsonNumbers(_key: string, value: unknown): unknown {
  if (typeof value !== 'number') return value;
  if (!Number.isFinite(value)) return null;

  return Number.isInteger(value) ? value : Number(value.toFixed(4));
}

await main();
