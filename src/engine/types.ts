/**
 * Shared value types of the engine. Coordinates are in source-frame pixels
 * unless a name says otherwise; the selfie mirror is applied by the renderer
 * only, never here.
 */

/** An axis-aligned rectangle in source-frame pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A point in source-frame pixels. */
export interface Point {
  x: number;
  y: number;
}

/** face-api's seven expression classes, in its own order. */
export const EXPRESSIONS = [
  'neutral',
  'happy',
  'sad',
  'angry',
  'fearful',
  'disgusted',
  'surprised',
] as const;

export type Expression = (typeof EXPRESSIONS)[number];

/** Probability per expression class; the seven values sum to 1. */
export type ExpressionScores = Record<Expression, number>;

export type Gender = 'male' | 'female';

/**
 * An RGBA frame as raw bytes: what a canvas's ImageData holds in the worker
 * and what sharp's raw output holds in Node. No DOM type is needed.
 */
export interface PixelFrame {
  width: number;
  height: number;
  /** width * height * 4 bytes, RGBA, row-major. */
  data: Uint8Array | Uint8ClampedArray;
}

/** What the pipeline knows about one face in one frame. */
export interface FaceAnalysis {
  box: Box;
  /** Detector confidence, 0..1. */
  score: number;
  /** 68 points (iBUG layout) when landmarks or a stage needing them ran. */
  landmarks?: Point[];
  expressions?: ExpressionScores;
  /** Age in years as the network gave it for this frame. */
  age?: number;
  gender?: Gender;
  /** Probability of `gender`, 0.5..1. */
  genderProbability?: number;
  /** 128-d face descriptor when recognition is on. */
  descriptor?: Float32Array;
}

/** Where the networks after landmarks read one face, in image pixels. */
export interface FaceCrops {
  /**
   * The landmarks' bounding box grown by a fifth (face-api's alignedRect):
   * what the expression and age/gender nets read.
   */
  alignedBox: Box;
  /**
   * The dlib face-chip framing the recognition net was trained on (see
   * align.ts): measured on the LFW pairs, it lifts verification from 89.7%
   * to 97.0% over alignedBox (README, "Accuracy").
   */
  descriptorBox: Box;
}

/** Milliseconds spent per pipeline stage for one frame; 0 when skipped. */
export interface StageTimings {
  detectMs: number;
  landmarksMs: number;
  expressionsMs: number;
  ageGenderMs: number;
  descriptorMs: number;
}

/** The pipeline's output for one frame. */
export interface FrameAnalysis {
  width: number;
  height: number;
  faces: FaceAnalysis[];
  timings: StageTimings;
}

/** One of the enrolled people closest to a face, best first. */
export interface FaceCandidate {
  personId: string;
  name: string;
  /** The person's distance under the matching strategy used. */
  distance: number;
  /** Which of the person's samples (0: first added) is nearest the face. */
  sampleIndex: number;
}

/**
 * Why a face has no name: nobody is enrolled, the closest person is further
 * than the threshold, or the two closest people are too alike to choose.
 */
export type UnknownReason = 'empty' | 'threshold' | 'ambiguous';

/** A face carried across frames: a stable id and smoothed values. */
export interface TrackedFace extends FaceAnalysis {
  /** Stable per-track id, 1, 2, 3... in order of first appearance. */
  id: number;
  /** Age smoothed over the track by an exponential moving average. */
  ageSmoothed?: number;
  /** Enrolled name, or null for Unknown (or when recognition is off). */
  name: string | null;
  /** The matched person's id, when `name` is set. */
  personId?: string;
  /** Why `name` is null, when recognition ran. */
  unknownReason?: UnknownReason;
  /** The closest enrolled people, best first (at most 3). */
  candidates?: FaceCandidate[];
}
