/**
 * The quality gate every enrolment sample passes before it is kept: big
 * enough, confidently detected, sharp, roughly frontal and not a copy of a
 * sample already kept. Each refusal comes with a reason the UI can act on
 * and a sentence that tells the person what to change.
 */
import type { FaceAnalysis, PixelFrame } from '../types';
import { estimateHeadPose } from './pose';
import { faceSharpness } from './sharpness';

/** Thresholds of the gate; see resolveQualityOptions for the ranges. */
export interface QualityOptions {
  /** Least width and height of the face box, in pixels. Defaults to 80. */
  minFacePx: number;
  /** Least detector score, 0..1. Defaults to 0.5. */
  minScore: number;
  /**
   * Least sharpness (faceSharpness: Laplacian variance over the grey face
   * at 80x80). Defaults to 50: of 252 sharp faces 78 to 289 px wide none
   * measured under 55, and 226 of 231 faces 78 to 191 px wide blurred with
   * a 3 px Gaussian (sigma) fell under 50.
   */
  minSharpness: number;
  /** Largest left-right turn, in degrees. Defaults to 30. */
  maxYawDeg: number;
  /** Largest up-down nod, in degrees. Defaults to 25. */
  maxPitchDeg: number;
  /** Largest sideways tilt, in degrees. Defaults to 25. */
  maxRollDeg: number;
  /**
   * A descriptor closer than this (Euclidean) to a kept sample makes a
   * duplicate. Defaults to 0.15: LFW photos scaled to 0.7x and saved again
   * as JPEG came 0.05 to 0.35 from their originals (46 of 60 under 0.15),
   * two different photos of one person 0.27 to 0.80 (150 LFW pairs).
   */
  duplicateDistance: number;
}

/** The defaults each field's comment states. */
export const DEFAULT_QUALITY_OPTIONS: Readonly<QualityOptions> = {
  minFacePx: 80,
  minScore: 0.5,
  minSharpness: 50,
  maxYawDeg: 30,
  maxPitchDeg: 25,
  maxRollDeg: 25,
  duplicateDistance: 0.15,
};

/** Each option's valid range, checked once by resolveQualityOptions. */
const RANGES: Record<keyof QualityOptions, [number, number]> = {
  minFacePx: [0, 4096],
  minScore: [0, 1],
  minSharpness: [0, 100_000],
  maxYawDeg: [0, 90],
  maxPitchDeg: [0, 90],
  maxRollDeg: [0, 180],
  duplicateDistance: [0, 2],
};

/**
 * Fills in defaults and checks every value once, so the gate itself never
 * has to. Throws a RangeError naming the first option out of its range.
 */
export function resolveQualityOptions(
  overrides: Partial<QualityOptions> = {},
): QualityOptions {
  const options = { ...DEFAULT_QUALITY_OPTIONS, ...overrides };
  for (const [key, [min, max]] of Object.entries(RANGES)) {
    const value = options[key as keyof QualityOptions];
    if (!(typeof value === 'number' && value >= min && value <= max)) {
      throw new RangeError(
        `Expected quality option ${key} from ${min} to ${max} ` +
          `but got ${String(value)}.`,
      );
    }
  }

  return options;
}

/** Why the gate refused a sample, one code per rule. */
export type QualityIssueCode =
  'too-small' | 'low-score' | 'blurred' | 'turned' | 'duplicate';

/** One refusal: the rule, the measured value against its limit, and why. */
export interface QualityIssue {
  code: QualityIssueCode;
  /** For 'turned': which angle is over its limit. */
  axis?: 'yaw' | 'pitch' | 'roll';
  /** What was measured, in the rule's unit (px, score, degrees...). */
  value: number;
  /** The option's limit it was held against. */
  limit: number;
  /** A sentence for the person: what is wrong and what to do. */
  message: string;
}

/** What the gate measured on a sample. */
export interface QualityMetrics {
  /** The face box's smaller side, in pixels. */
  sizePx: number;
  /** Detector score, 0..1. */
  score: number;
  /** faceSharpness of the face box. */
  sharpness: number;
  /** Head pose in degrees; sign conventions in ./pose.ts. */
  yaw: number;
  pitch: number;
  roll: number;
  /** Distance to the nearest kept descriptor; null when none is kept. */
  nearestDistance: number | null;
}

/** The gate's verdict on one sample. */
export interface QualityResult {
  accepted: boolean;
  /** Empty when accepted, else every rule the sample failed. */
  reasons: QualityIssue[];
  metrics: QualityMetrics;
}

/**
 * Checks one sample. `face` needs its 68 landmarks and its descriptor (the
 * enrolment analysis always runs both) and must come from `frame`; `kept`
 * holds the descriptors already enrolled for this person. Throws when the
 * landmarks or the descriptor are missing or of the wrong size.
 */
