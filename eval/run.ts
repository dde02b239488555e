/**
 * How accurate is the app on labelled photos? Runs the engine in Node
 * (WASM backend, the app's own detection, alignment and models) over every
 * set folder of DIR that holds a manifest.csv, prints a table and writes
 * every figure as JSON.
 *
 *   npm run eval -- --data DIR [--out FILE] [--detector tiny|ssd]
 *                   [--sets a,b] [--whole-image-below 64]
 *                   [--save-records FILE] [--rescore FILE] [--crop aligned]
 *
 * --save-records keeps every photo's analysis (descriptors included);
 * --rescore scores such a file again without running a model. --crop
 * aligned is an experiment: descriptors from the landmarks' box grown by a
 * fifth (what the app cut before) instead of the app's face chip
 * (src/engine/align.ts).
 *
 * DIR may also be one set folder (a manifest.csv of its own). The layout
 * is in the README, "Accuracy". Progress goes to stderr, the table to
 * stdout.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startBackend } from '../src/engine/backend';
import type { ImageRecord } from '../src/engine/eval/analyze';
import type { EvaluationOptions } from '../src/engine/eval/evaluate';
import { runEvaluation } from '../src/engine/eval/evaluate';
import { formatReport } from '../src/engine/eval/table';
import { DEFAULT_ANALYSIS_OPTIONS } from '../src/engine/options';
import { exists, folderSource } from './folder';
import { loadModels } from '../src/engine/models';
import {
  createNodeRuntime,
  fileFetch,
  localModelUrl,
} from '../src/engine/node/runtime';

const USAGE =
  'Usage: npm run eval -- --data DIR [--out FILE] [--detector tiny|ssd] ' +
  '[--sets a,b] [--whole-image-below PX] [--save-records FILE] ' +
  '[--rescore FILE] [--crop app|aligned]';

/** Records written by --save-records, descriptors back as Float32Array. */
async function readRecords(file: string): Promise<ImageRecord[]> {
  const records = JSON.parse(await readFile(file, 'utf8')) as ImageRecord[];
  for (const record of records) {
    for (const face of record.faces) {
      if (face.descriptor) face.descriptor = Float32Array.from(face.descriptor);
    }
  }

  return records;
}

/** A progress bar on stderr; one line per tenth when it is not a terminal. */
function progressBar(): (p: {
  done: number;
  total: number;
  set: string;
  file: string;
}) => void {
  const start = performance.now();
  const tty = process.stderr.isTTY;
  let lastTenth = -1;

  return ({ done, total, set, file }) => {
    const share = done / total;
    const elapsed = (performance.now() - start) / 1000;
    const eta = (elapsed / done) * (total - done);
    const status =
      `${done}/${total} ${(100 * share).toFixed(0).padStart(3)}% ` +
      `${(elapsed / done).toFixed(2)} s/photo, ${minutes(eta)} left`;
    if (tty) {
      const width = 30;
      const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '.');
      const where = `${set}/${file}`.slice(-40);
      process.stderr.write(`\r[${bar}] ${status} ${where}`.padEnd(120));
      if (done === total) process.stderr.write('\n');
      return;
    }
    const tenth = Math.floor(share * 10);
    if (tenth !== lastTenth) {
      lastTenth = tenth;
      process.stderr.write(`${status}\n`);
    }
  };
}

function minutes(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));

  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      detector: {
        type: 'string',
        default: DEFAULT_ANALYSIS_OPTIONS.photoDetector,
      },
      sets: { type: 'string', default: '' },
      'whole-image-below': { type: 'string', default: '64' },
      crop: { type: 'string', default: 'app' },
      'save-records': { type: 'string' },
      rescore: { type: 'string' },
    },
  });
  const detector = values.detector;
  if (!values.data) {
    throw new Error(
      `Expected --data DIR: a folder of set folders, each with a ` +
        `manifest.csv (see the README, "Accuracy").\n${USAGE}`,
    );
  }
  if (detector !== 'tiny' && detector !== 'ssd') {
    throw new Error(`Expected --detector tiny or ssd but got "${detector}".`);
  }
  const recognitionCrop = values.crop;
  if (recognitionCrop !== 'app' && recognitionCrop !== 'aligned') {
    throw new Error(
      `Expected --crop app or aligned but got "${recognitionCrop}".`,
    );
  }
  const wholeImageBelowPx = Number(values['whole-image-below']);
  if (!(wholeImageBelowPx >= 0)) {
    throw new Error(
      `Expected --whole-image-below to be a number of pixels but got ` +
        `"${values['whole-image-below']}".`,
    );
  }
  if (!(await exists(values.data))) {
    throw new Error(`Data folder ${values.data} does not exist.\n${USAGE}`);
  }

  const runtime = createNodeRuntime();
  await startBackend(runtime, 'wasm', { wasmThreads: 1 });
  const options: Partial<EvaluationOptions> = {
    detector,
    wholeImageBelowPx,
    recognitionCrop,
    onProgress: progressBar(),
    keepRecords: values['save-records'] !== undefined,
  };
  if (values.rescore) {
    options.records = await readRecords(values.rescore);
  } else {
    await loadModels(runtime, localModelUrl(), { fetch: fileFetch });
  }
  const only = values.sets.split(',').filter((name) => name !== '');
  const report = await runEvaluation(
    runtime,
    folderSource(values.data, only),
    options,
  );
  if (values['save-records'] && report.records) {
    await writeFile(
      values['save-records'],
      JSON.stringify(report.records, (_key, value: unknown) =>
        value instanceof Float32Array ? Array.from(value) : value,
      ),
    );
    delete report.records;
  }
  if (report.meta.sets.length === 0) {
    throw new Error(
      `No folder in ${values.data} holds a manifest.csv (see the README, ` +
        '"Accuracy").',
    );
  }

  console.info(formatReport(report));
  if (values.out) {
    await writeFile(values.out, `${JSON.stringify(report, null, 2)}\n`);
    console.info(`\nWrote ${values.out}`);
  }
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
