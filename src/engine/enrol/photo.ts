/**
 * Finding faces in photos chosen for enrolment, including the tightly
 * cropped headshots and face chips that both detectors miss as the live view
 * uses them: a face that fills the whole picture is larger than any face
 * they were trained to box. Placing the photo on a bigger canvas makes the
 * face smaller relative to the input, and the detectors find it again.
 * Large photos are scaled down first; results come back in the photo's own
 * pixels either way.
 *
 * For photos only: the live view keeps its single, cheaper pass.
 */
import type { AnalysisOptions, DetectorKind } from '../options';
import {
  DEFAULT_ANALYSIS_OPTIONS,
  normalizeAnalysisOptions,
  photoAnalysisOptions,
} from '../options';
import { analyzeFrame, frameToTensor } from '../pipeline';
import type { Runtime, Tensor3D } from '../runtime';
import { tfOf } from '../runtime';
import type { FaceAnalysis, PixelFrame, Point } from '../types';

/** Settings for detectForEnrolment; see resolveEnrolmentOptions. */
export interface EnrolmentDetectionOptions {
  /**
   * Detector and stages for the first, plain attempt; later attempts change
   * only the detector and its input size. Landmarks and recognition always
   * run. Defaults to DEFAULT_ANALYSIS_OPTIONS with the photo detector and
   * expressions and age and gender off.
   */
  analysis: AnalysisOptions;
  /**
   * Longest side, in pixels, of what the detectors see; larger photos and
   * padded canvases are scaled down first. 320..4096. Defaults to 1280.
   */
  maxSidePx: number;
  /**
   * Size of the padded canvas as a multiple of the photo's, 1.25..3.
   * Defaults to 2: on 46 face chips 122 to 266 px wide, SSD on a canvas
   * 1.5 times the chip still missed 10 and on one twice the size 4; the Tiny
   * Face Detector at 320 on the doubled canvas found all 46.
   */
  padScale: number;
  /**
   * A best face scoring at least this ends the search, 0..1. Below it the
   * next attempt runs too, and the attempt with the best-scoring face wins:
   * on a tight chip the plain pass often boxes half the face at a low
   * score. Defaults to 0.7.
   */
  confidentScore: number;
}

/** One way of looking for faces: a detector on the photo or padded photo. */
export interface EnrolmentAttempt {
  detector: DetectorKind;
  /** Tiny Face Detector input size; absent for SSD. */
  tinyInputSize?: number;
  /** Canvas size over photo size: 1 for the photo as it is. */
  padScale: number;
}

/** What detectForEnrolment found. */
export interface EnrolmentDetection {
  /** Faces with landmarks and descriptors, in the photo's own pixels. */
  faces: FaceAnalysis[];
  /** The attempt that found them; null when none did. */
  attempt: EnrolmentAttempt | null;
  /** How many attempts ran in all, 1 when the plain one was confident. */
  attemptsRun: number;
}

/** The defaults each field's comment states. */
export const DEFAULT_ENROLMENT_OPTIONS: Readonly<EnrolmentDetectionOptions> = {
  analysis: {
    ...photoAnalysisOptions(DEFAULT_ANALYSIS_OPTIONS),
    expressions: false,
    ageGender: false,
  },
  maxSidePx: 1280,
  padScale: 2,
  confidentScore: 0.7,
};

/**
 * Fills in defaults. Analysis options are brought into range as everywhere
 * else; a maxSidePx, padScale or confidentScore outside its range throws a
 * RangeError naming it.
 */
export function resolveEnrolmentOptions(
  overrides: Partial<EnrolmentDetectionOptions> = {},
): EnrolmentDetectionOptions {
  const d = DEFAULT_ENROLMENT_OPTIONS;
  const maxSidePx = overrides.maxSidePx ?? d.maxSidePx;
  const padScale = overrides.padScale ?? d.padScale;
  const confidentScore = overrides.confidentScore ?? d.confidentScore;
  if (!(maxSidePx >= 320 && maxSidePx <= 4096)) {
    throw new RangeError(
      `Expected maxSidePx from 320 to 4096 pixels but got ${maxSidePx}.`,
    );
  }
  if (!(padScale >= 1.25 && padScale <= 3)) {
    throw new RangeError(
      `Expected padScale from 1.25 to 3 but got ${padScale}.`,
    );
  }
  if (!(confidentScore >= 0 && confidentScore <= 1)) {
    throw new RangeError(
      `Expected confidentScore from 0 to 1 but got ${confidentScore}.`,
    );
  }

  return {
    analysis: normalizeAnalysisOptions(overrides.analysis ?? d.analysis),
    maxSidePx: Math.round(maxSidePx),
    padScale,
    confidentScore,
  };
}

/**
 * The attempts in the order they run: the plain one as configured, then
 * the padded photo with the Tiny Face Detector at 320 (it found every chip
 * measured, and is the cheapest), then with SSD MobileNet v1.
 */
export function enrolmentAttempts(
  options: EnrolmentDetectionOptions,
): EnrolmentAttempt[] {
  const { analysis, padScale } = options;
  const plain: EnrolmentAttempt =
    analysis.detector === 'tiny'
      ? { detector: 'tiny', tinyInputSize: analysis.tinyInputSize, padScale: 1 }
      : { detector: 'ssd', padScale: 1 };

  return [
    plain,
    { detector: 'tiny', tinyInputSize: 320, padScale },
    { detector: 'ssd', padScale },
  ];
}

/**
 * Finds the faces of an enrolment photo: the plain attempt first, then the
 * retries of enrolmentAttempts until one finds a face scoring at least
 * confidentScore; when none does, the attempt with the best-scoring face.
 * Boxes and landmarks come back in the photo's pixels, clipped to it, and
 * faces found only in the padding are dropped. Every tensor made here is
 * released before the promise settles.
 */
