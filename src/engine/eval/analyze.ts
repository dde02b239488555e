/**
 * The evaluation's model side: every photo of every set through the app's
 * own photo analysis (Analyzer.analyzePhoto: detection with padded retries
 * for tight crops, landmarks, alignment, expressions, age and gender,
 * descriptors, the quality gate), plus one plain detection pass as the live
 * view would run it, so detection failures can be told from recognition
 * errors. Files are read through an EvalSource, so this code needs no file
 * system and tests can feed it anything.
 */
import { Analyzer } from '../analyzer';
import { DEFAULT_MATCH_OPTIONS } from '../gallery/matcher';
import type { AnalysisOptions, DetectorKind } from '../options';
import { DEFAULT_ANALYSIS_OPTIONS, photoAnalysisOptions } from '../options';
import {
  analyzeFrame,
  describeFaces,
  emptyTimings,
  frameToTensor,
  landmarksFor,
} from '../pipeline';
import type { Runtime, Tensor3D } from '../runtime';
import { tfOf } from '../runtime';
import type {
  Box,
  Expression,
  ExpressionScores,
  FaceAnalysis,
  Gender,
} from '../types';
import { EXPRESSIONS } from '../types';
import type { PixelFrame } from '../types';
import { CsvError } from './csv';
import type { NamerFactory } from './identification';
import type { LabelledPair, ParsedManifest, SkippedRow } from './manifest';
import { ManifestError, parseManifest, parsePairs } from './manifest';

/** Where the evaluation reads its sets from. */
export interface EvalSource {
  /** Set folders that hold a manifest.csv, in a stable order. */
  sets(): Promise<string[]>;
  /** A text file of a set, or null when there is none. */
  readText(set: string, file: string): Promise<string | null>;
  /** Decodes an image of a set; throws when it is missing or unreadable. */
  readImage(set: string, file: string): Promise<PixelFrame>;
}

/** One set's labels as read. */
export interface SetLabels {
  name: string;
  manifest: ParsedManifest;
  /** The set's pairs.csv, when it has one. */
  pairs: { pairs: LabelledPair[]; skipped: SkippedRow[] } | null;
  /** Why the manifest or pairs file could not be read, if so. */
  errors: string[];
}

/** What was found of one face; the box in the photo's pixels. */
export interface FaceRecord {
  box: Box;
  score: number;
  age?: number;
  gender?: Gender;
  genderProbability?: number;
  expression?: Expression;
  expressions?: ExpressionScores;
  descriptor?: Float32Array;
  /** The enrolment quality gate's verdict (without the duplicate rule). */
  qualityAccepted?: boolean;
  qualityReasons?: string[];
  /** Head pose in degrees from the landmarks (see enrol/pose.ts). */
  pose?: { yaw: number; pitch: number; roll: number };
}

/** What the analysis made of one photo. */
export interface ImageRecord {
  set: string;
  file: string;
  width: number;
  height: number;
  /** Why the photo could not be read; the rest is empty then. */
  error?: string;
  /**
   * True for crops too small for the detectors (such as 48x48): the whole
   * photo was given to the expression and age/gender nets as the face.
   */
  wholeImage: boolean;
  /** Faces as the app's photo analysis finds them. */
  faces: FaceRecord[];
  /** Faces the plain detection pass found (no padding, no retry). */
  plainFaces: number;
  /** Detection attempts the photo analysis ran; 1 when the plain was sure. */
  attemptsRun: number;
  /** Whether the faces were found only on the padded photo. */
  padded: boolean;
  /** Milliseconds the analysis of this photo took. */
  ms: number;
}

/** Settings of an evaluation run. */
export interface AnalyseOptions {
  detector: DetectorKind;
  /**
   * Photos whose shorter side is below this many pixels are face crops too
   * small for the detectors: the whole photo is the face. Defaults to 64.
   */
  wholeImageBelowPx: number;
  /**
   * Where the recognition net's crop comes from: 'app', the pipeline's
   * own (the dlib face chip, see align.ts), or 'aligned', the landmarks'
   * box grown by a fifth that the app cut before the evaluation chose the
   * chip (face-api's alignedRect): an experiment, not what the app runs.
   * Defaults to 'app'.
   */
  recognitionCrop?: RecognitionCrop;
  /** Called after each photo. */
  onProgress?: (progress: {
    done: number;
    total: number;
    set: string;
    file: string;
  }) => void;
}

/** See AnalyseOptions.recognitionCrop. */
export type RecognitionCrop = 'app' | 'aligned';

/**
 * The options the app analyses a chosen photo with, every stage on, with
 * `detector` as the photo detector.
 */
export function appAnalysisOptions(detector: DetectorKind): AnalysisOptions {
  return photoAnalysisOptions({
    ...DEFAULT_ANALYSIS_OPTIONS,
    photoDetector: detector,
  });
}

/** Longest side the plain pass sees, as the photo analysis scales it. */
const PLAIN_MAX_SIDE_PX = 1280;