export function checkQuality(
  face: FaceAnalysis,
  frame: PixelFrame,
  kept: readonly Float32Array[],
  options: QualityOptions = DEFAULT_QUALITY_OPTIONS,
): QualityResult {
  const { landmarks, descriptor } = face;
  if (!landmarks || landmarks.length !== 68) {
    throw new Error(
      `Expected 68 landmarks on an enrolment sample but got ` +
        `${landmarks?.length ?? 'none'}: analyse it with landmarks on.`,
    );
  }
  if (!descriptor) {
    throw new Error(
      'Expected a descriptor on an enrolment sample but got none: ' +
        'analyse it with recognition on.',
    );
  }

  const pose = estimateHeadPose(landmarks);
  const metrics: QualityMetrics = {
    sizePx: Math.min(face.box.width, face.box.height),
    score: face.score,
    sharpness: faceSharpness(frame, face.box),
    yaw: pose.yaw,
    pitch: pose.pitch,
    roll: pose.roll,
    nearestDistance: nearestDistance(descriptor, kept),
  };

  return {
    ...judge(metrics, options),
    metrics,
  };
}

/** Holds measured metrics against the options; pure, for tests and the UI. */
export function judge(
  metrics: QualityMetrics,
  options: QualityOptions = DEFAULT_QUALITY_OPTIONS,
): { accepted: boolean; reasons: QualityIssue[] } {
  const reasons: QualityIssue[] = [];
  const { sizePx, score, sharpness, nearestDistance: nearest } = metrics;

  if (!(sizePx >= options.minFacePx)) {
    reasons.push({
      code: 'too-small',
      value: sizePx,
      limit: options.minFacePx,
      message:
        `Face too small: ${px(sizePx)} wide, needs at least ` +
        `${px(options.minFacePx)}. Move closer or use a larger photo.`,
    });
  }

  if (!(score >= options.minScore)) {
    reasons.push({
      code: 'low-score',
      value: score,
      limit: options.minScore,
      message:
        `Face not clear enough: detection score ${score.toFixed(2)}, ` +
        `needs at least ${options.minScore.toFixed(2)}. Use a well-lit ` +
        'photo with the whole face visible and nothing covering it.',
    });
  }

  if (!(sharpness >= options.minSharpness)) {
    reasons.push({
      code: 'blurred',
      value: sharpness,
      limit: options.minSharpness,
      message:
        `Face too blurred: sharpness ${Math.round(sharpness)}, needs at ` +
        `least ${Math.round(options.minSharpness)}. Hold still, check ` +
        'the focus, or use a sharper photo.',
    });
  }

  const angles = [
    ['yaw', metrics.yaw, options.maxYawDeg, 'Face the camera'],
    ['pitch', metrics.pitch, options.maxPitchDeg, 'Keep the head level'],
    ['roll', metrics.roll, options.maxRollDeg, 'Keep the head upright'],
  ] as const;
  for (const [axis, angle, limit, advice] of angles) {
    if (Math.abs(angle) <= limit) continue;
    const measured = Number.isFinite(angle)
      ? `${TURN_WORDS[axis]} too far: ${deg(angle)}, at most ${deg(limit)}`
      : `pose could not be read from the landmarks (${axis})`;
    reasons.push({
      code: 'turned',
      axis,
      value: angle,
      limit,
      message: `Head ${measured}. ${advice}, or use a more frontal photo.`,
    });
  }

  if (nearest !== null && nearest < options.duplicateDistance) {
    reasons.push({
      code: 'duplicate',
      value: nearest,
      limit: options.duplicateDistance,
      message:
        `Almost the same as a sample already kept (distance ` +
        `${nearest.toFixed(2)}, below ${options.duplicateDistance.toFixed(2)}` +
        '). Change the pose or expression a little, or use another photo.',
    });
  }

  return { accepted: reasons.length === 0, reasons };
}

const TURN_WORDS = {
  yaw: 'turned sideways',
  pitch: 'tilted up or down',
  roll: 'tilted to one side',
} as const;

/**
 * Euclidean distance to the nearest of `kept`, null when it is empty.
 * Throws when a kept descriptor's length differs from `descriptor`'s.
 */
export function nearestDistance(
  descriptor: Float32Array,
  kept: readonly Float32Array[],
): number | null {
  let best: number | null = null;
  for (const other of kept) {
    if (other.length !== descriptor.length) {
      throw new Error(
        `Expected kept descriptors of length ${descriptor.length} but got ` +
          `one of length ${other.length}.`,
      );
    }
    let sum = 0;
    for (let i = 0; i < other.length; i++) {
      const d = (descriptor[i] as number) - (other[i] as number);
      sum += d * d;
    }
    const distance = Math.sqrt(sum);
    if (best === null || distance < best) best = distance;
  }

  return best;
}

function px(value: number): string {
  return `${Math.round(value)} px`;
}

function deg(value: number): string {
  return `${Math.round(Math.abs(value))}°`;
}