export async function detectForEnrolment(
  runtime: Runtime,
  frame: PixelFrame,
  overrides: Partial<EnrolmentDetectionOptions> = {},
): Promise<EnrolmentDetection> {
  const options = resolveEnrolmentOptions(overrides);
  const attempts = enrolmentAttempts(options);
  const photo = frameToTensor(runtime, frame);
  let best: EnrolmentDetection = { faces: [], attempt: null, attemptsRun: 0 };
  let attemptsRun = 0;
  try {
    for (const attempt of attempts) {
      const faces = await runAttempt(runtime, photo, attempt, options);
      attemptsRun += 1;
      if (topScore(faces) > topScore(best.faces)) {
        best = { faces, attempt, attemptsRun };
      }
      if (topScore(faces) >= options.confidentScore) break;
    }
  } finally {
    photo.dispose();
  }

  return { ...best, attemptsRun };
}

/** The best detector score among `faces`, -1 when there are none. */
function topScore(faces: readonly FaceAnalysis[]): number {
  return faces.reduce((top, face) => Math.max(top, face.score), -1);
}

/** Where the photo lies on the canvas an attempt analyses. */
interface Placement {
  /** Canvas pixels per photo pixel, per axis. */
  scaleX: number;
  scaleY: number;
  /** Canvas pixels left of and above the photo. */
  left: number;
  top: number;
  /** The photo's own size. */
  width: number;
  height: number;
}

async function runAttempt(
  runtime: Runtime,
  photo: Tensor3D,
  attempt: EnrolmentAttempt,
  options: EnrolmentDetectionOptions,
): Promise<FaceAnalysis[]> {
  const { canvas, placement } = makeCanvas(
    runtime,
    photo,
    attempt.padScale,
    options.maxSidePx,
  );
  const analysis: AnalysisOptions = {
    ...options.analysis,
    detector: attempt.detector,
    tinyInputSize: attempt.tinyInputSize ?? options.analysis.tinyInputSize,
    landmarks: true,
    recognition: true,
  };
  try {
    const result = await analyzeFrame(runtime, canvas, analysis);

    return result.faces
      .filter((face) => centreInPhoto(face, placement))
      .map((face) => toPhoto(face, placement));
  } finally {
    if (canvas !== photo) canvas.dispose();
  }
}

/**
 * The photo scaled so the canvas's long side is at most maxSidePx, then
 * padded with its mean colour to padScale times its size. A flat colour adds
 * no edges for the detectors to mistake for faces; mirrored padding would
 * add half-faces.
 */
function makeCanvas(
  runtime: Runtime,
  photo: Tensor3D,
  padScale: number,
  maxSidePx: number,
): { canvas: Tensor3D; placement: Placement } {
  const tf = tfOf(runtime);
  const [height, width] = photo.shape;
  const fit = Math.min(1, maxSidePx / (padScale * Math.max(width, height)));
  const scaledW = Math.max(1, Math.round(width * fit));
  const scaledH = Math.max(1, Math.round(height * fit));
  const left = Math.round((scaledW * (padScale - 1)) / 2);
  const top = Math.round((scaledH * (padScale - 1)) / 2);
  const placement: Placement = {
    scaleX: scaledW / width,
    scaleY: scaledH / height,
    left,
    top,
    width,
    height,
  };
  if (fit === 1 && padScale === 1) return { canvas: photo, placement };

  const canvas = tf.tidy(() => {
    // Half-pixel centres keep canvas = photo * scale exact for the mapping.
    const scaled =
      fit === 1
        ? tf.cast(photo, 'float32')
        : tf.image.resizeBilinear(photo, [scaledH, scaledW], false, true);
    if (padScale === 1) return scaled;

    // Pad around zero, then add the mean back: the border takes the mean.
    const meanColour = tf.mean(scaled, [0, 1]);
    const padded = tf.pad(tf.sub(scaled, meanColour), [
      [top, top],
      [left, left],
      [0, 0],
    ]);

    return tf.add(padded, meanColour);
  }) as Tensor3D;

  return { canvas, placement };
}

function centreInPhoto(face: FaceAnalysis, p: Placement): boolean {
  const { x, y } = toPhotoPoint(
    { x: face.box.x + face.box.width / 2, y: face.box.y + face.box.height / 2 },
    p,
  );

  return x >= 0 && x <= p.width && y >= 0 && y <= p.height;
}

/** A face found on the canvas, in photo pixels and clipped to the photo. */
function toPhoto(face: FaceAnalysis, p: Placement): FaceAnalysis {
  const topLeft = clipPoint(toPhotoPoint(face.box, p), p);
  const bottomRight = clipPoint(
    toPhotoPoint(
      { x: face.box.x + face.box.width, y: face.box.y + face.box.height },
      p,
    ),
    p,
  );
  const mapped: FaceAnalysis = {
    ...face,
    box: {
      x: topLeft.x,
      y: topLeft.y,
      width: bottomRight.x - topLeft.x,
      height: bottomRight.y - topLeft.y,
    },
  };
  if (face.landmarks) {
    mapped.landmarks = face.landmarks.map((point) =>
      clipPoint(toPhotoPoint(point, p), p),
    );
  }

  return mapped;
}

function toPhotoPoint(point: Point, p: Placement): Point {
  return { x: (point.x - p.left) / p.scaleX, y: (point.y - p.top) / p.scaleY };
}

function clipPoint(point: Point, p: Placement): Point {
  return {
    x: Math.min(p.width, Math.max(0, point.x)),
    y: Math.min(p.height, Math.max(0, point.y)),
  };
}