/** Reads every set's manifest.csv and pairs.csv. */
export async function readSets(source: EvalSource): Promise<SetLabels[]> {
  const sets: SetLabels[] = [];
  for (const name of await source.sets()) {
    const errors: string[] = [];
    let manifest: ParsedManifest = {
      entries: [],
      skipped: [],
      ignored: { facesExpected: 0, age: 0, gender: 0, expression: 0 },
    };
    try {
      const text = await source.readText(name, 'manifest.csv');
      if (text !== null) manifest = parseManifest(text);
      else errors.push('no manifest.csv');
    } catch (error) {
      errors.push(`manifest.csv: ${readError(error)}`);
    }
    let pairs: SetLabels['pairs'] = null;
    try {
      const text = await source.readText(name, 'pairs.csv');
      if (text !== null) pairs = parsePairs(text);
    } catch (error) {
      errors.push(`pairs.csv: ${readError(error)}`);
    }
    sets.push({ name, manifest, pairs, errors });
  }

  return sets;
}

function readError(error: unknown): string {
  if (error instanceof CsvError || error instanceof ManifestError) {
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The photos of a set to analyse: its manifest's, then pairs-only ones. */
export function filesOf(set: SetLabels): string[] {
  const files = set.manifest.entries.map((e) => e.file);
  const known = new Set(files);
  for (const pair of set.pairs?.pairs ?? []) {
    for (const file of [pair.fileA, pair.fileB]) {
      if (!known.has(file)) {
        known.add(file);
        files.push(file);
      }
    }
  }

  return files;
}

/**
 * Analyses every photo of every set, in order, one at a time. Every tensor
 * made is released (the caller can compare tf.memory() around it).
 */
export async function analyseSets(
  runtime: Runtime,
  source: EvalSource,
  sets: readonly SetLabels[],
  options: AnalyseOptions,
): Promise<ImageRecord[]> {
  const analyzer = new Analyzer(runtime);
  const analysis = appAnalysisOptions(options.detector);
  const work = sets.flatMap((set) =>
    filesOf(set).map((file) => ({ set: set.name, file })),
  );
  const records: ImageRecord[] = [];
  for (const [i, { set, file }] of work.entries()) {
    const start = performance.now();
    let record: ImageRecord;
    try {
      const frame = await source.readImage(set, file);
      record =
        Math.min(frame.width, frame.height) < options.wholeImageBelowPx
          ? await analyseWholeImage(runtime, set, file, frame)
          : await analysePhoto(
              runtime,
              analyzer,
              analysis,
              options.recognitionCrop ?? 'app',
              { set, file, frame },
            );
    } catch (error) {
      record = {
        ...emptyRecord(set, file),
        error: error instanceof Error ? error.message : String(error),
      };
    }
    record.ms = performance.now() - start;
    records.push(record);
    options.onProgress?.({ done: i + 1, total: work.length, set, file });
  }

  return records;
}

function emptyRecord(set: string, file: string): ImageRecord {
  return {
    set,
    file,
    width: 0,
    height: 0,
    wholeImage: false,
    faces: [],
    plainFaces: 0,
    attemptsRun: 0,
    padded: false,
    ms: 0,
  };
}

/** The app's photo analysis, and the plain pass when it retried. */
async function analysePhoto(
  runtime: Runtime,
  analyzer: Analyzer,
  analysis: AnalysisOptions,
  crop: RecognitionCrop,
  { set, file, frame }: { set: string; file: string; frame: PixelFrame },
): Promise<ImageRecord> {
  const photo = await analyzer.analyzePhoto(
    frame,
    analysis,
    DEFAULT_MATCH_OPTIONS,
  );
  if (crop === 'aligned') await recutDescriptors(runtime, frame, photo.faces);
  const faces: FaceRecord[] = photo.faces.map((face) => {
    const record: FaceRecord = {
      box: face.box,
      score: face.score,
      qualityAccepted: face.quality.accepted,
      qualityReasons: face.quality.reasons.map((r) =>
        r.axis ? `${r.code} (${r.axis})` : r.code,
      ),
      pose: {
        yaw: face.quality.metrics.yaw,
        pitch: face.quality.metrics.pitch,
        roll: face.quality.metrics.roll,
      },
    };
    if (face.age !== undefined) record.age = face.age;
    if (face.gender !== undefined) record.gender = face.gender;
    if (face.genderProbability !== undefined) {
      record.genderProbability = face.genderProbability;
    }
    if (face.expressions) {
      record.expressions = face.expressions;
      record.expression = topExpression(face.expressions);
    }
    if (face.descriptor) record.descriptor = face.descriptor;
    return record;
  });

  // A sure first attempt is the plain pass; otherwise run it on its own.
  const plainFaces =
    photo.attemptsRun === 1
      ? faces.length
      : await countPlainFaces(runtime, frame, analysis);

  return {
    ...emptyRecord(set, file),
    width: frame.width,
    height: frame.height,
    faces,
    plainFaces,
    attemptsRun: photo.attemptsRun,
    padded: photo.padded,
  };
}

/**
 * Replaces each face's descriptor with one computed on the aligned box
 * (the --crop aligned experiment). Landmarks are read again from the
 * reported box in the photo as given, as the live pipeline reads them.
 */
async function recutDescriptors(
  runtime: Runtime,
  frame: PixelFrame,
  faces: readonly FaceAnalysis[],
): Promise<void> {
  const withMarks = faces.filter((f) => f.descriptor !== undefined);
  if (withMarks.length === 0) return;
  const image = frameToTensor(runtime, frame);
  try {
    const marks = await landmarksFor(runtime, image, withMarks);
    const described = await describeFaces(
      runtime,
      image,
      marks.map((mark) => ({ ...mark, descriptorBox: mark.alignedBox })),
      {
        expressions: [],
        ageGender: [],
        descriptor: withMarks.map(() => true),
      },
      emptyTimings(),
    );
    described.forEach((result, i) => {
      const face = withMarks[i];
      if (face && result.descriptor) face.descriptor = result.descriptor;
    });
  } finally {
    image.dispose();
  }
}

/**
 * Faces one detector pass finds on the photo scaled as the photo analysis
 * scales it (long side at most 1280 px), without padding or retries.
 */
async function countPlainFaces(
  runtime: Runtime,
  frame: PixelFrame,
  analysis: AnalysisOptions,
): Promise<number> {
  const tf = tfOf(runtime);
  const image = frameToTensor(runtime, frame);
  const fit = Math.min(
    1,
    PLAIN_MAX_SIDE_PX / Math.max(frame.width, frame.height),
  );
  let scaled: Tensor3D = image;
  if (fit < 1) {
    scaled = tf.image.resizeBilinear(
      image,
      [Math.round(frame.height * fit), Math.round(frame.width * fit)],
      false,
      true,
    );
  }
  try {
    const result = await analyzeFrame(runtime, scaled, {
      ...analysis,
      maxFaces: 50,
      landmarks: false,
      expressions: false,
      ageGender: false,
      recognition: false,
    });
    return result.faces.length;
  } finally {
    if (scaled !== image) scaled.dispose();
    image.dispose();
  }
}

/**
 * A crop too small for the detectors: the expression and age/gender nets
 * take the whole photo as the face (they scale their input themselves).
 * No descriptor: the recognition net needs an aligned face far larger.
 */
async function analyseWholeImage(
  runtime: Runtime,
  set: string,
  file: string,
  frame: PixelFrame,
): Promise<ImageRecord> {
  const { faceapi } = runtime;
  const image = frameToTensor(runtime, frame);
  const input = image as unknown as Parameters<
    typeof faceapi.nets.faceExpressionNet.predictExpressions
  >[0];
  try {
    const expressions = one(
      await faceapi.nets.faceExpressionNet.predictExpressions(input),
    );
    const ageGender = one(
      await faceapi.nets.ageGenderNet.predictAgeAndGender(input),
    );
    const scores = Object.fromEntries(
      EXPRESSIONS.map((name) => [name, expressions[name]]),
    ) as ExpressionScores;
    const face: FaceRecord = {
      box: { x: 0, y: 0, width: frame.width, height: frame.height },
      score: 1,
      expressions: scores,
      expression: topExpression(scores),
      age: ageGender.age,
      gender: ageGender.gender === 'male' ? 'male' : 'female',
      genderProbability: ageGender.genderProbability,
    };

    return {
      ...emptyRecord(set, file),
      width: frame.width,
      height: frame.height,
      wholeImage: true,
      faces: [face],
      plainFaces: 1,
      attemptsRun: 0,
    };
  } finally {
    image.dispose();
  }
}

/** face-api answers a one-image input with a bare value or a list of one. */
function one<T>(value: T | T[]): T {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) throw new Error('The network returned nothing.');

  return first;
}

/** The expression with the highest score (the first one on a tie). */
export function topExpression(scores: ExpressionScores): Expression {
  let best: Expression = EXPRESSIONS[0];
  for (const name of EXPRESSIONS) if (scores[name] > scores[best]) best = name;

  return best;
}

/**
 * face-api's own FaceMatcher at `threshold` (0.6 is its default and what
 * the original app ran) as a namer: mean distance to each person's
 * descriptors, Unknown at or past the threshold.
 */
export function faceMatcherNamer(
  runtime: Runtime,
  threshold = 0.6,
): NamerFactory {
  const { faceapi } = runtime;

  return (gallery) => {
    const matcher = new faceapi.FaceMatcher(
      [...gallery].map(
        ([name, descriptors]) =>
          new faceapi.LabeledFaceDescriptors(name, [...descriptors]),
      ),
      threshold,
    );
    return (query) => {
      const match = matcher.matchDescriptor(query);
      return match.distance < threshold ? match.label : null;
    };
  };
}
