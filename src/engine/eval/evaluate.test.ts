// The evaluation end to end on real models in Node (WASM backend), on a
// tiny folder this test builds in a temporary directory from the demo photos
// of @vladmandic/face-api:
//
//   people/  person "a" (the woman front left in sample5.jpg, whom
//            recognition.test.ts shows to be 0.657 or more from every face
//            in the other demo photos) as four headshots: cropped, mirrored,
//            shrunk, darkened; two strangers cut from sample1.jpg; a 48x48
//            chip of "a"; a pairs.csv; a manifest with CRLF line ends, a
//            byte order mark and a quoted note holding a comma and a line
//            break.
//   scenes/  sample1.jpg (3 faces), a plain gradient with no face, a row
//            naming a clip (skipped) and one naming a missing photo.
import { copyFile, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderSource } from '../../../eval/folder';
import { startBackend } from '../backend';
import { loadModels } from '../models';
import { readPixelFrame } from '../node/image';
import { createNodeRuntime, fileFetch, localModelUrl } from '../node/runtime';
import { DEFAULT_ANALYSIS_OPTIONS } from '../options';
import { analyzeFrame, frameToTensor } from '../pipeline';
import type { Box } from '../types';
import type { EvaluationReport } from './evaluate';
import { runEvaluation } from './evaluate';
import { formatReport } from './table';

const demoDir = path.join(
  path.dirname(
    createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json'),
  ),
  'demo',
);

const runtime = createNodeRuntime();
let dir: string;
let report: EvaluationReport;
const progress: number[] = [];

/** Face boxes the live detector finds in a demo photo, left to right. */
async function faceBoxes(file: string): Promise<Box[]> {
  const frame = await readPixelFrame(path.join(demoDir, file));
  const image = frameToTensor(runtime, frame);
  try {
    const { faces } = await analyzeFrame(runtime, image, {
      ...DEFAULT_ANALYSIS_OPTIONS,
      landmarks: false,
      expressions: false,
      ageGender: false,
      recognition: false,
    });
    return faces.map((f) => f.box).sort((a, b) => a.x - b.x);
  } finally {
    image.dispose();
  }
}

/** A headshot: the box grown by 40% of its size on each side. */
function headshot(file: string, box: Box): Sharp {
  const grow = 0.4 * Math.max(box.width, box.height);

  return sharp(path.join(demoDir, file)).extract({
    left: Math.max(0, Math.round(box.x - grow)),
    top: Math.max(0, Math.round(box.y - grow)),
    width: Math.round(box.width + 2 * grow),
    height: Math.round(box.height + 2 * grow),
  });
}

