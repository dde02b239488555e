// Enrolment on real models in Node (WASM backend): tight face chips cut from
// the demo photos of @vladmandic/face-api, which both detectors miss as the
// live view uses them, and the quality gate on real faces. Models load once.
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { startBackend } from '../backend';
import { loadModels } from '../models';
import { readPixelFrame } from '../node/image';
import { createNodeRuntime, fileFetch, localModelUrl } from '../node/runtime';
import { DEFAULT_ANALYSIS_OPTIONS } from '../options';
import { analyzeFrame, frameToTensor } from '../pipeline';
import { tfOf } from '../runtime';
import { iou } from '../tracker';
import type { Box, FaceAnalysis, PixelFrame } from '../types';
import {
  DEFAULT_ENROLMENT_OPTIONS,
  detectForEnrolment,
  enrolmentAttempts,
  resolveEnrolmentOptions,
} from './photo';
import { checkQuality } from './quality';

const demoDir = path.join(
  path.dirname(
    createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json'),
  ),
  'demo',
);

const runtime = createNodeRuntime();
/** sample1.jpg's three faces, left to right, as the live view finds them. */
let sample1Faces: FaceAnalysis[] = [];
let sample1: PixelFrame;
let sample5: PixelFrame;

/** Detects at the live view's defaults, in the given photo's pixels. */
async function detectPlain(
  frame: PixelFrame,
  detector: 'tiny' | 'ssd' = 'tiny',
): Promise<FaceAnalysis[]> {
  const image = frameToTensor(runtime, frame);
  try {
    const result = await analyzeFrame(runtime, image, {
      ...DEFAULT_ANALYSIS_OPTIONS,
      detector,
    });
    return result.faces;
  } finally {
    image.dispose();
  }
}

/** The face box alone, stretched to side x side, optionally blurred. */
async function faceChip(
  frame: PixelFrame,
  box: Box,
  side: number,
  blurSigma = 0,
): Promise<PixelFrame> {
  const raw = {
    width: frame.width,
    height: frame.height,
    channels: 4 as const,
  };
  const cut = await sharp(frame.data, { raw })
    .extract({
      left: Math.round(box.x),
      top: Math.round(box.y),
      width: Math.round(box.width),
      height: Math.round(box.height),
    })
    .resize(side, side, { fit: 'fill' })
    .raw()
    .toBuffer();
  const data =
    blurSigma > 0
      ? await sharp(cut, { raw: { width: side, height: side, channels: 4 } })
          .blur(blurSigma)
          .raw()
          .toBuffer()
      : cut;

  return { width: side, height: side, data: new Uint8Array(data) };
}

beforeAll(async () => {
  await startBackend(runtime, 'wasm', { wasmThreads: 1 });
  await loadModels(runtime, localModelUrl(), { fetch: fileFetch });
  sample1 = await readPixelFrame(path.join(demoDir, 'sample1.jpg'));
  sample5 = await readPixelFrame(path.join(demoDir, 'sample5.jpg'));
  sample1Faces = (await detectPlain(sample1)).sort((a, b) => a.box.x - b.box.x);
}, 120_000);

describe('enrolment detection options', () => {
  it('fills in defaults and refuses values out of range', () => {
    expect(resolveEnrolmentOptions()).toEqual(DEFAULT_ENROLMENT_OPTIONS);
    expect(() => resolveEnrolmentOptions({ padScale: 5 })).toThrow(
      'Expected padScale from 1.25 to 3 but got 5.',
    );
    expect(() => resolveEnrolmentOptions({ maxSidePx: 100 })).toThrow(
      /maxSidePx from 320 to 4096 pixels but got 100/,
    );
    expect(() => resolveEnrolmentOptions({ confidentScore: -1 })).toThrow(
      /confidentScore/,
    );
  });

  it('tries the photo as configured first, then padded with each detector', () => {
    const ssd = resolveEnrolmentOptions({
      analysis: { ...DEFAULT_ANALYSIS_OPTIONS, detector: 'ssd' },
    });

    expect(enrolmentAttempts(ssd)).toEqual([
      { detector: 'ssd', padScale: 1 },
      { detector: 'tiny', tinyInputSize: 320, padScale: 2 },
      { detector: 'ssd', padScale: 2 },
    ]);
  });
});

/** Chips cut from each of sample1.jpg's faces at two sizes. */
const CHIPS = [1, 2, 3].flatMap((face) =>
  [150, 200].map((side) => [face, side] as const),
);

