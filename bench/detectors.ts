/**
 * Which detector and settings should the live view default to? Runs each
 * candidate on labelled photos scaled to camera size (long side 640 px) and
 * prints, per candidate, the share of expected faces found (by count, capped
 * per photo), extra detections per photo, and milliseconds per frame.
 *
 *   npx tsx bench/detectors.ts [--data ../shared/data/faces]
 *
 * Node, WASM backend, one thread: absolute times are slower than a browser
 * with threads, the ranking is the same.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { startBackend } from '../src/engine/backend';
import { loadModels } from '../src/engine/models';
import {
  createNodeRuntime,
  fileFetch,
  localModelUrl,
} from '../src/engine/node/runtime';
import { DEFAULT_ANALYSIS_OPTIONS } from '../src/engine/options';
import type { AnalysisOptions } from '../src/engine/options';
import { analyzeFrame, frameToTensor } from '../src/engine/pipeline';

const SETS = ['vladmandic', 'dlib', 'faceapi'];

interface Sample {
  file: string;
  expected: number;
}

function argValue(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

async function samples(dataDir: string): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const set of SETS) {
    const csv = await readFile(path.join(dataDir, set, 'manifest.csv'), 'utf8');
    for (const line of csv.split('\n').slice(1)) {
      const [file, , , faces] = line.split(',');
      if (!file || !faces || !/^\d+$/.test(faces)) continue;
      out.push({ file: path.join(dataDir, set, file), expected: Number(faces) });
    }
  }
  return out;
}

const candidates: [string, Partial<AnalysisOptions>][] = [
  ['tiny 320 / 0.5', { detector: 'tiny', tinyInputSize: 320 }],
  ['tiny 416 / 0.5', { detector: 'tiny', tinyInputSize: 416 }],
  ['tiny 416 / 0.4', { detector: 'tiny', tinyInputSize: 416, tinyScoreThreshold: 0.4 }],
  ['tiny 512 / 0.5', { detector: 'tiny', tinyInputSize: 512 }],
  ['tiny 512 / 0.4', { detector: 'tiny', tinyInputSize: 512, tinyScoreThreshold: 0.4 }],
  ['ssd / 0.5', { detector: 'ssd' }],
  ['ssd / 0.3', { detector: 'ssd', ssdMinConfidence: 0.3 }],
];

async function main(): Promise<void> {
  const dataDir = argValue('--data', '../shared/data/faces');
  const runtime = createNodeRuntime();
  await startBackend(runtime, 'wasm', { wasmThreads: 1 });
  await loadModels(runtime, localModelUrl(), {
    fetch: fileFetch,
    models: ['tinyFaceDetector', 'ssdMobilenetv1'],
  });

  const list = await samples(dataDir);
  const frames = await Promise.all(
    list.map(async ({ file }) => {
      const { data, info } = await sharp(file)
        .rotate()
        .resize(640, 640, { fit: 'inside', withoutEnlargement: true })
        .ensureAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      return { width: info.width, height: info.height, data };
    }),
  );
  const expectedTotal = list.reduce((sum, s) => sum + s.expected, 0);
  console.info(`${list.length} photos, ${expectedTotal} faces expected`);

  for (const [name, overrides] of candidates) {
    const options = {
      ...DEFAULT_ANALYSIS_OPTIONS,
      ...overrides,
      maxFaces: 50,
      landmarks: false,
      expressions: false,
      ageGender: false,
      recognition: false,
    };
    let found = 0;
    let extra = 0;
    let ms = 0;
    for (const [i, frame] of frames.entries()) {
      const tensor = frameToTensor(runtime, frame);
      const result = await analyzeFrame(runtime, tensor, options);
      tensor.dispose();
      const expected = list[i]?.expected ?? 0;
      found += Math.min(result.faces.length, expected);
      extra += Math.max(0, result.faces.length - expected);
      ms += result.timings.detectMs;
    }
    console.info(
      `${name.padEnd(16)} found ${((100 * found) / expectedTotal).toFixed(1)}%` +
        `  extra/photo ${(extra / frames.length).toFixed(3)}` +
        `  ${(ms / frames.length).toFixed(0)} ms/frame`,
    );
  }
}

await main();
