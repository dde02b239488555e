/**
 * Per-model timings alone (the part of `npm run bench` that needs no
 * camera): milliseconds per run and achieved GMAC/s of each face-api model
 * on the benchmark clip's first frame, in Node (engine, WASM, one thread)
 * and in a browser worker set up as the app's (WASM, a thread per core).
 *
 *   npm run bench:models -- [--runs 10] [--out FILE] [--node-only]
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { findOrInstallChromium } from '../e2e/setup/chromium';
import {
  ensurePagesBuilt,
  preparePageData,
  startBenchServer,
} from './compare/benchServer';
import { timeModelsInBrowser } from './compare/browserModels';
import type { BrowserModelTimes } from './compare/browserModels';
import { CLIP_DESCRIPTION, firstClipFrame } from './compare/clip';
import { startNodeEngine, timeModelsInNode } from './compare/engine';
import { commandLine, machineInfo } from './compare/machine';
import { modelsTable } from './compare/report';
import { benchArgs } from './args';

const root = fileURLToPath(new URL('..', import.meta.url));

const USAGE = `Visage per-model timings: Node (WASM) and a browser worker.

  npm run bench:models -- [options]

  --runs N       timed runs per model, the median is printed (default 10)
  --out FILE     write the results as JSON
  --node-only    skip the browser worker
  --help         this text`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const values = benchArgs(USAGE, {
    runs: { type: 'string', default: '10' },
    out: { type: 'string' },
    'node-only': { type: 'boolean', default: false },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(
      `--runs must be a positive whole number, not ${values.runs}.`,
    );
  }
  const machine = machineInfo();
  const command = commandLine('bench:models', argv);
  const frameJpeg = await firstClipFrame();

  let browserTimes: BrowserModelTimes | null = null;
  let chromiumVersion = '';
  if (!values['node-only']) {
    const found = findOrInstallChromium(root);
    await ensurePagesBuilt(root);
    await preparePageData(root, { frameJpeg });
    const server = await startBenchServer(root);
    const browser = await chromium.launch({
      executablePath: found.path,
      args: ['--no-sandbox', '--disable-background-networking'],
    });
    try {
      chromiumVersion = `Chromium ${browser.version()}`;
      console.info('bench: per-model timings in a browser worker...');
      browserTimes = await timeModelsInBrowser(browser, server.origin, runs);
    } finally {
      await browser.close();
      await server.stop();
    }
  }

  console.info('bench: per-model timings in Node...');
  const engine = await startNodeEngine();
  const node = {
    backend: engine.backend,
    times: await timeModelsInNode(engine, frameJpeg, {
      runs,
      onModel: (model, faces) =>
        console.info(`  ${model}${faces === null ? '' : ` x${faces}`}`),
    }),
  };

  console.info(
    `\n${new Date().toISOString().slice(0, 10)}, ${machine.cpu}, ` +
      `${machine.cores} cores (load ${machine.loadAverage}), ` +
      `${chromiumVersion || 'no browser'}\n${command}\n` +
      `Per model, the first frame of the clip (${CLIP_DESCRIPTION}), median ` +
      `of ${runs} runs:`,
  );
  console.info(modelsTable(node, browserTimes));
  if (values.out) {
    const report = {
      command,
      date: new Date().toISOString(),
      machine,
      chromium: chromiumVersion,
      models: { node, browserWorker: browserTimes },
    };
    await writeFile(values.out, JSON.stringify(report, null, 2) + '\n');
  }
}

await main();
