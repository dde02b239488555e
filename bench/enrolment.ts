/**
 * How enrolment photos fare: plain detection against detectForEnrolment on
 * tight face chips and LFW-style headshots, and what the quality gate's
 * defaults accept. Prints one line per set.
 *
 *   npm run bench:enrolment -- [--data ../shared/data/faces] [--lfw-step 4]
 *
 * Node, WASM backend. Reads the `faceapi` (150x150 chips) and `lfw`
 * (250x250) sets in the layout of that folder's README.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startBackend } from '../src/engine/backend';
import { detectForEnrolment } from '../src/engine/enrol/photo';
import { checkQuality } from '../src/engine/enrol/quality';
import { parseManifest } from '../src/engine/eval/manifest';
import { loadModels } from '../src/engine/models';
import { readPixelFrame } from '../src/engine/node/image';
import {
  createNodeRuntime,
  fileFetch,
  localModelUrl,
} from '../src/engine/node/runtime';
import { DEFAULT_ANALYSIS_OPTIONS } from '../src/engine/options';
import { analyzeFrame, frameToTensor } from '../src/engine/pipeline';
import type { FaceAnalysis, PixelFrame } from '../src/engine/types';
import { benchArgs } from './args';

const USAGE = `Visage enrolment photos: plain detection against detectForEnrolment.

  npm run bench:enrolment -- [options]

  --data DIR       labelled photos in the layout of ../shared/data/faces
                   (default ../shared/data/faces)
  --lfw-step N     every Nth LFW photo (default 4)
  --help           this text`;

const values = benchArgs(USAGE, {
  data: { type: 'string', default: '../shared/data/faces' },
  'lfw-step': { type: 'string', default: '4' },
});
const dataDir = values.data;
const lfwStep = Math.max(1, Number(values['lfw-step']));

/**
 * Files of a set's manifest with one face ("1", or LFW's "1 (centred...)"),
 * filtered by name.
 */
async function singleFaceFiles(
  set: string,
  keep: (file: string, index: number) => boolean,
): Promise<string[]> {
  const csv = await readFile(path.join(dataDir, set, 'manifest.csv'), 'utf8');

  return parseManifest(csv)
    .entries.filter((entry) => entry.singleFace)
    .map((entry) => entry.file)
    .filter(keep)
    .map((file) => path.join(dataDir, set, file));
}

/**
 * A face box at least `share` of the photo's shorter side: on a chip the face
 * fills the photo, and a smaller box is a half-face miss.
 */
function hasWholeFace(
  faces: FaceAnalysis[],
  frame: PixelFrame,
  share: number,
): boolean {
  const side = share * Math.min(frame.width, frame.height);

  return faces.some((f) => Math.min(f.box.width, f.box.height) >= side);
}

const runtime = createNodeRuntime();
await startBackend(runtime, 'wasm', { wasmThreads: 1 });
await loadModels(runtime, localModelUrl(), { fetch: fileFetch });

// LFW faces fill about 45% of the photo's side, chips nearly all of it.
const sets: [string, string[], number][] = [
  [
    'face-api chips',
    await singleFaceFiles('faceapi', (f) => f.endsWith('.png')),
    0.4,
  ],
  [
    'LFW 250x250',
    await singleFaceFiles('lfw', (_f, i) => i % lfwStep === 0),
    0.25,
  ],
];
const plain = {
  ...DEFAULT_ANALYSIS_OPTIONS,
  expressions: false,
  ageGender: false,
  recognition: false,
};

for (const [name, files, share] of sets) {
  let tiny = 0;
  let ssd = 0;
  let enrolled = 0;
  let accepted = 0;
  let ms = 0;
  const refusals: Record<string, number> = {};
  for (const file of files) {
    const frame = await readPixelFrame(file);

    // Plain detection, as the live view runs it, with each detector.
    const image = frameToTensor(runtime, frame);
    const byTiny = await analyzeFrame(runtime, image, plain);
    const bySsd = await analyzeFrame(runtime, image, {
      ...plain,
      detector: 'ssd',
    });
    image.dispose();
    tiny += Number(hasWholeFace(byTiny.faces, frame, share));
    ssd += Number(hasWholeFace(bySsd.faces, frame, share));

    // Enrolment detection, then the quality gate on its best face.
    const start = performance.now();
    const found = await detectForEnrolment(runtime, frame);
    ms += performance.now() - start;
    const face = found.faces[0];
    if (!face || !hasWholeFace(found.faces, frame, share)) continue;
    enrolled += 1;
    const quality = checkQuality(face, frame, []);
    if (quality.accepted) accepted += 1;
    for (const reason of quality.reasons) {
      const key = reason.axis ? `${reason.code} (${reason.axis})` : reason.code;
      refusals[key] = (refusals[key] ?? 0) + 1;
    }
  }
  const reasons = Object.entries(refusals)
    .map(([key, count]) => `${key} ${count}`)
    .join(', ');
  console.info(
    `${name}: ${files.length} photos, whole face found by plain Tiny ` +
      `${tiny}, plain SSD ${ssd}, detectForEnrolment ${enrolled} ` +
      `(${(ms / Math.max(1, files.length)).toFixed(0)} ms/photo); quality ` +
      `gate accepts ${accepted}${reasons ? ` (refused: ${reasons})` : ''}`,
  );
}