beforeAll(async () => {
  await startBackend(runtime, 'wasm', { wasmThreads: 1 });
  await loadModels(runtime, localModelUrl(), { fetch: fileFetch });
  dir = await mkdtemp(path.join(tmpdir(), 'visage-eval-'));
  const people = path.join(dir, 'people');
  const scenes = path.join(dir, 'scenes');
  await mkdir(path.join(people, 'img'), { recursive: true });
  await mkdir(scenes);

  const [a] = await faceBoxes('sample5.jpg');
  const strangers = await faceBoxes('sample1.jpg');
  if (!a || strangers.length < 2) throw new Error('demo faces not found');
  const crop = await headshot('sample5.jpg', a).toBuffer();
  const jpeg = (image: Sharp, name: string) =>
    image.jpeg({ quality: 92 }).toFile(path.join(people, 'img', name));
  await jpeg(sharp(crop), 'a_1.jpg');
  await jpeg(sharp(crop).flop(), 'a_2.jpg');
  const { width = 0 } = await sharp(crop).metadata();
  await jpeg(sharp(crop).resize(Math.round(width * 0.6)), 'a_3.jpg');
  await jpeg(sharp(crop).linear(0.5, 0), 'a_4.jpg');
  await jpeg(headshot('sample1.jpg', strangers[0]!), 's_1.jpg');
  await jpeg(headshot('sample1.jpg', strangers[1]!), 's_2.jpg');
  await jpeg(sharp(crop).resize(48, 48).grayscale(), 'a_chip.jpg');

  const header = 'file,identity,faces_expected,age,gender,expression,notes';
  await writeFile(
    path.join(people, 'manifest.csv'),
    '\uFEFF' +
      [
        header,
        'img/a_1.jpg,a,1,30,female,,"cropped, then\nsaved as JPEG"',
        'img/a_2.jpg,a,1,30,female,,mirrored',
        'img/a_3.jpg,a,1 (a headshot),30,female,,60%',
        'img/a_4.jpg,a,1,30,female,,darkened',
        'img/s_1.jpg,s1,1,,female,,',
        'img/s_2.jpg,s2,1,,female,,',
        'img/a_chip.jpg,,1,,,neutral (a guess),48x48',
      ].join('\r\n') +
      '\r\n',
  );
  await writeFile(
    path.join(people, 'pairs.csv'),
    [
      'file_a,file_b,same_person',
      'img/a_1.jpg,img/a_2.jpg,1',
      'img/a_1.jpg,img/a_3.jpg,1',
      'img/a_2.jpg,img/a_4.jpg,1',
      'img/a_1.jpg,img/s_1.jpg,0',
      'img/a_3.jpg,img/s_2.jpg,0',
      'img/a_4.jpg,img/s_1.jpg,0',
    ].join('\n'),
  );

  await copyFile(
    path.join(demoDir, 'sample1.jpg'),
    path.join(scenes, 'sample1.jpg'),
  );
  const gradient = Buffer.alloc(320 * 240 * 3);
  for (let i = 0; i < 320 * 240; i++) gradient.fill(i % 320, i * 3, i * 3 + 3);
  await sharp(gradient, { raw: { width: 320, height: 240, channels: 3 } })
    .png()
    .toFile(path.join(scenes, 'gradient.png'));
  await writeFile(
    path.join(scenes, 'manifest.csv'),
    [
      'file,identity,faces_expected',
      'sample1.jpg,,3',
      'gradient.png,,0',
      'clip.mjpeg,,1',
      'missing.jpg,,1',
    ].join('\n'),
  );

  report = await runEvaluation(runtime, folderSource(dir), {
    detector: 'tiny',
    onProgress: ({ done }) => progress.push(done),
  });
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('runEvaluation on a folder built from the demo photos', () => {
  it('reads both sets, skips the clip and reports the missing photo', () => {
    expect(report.meta.sets.map((s) => [s.name, s.photos])).toEqual([
      ['people', 7],
      ['scenes', 3],
    ]);
    expect(report.meta.sets[1]?.skippedRows).toEqual([
      { line: 4, file: 'clip.mjpeg', reason: 'not a still image' },
    ]);
    expect(report.problems).toContainEqual({
      set: 'scenes',
      file: 'missing.jpg',
      reason: 'file not found',
    });
    expect(progress).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(report.meta.tensorsLeaked).toBe(0);
  });

  it('finds the faces of the scene and headshots, none on the gradient', () => {
    // sample1's three, one in each headshot with a plain count of 1.
    expect(report.detection).toMatchObject({
      n: 8,
      images: 7,
      recall: 1,
      negatives: { n: 1, falseDetections: 0 },
    });
    expect(report.detection.bySet.scenes).toMatchObject({ n: 3, recall: 1 });
    // The headshots are found by the photo analysis; the chip is not
    // detected at all but given to the networks whole.
    expect(report.detection.singleFace).toMatchObject({ n: 6, found: 6 });
    expect(report.detection.wholeImageCrops).toBe(1);
  });

  it('verifies the pairs: her copies within the threshold, strangers not', () => {
    expect(report.verification).toMatchObject({
      n: 6,
      pairs: 6,
      detectionFailures: 0,
      genuine: 3,
      impostor: 3,
      accuracyAtDefault: 1,
      auc: 1,
      tarAtFar1: 1,
    });
    expect(report.verification?.bestThreshold).toBeGreaterThan(0.3);
    expect(report.verification?.bestThreshold).toBeLessThan(0.8);
  });

  it('names her probes and no stranger, with each strategy and FaceMatcher', () => {
    const id = report.identification!;

    expect(id.k).toBe(3);
    expect(id.rank1).toEqual({
      n: 1,
      nearest: 1,
      mean: 1,
      centroid: 1,
      faceMatcher: 1,
    });
    expect(id.n).toBe(2);
    expect(id.falseAcceptRates).toEqual({
      nearest: 0,
      mean: 0,
      centroid: 0,
      faceMatcher: 0,
    });
    const k1 = id.byK.find((r) => r.k === 1)!;
    expect(k1.atDefault.nearest).toMatchObject({
      identified: 3,
      probes: 3,
      falseAccepts: 0,
      strangers: 2,
    });
  });

  it('estimates age and gender on the headshots, expression on the chip', () => {
    expect(report.age.n).toBe(4);
    expect(report.age.mae).toBeLessThan(25);
    expect(report.gender.n).toBe(6);
    expect(report.expression).toMatchObject({
      n: 1,
      wholeImage: { n: 1 },
      detected: { n: 0 },
    });
    expect(report.expression.confusion.flat().reduce((s, v) => s + v)).toBe(1);
  });

  it('prints a table that names every section and the whole-photo crops', () => {
    const table = formatReport(report);

    for (const heading of [
      'Detection',
      'Verification',
      'Identification',
      'Age and gender',
      'Expressions',
      'whole photo as the face',
    ]) {
      expect(table).toContain(heading);
    }
    expect(JSON.parse(JSON.stringify(report))).toMatchObject({
      detection: { recall: 1, n: 8 },
      verification: { accuracyAtDefault: 1, n: 6 },
    });
  });
});
