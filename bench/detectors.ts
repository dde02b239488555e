/**
 * Which detector and settings should the live view default to? Runs each
 * candidate on labelled photos scaled to camera size (long side 640 px) and
 * prints, per candidate, the share of expected faces found (by count, capped
 * per photo), extra detections per photo, and milliseconds per frame.
 *
 *   npx tsx bench/detectors.ts [--data ../shared/data/faces] [--only tiny]
 *
 * Node, WASM backend, one thread: absolute times are slower than a browser
 * with threads, the ranking is the same.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { startBackend } from '../src/engine/backend';
import { parseManifest } from '../src/engine/eval/manifest';
import { loadModels } from '../src/engine/models';
import {
  createNodeRuntime,
  fileFetch,
  localModelUrl,
} from '../src/engine/node/runtime';
import { DEFAULT_ANALYSIS_OPTIONS } from '../src/engine/options';
import type { AnalysisOptions } from '../src/engine/options';
import { analyzeFrame, frameToTensor } from '../src/engine/pipeline';
import type { FrameAnalysis } from '../src/engine/types';
import { benchArgs } from './args';

const SETS = ['vladmandic', 'dlib', 'faceapi'];

interface Sample {
  file: string;
  expected: number;
}

const USAGE = `Visage detector candidates on labelled photos at camera size.

  npx tsx bench/detectors.ts [options]

  --data DIR    labelled photos in the layout of ../shared/data/faces
                (default ../shared/data/faces)
  --only TEXT   only the candidates whose name holds TEXT
  --help        this text`;

const args = benchArgs(USAGE, {
  data: { type: 'string', default: '../shared/data/faces' },
  only: { type: 'string', default: '' },
});

async function samples(dataDir: string): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const set of SETS) {
    const csv = await readFile(path.join(dataDir, set, 'manifest.csv'), 'utf8');
    for (const entry of parseManifest(csv).entries) {
      if (entry.facesExpected === null) continue;
      out.push({
        file: path.join(dataDir, set, entry.file),
        expected: entry.facesExpected,
      });
    }
  }
  return out;
}

/** Faces found and extra detections, by count, over a group of photos. */
class Tally {
  photos = 0;
  expected = 0;
  found = 0;
  extra = 0;
  ms = 0;

  add(expected: number, result: FrameAnalysis): void {
    this.photos += 1;
    this.expected += expected;
    this.found += Math.min(result.faces.length, expected);
    this.extra += Math.max(0, result.faces.length - expected);
    this.ms += result.timings.detectMs;
  }

  toString(): string {
    const pct = (100 * this.found) / Math.max(1, this.expected);
    const photos = Math.max(1, this.photos);
    return (
      `found ${pct.toFixed(1)}% of ${this.expected}, ` +
      `extra ${(this.extra / photos).toFixed(3)}/photo, ` +
      `${(this.ms / photos).toFixed(0)} ms`
    );
  }
}

const candidates: [string, Partial<AnalysisOptions>][] = [
  ['tiny 320 / 0.5', tiny(320, 0.5)],
  ['tiny 416 / 0.5', tiny(416, 0.5)],
  ['tiny 416 / 0.3', tiny(416, 0.3)],
  ['tiny 512 / 0.5', tiny(512, 0.5)],
  ['tiny 512 / 0.4', tiny(512, 0.4)],
  ['tiny 512 / 0.3', tiny(512, 0.3)],
  ['tiny 608 / 0.3', tiny(608, 0.3)],
  ['ssd / 0.5', { detector: 'ssd', ssdMinConfidence: 0.5 }],
  ['ssd / 0.3', { detector: 'ssd', ssdMinConfidence: 0.3 }],
];

function tiny(
  tinyInputSize: number,
  tinyScoreThreshold: number,
): Partial<AnalysisOptions> {
  return { detector: 'tiny', tinyInputSize, tinyScoreThreshold };
}

/** Camera clips in the data folder: file, and the faces in every frame. */
const CLIPS: [string, number][] = [
  ['video/stock_emotions_a_640x480_10fps.mjpeg', 1],
];

/** Splits an MJPEG file (JPEGs back to back) into its JPEG frames. */
function mjpegFrames(file: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let start = file.indexOf(Buffer.from([0xff, 0xd8]));
  while (start >= 0) {
    const end = file.indexOf(Buffer.from([0xff, 0xd9]), start);
    if (end < 0) break;
    frames.push(file.subarray(start, end + 2));
    start = file.indexOf(Buffer.from([0xff, 0xd8]), end + 2);
  }
  return frames;
}

async function main(): Promise<void> {
  const dataDir = args.data;
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
  console.info(`${list.length} photos from ${SETS.join(', ')}`);

  const clips = await Promise.all(
    CLIPS.map(async ([file, faces]) => ({
      file,
      faces,
      frames: await Promise.all(
        mjpegFrames(await readFile(path.join(dataDir, file))).map(
          async (jpeg) => {
            const { data, info } = await sharp(jpeg)
              .ensureAlpha()
              .raw()
              .toBuffer({ resolveWithObject: true });
            return { width: info.width, height: info.height, data };
          },
        ),
      ),
    })),
  );
  const only = args.only;
  for (const [name, overrides] of candidates) {
    if (!name.includes(only)) continue;
    const options = {
      ...DEFAULT_ANALYSIS_OPTIONS,
      ...overrides,
      maxFaces: 50,
      landmarks: false,
      expressions: false,
      ageGender: false,
      recognition: false,
    };
    // Scenes (long side >= 400 px) look like camera frames; smaller photos
    // are face chips and headshots, which no detector handles well plain.
    const tally = { scene: new Tally(), chip: new Tally() };
    for (const [i, frame] of frames.entries()) {
      const tensor = frameToTensor(runtime, frame);
      const result = await analyzeFrame(runtime, tensor, options);
      tensor.dispose();
      const kind =
        Math.max(frame.width, frame.height) >= 400 ? 'scene' : 'chip';
      tally[kind].add(list[i]?.expected ?? 0, result);
    }
    const perClip = [];
    for (const clip of clips) {
      const tally = new Tally();
      for (const frame of clip.frames) {
        const tensor = frameToTensor(runtime, frame);
        tally.add(clip.faces, await analyzeFrame(runtime, tensor, options));
        tensor.dispose();
      }
      perClip.push(`${path.basename(clip.file)}: ${tally}`);
    }
    console.info(
      `${name.padEnd(16)} scenes: ${tally.scene}   chips: ${tally.chip}` +
        perClip.map((text) => `\n${' '.repeat(17)}${text}`).join(''),
    );
  }
}

await main();