describe('tight face chips cut from sample1.jpg', () => {
  const chips = new Map<string, PixelFrame>();
  const chipName = (face: number, side: number) => `face ${face} at ${side} px`;

  beforeAll(async () => {
    expect(sample1Faces).toHaveLength(3);
    for (const [face, side] of CHIPS) {
      const { box } = sample1Faces[face - 1] as FaceAnalysis;
      chips.set(chipName(face, side), await faceChip(sample1, box, side));
    }
  });

  it('defeat plain detection: neither detector boxes the face on some', async () => {
    const missed: string[] = [];
    for (const [name, frame] of chips) {
      const whole = (faces: FaceAnalysis[]) =>
        faces.some(
          (f) => Math.min(f.box.width, f.box.height) > frame.width / 2,
        );
      const tiny = await detectPlain(frame, 'tiny');
      const ssd = await detectPlain(frame, 'ssd');
      if (!whole(tiny) && !whole(ssd)) missed.push(name);
    }

    expect(missed.length, missed.join('; ')).toBeGreaterThanOrEqual(2);
  });

  it.each(CHIPS)(
    'detectForEnrolment finds exactly one whole face: face %i at %i px',
    async (index, side) => {
      const chip = chips.get(chipName(index, side));
      if (!chip) throw new Error('chip not cut');
      const { faces, attempt } = await detectForEnrolment(runtime, chip);

      expect(faces).toHaveLength(1);
      expect(attempt).not.toBeNull();
      const [face] = faces as [FaceAnalysis];
      expect(Math.min(face.box.width, face.box.height)).toBeGreaterThan(
        side / 2,
      );
      expect(face.box.x).toBeGreaterThanOrEqual(0);
      expect(face.box.x + face.box.width).toBeLessThanOrEqual(side);
      expect(face.descriptor).toHaveLength(128);
      const xs = (face.landmarks ?? []).map((p) => p.x);
      const ys = (face.landmarks ?? []).map((p) => p.y);
      expect(xs).toHaveLength(68);
      expect(Math.min(...xs, ...ys)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...xs, ...ys)).toBeLessThanOrEqual(side);
      // The landmarks span the face, not a corner of the chip.
      expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(side / 2);
    },
  );
});

describe('the quality gate on real faces', () => {
  it('refuses a blurred copy of a face as blurred and passes the sharp one', async () => {
    const face = sample1Faces[0];
    if (!face) throw new Error('no face in sample1.jpg');
    const verdicts = [];
    for (const sigma of [0, 3]) {
      const chip = await faceChip(sample1, face.box, 150, sigma);
      const found = await detectForEnrolment(runtime, chip);
      const [best] = found.faces;
      if (!best) throw new Error(`no face on the chip blurred by ${sigma}`);
      verdicts.push(checkQuality(best, chip, []));
    }
    const [sharpChip, blurredChip] = verdicts;

    expect(sharpChip?.reasons.map((r) => r.code)).not.toContain('blurred');
    expect(sharpChip?.metrics.sharpness).toBeGreaterThan(100);
    expect(blurredChip?.reasons.map((r) => r.code)).toContain('blurred');
    expect(blurredChip?.metrics.sharpness).toBeLessThan(50);
  });

  it('finds the faces of a large photo where one plain pass does, and gates them', async () => {
    const { faces, attempt } = await detectForEnrolment(runtime, sample5);
    const plain = await detectPlain(
      sample5,
      DEFAULT_ANALYSIS_OPTIONS.photoDetector,
    );

    // Analysed at 1280 px wide, mapped back to the photo's 1920 px.
    expect(attempt?.padScale).toBe(1);
    expect(faces).toHaveLength(plain.length);
    for (const face of faces) {
      const overlap = Math.max(...plain.map((l) => iou(l.box, face.box)));
      expect(overlap).toBeGreaterThan(0.8);
    }

    // The woman front left looks into the camera: accepted, then refused
    // as a duplicate of herself; the others are not her duplicates.
    const distanceTo = (f: FaceAnalysis) =>
      Math.hypot(
        f.box.x + f.box.width / 2 - 470,
        f.box.y + f.box.height / 2 - 1050,
      );
    const [frontal, ...others] = [...faces].sort(
      (a, b) => distanceTo(a) - distanceTo(b),
    ) as [FaceAnalysis, ...FaceAnalysis[]];
    const first = checkQuality(frontal, sample5, []);
    expect(first.reasons).toEqual([]);
    expect(first.accepted).toBe(true);

    const again = checkQuality(frontal, sample5, [
      frontal.descriptor as Float32Array,
    ]);
    expect(again.accepted).toBe(false);
    expect(again.reasons.map((r) => r.code)).toEqual(['duplicate']);

    const kept = others.map((f) => f.descriptor as Float32Array);
    const strangers = checkQuality(frontal, sample5, kept);
    expect(strangers.accepted).toBe(true);
    expect(strangers.metrics.nearestDistance).toBeGreaterThan(0.3);
  });
});

describe('tensor hygiene', () => {
  it('leaves the tensor count as it found it, on every path', async () => {
    const tf = tfOf(runtime);
    const face = sample1Faces[1];
    if (!face) throw new Error('no face in sample1.jpg');
    const chip = await faceChip(sample1, face.box, 150);
    const blank: PixelFrame = {
      width: 300,
      height: 200,
      data: new Uint8Array(300 * 200 * 4).fill(128),
    };
    const before = tf.memory().numTensors;

    // A chip (padded retries), a large photo (scaled), no face (all tries).
    await detectForEnrolment(runtime, chip);
    await detectForEnrolment(runtime, sample1);
    const none = await detectForEnrolment(runtime, blank);

    expect(none).toEqual({ faces: [], attempt: null, attemptsRun: 3 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
