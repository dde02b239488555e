/**
 * The engine's front door: one call per frame runs the pipeline, carries
 * faces across frames (ids, smoothed age), names them from the gallery and
 * reports timings and tensors.
 * The inference worker and Node scripts use it the same way.
 */
import type { EnrolledPerson, MatchOptions } from './gallery/matcher';
import { DEFAULT_MATCH_OPTIONS, GalleryMatcher } from './gallery/matcher';
import { detectForEnrolment } from './enrol/photo';
import type { QualityResult } from './enrol/quality';
import { checkQuality } from './enrol/quality';
import type { AnalysisOptions } from './options';
import { frameToTensor } from './pipeline';
import type { Runtime, Tensor3D } from './runtime';
import { tfOf } from './runtime';
import { LiveSession } from './tracking/live';
import type { PixelFrame, StageTimings, TrackedFace } from './types';

export interface AnalyzerResult {
  width: number;
  height: number;
  faces: TrackedFace[];
  timings: StageTimings;
  /** Live tensors after the frame; flat over time when nothing leaks. */
  numTensors: number;
}

/** A face in a still photo or snapshot, with its enrolment quality. */
export interface PhotoFace extends TrackedFace {
  /**
   * The quality gate's verdict without the duplicate rule, which needs the
   * person's kept samples: the UI adds it when a person is chosen.
   */
  quality: QualityResult;
}

/** What analysePhoto found in one still picture. */
export interface PhotoAnalysis {
  width: number;
  height: number;
  /** Faces numbered 1, 2, 3... from the highest detector score. */
  faces: PhotoFace[];
  /** Detection attempts it took (see detectForEnrolment). */
  attemptsRun: number;
  /** Whether the faces were found only on the padded photo. */
  padded: boolean;
}

/** Analyses frames of one stream (a camera) with models already loaded. */
export class Analyzer {
  private readonly sessions = {
    follow: null as LiveSession | null,
    detect: null as LiveSession | null,
  };
  private matcher = new GalleryMatcher({ initialCapacity: 1 });
  private match: Partial<MatchOptions> = DEFAULT_MATCH_OPTIONS;

  constructor(private readonly runtime: Runtime) {}

  /** Replaces the enrolled people that faces are matched against. */
  setGallery(people: readonly EnrolledPerson[]): void {
    this.matcher = GalleryMatcher.fromPeople(people);
    // Faces in view are named again at once, not at their next descriptor.
    for (const session of Object.values(this.sessions)) {
      session?.rematchAll(this.matcher, this.match);
    }
  }

  /** Samples enrolled in the gallery in use. */
  get gallerySize(): number {
    return this.matcher.sampleCount;
  }

  /**
   * Names faces that have a descriptor: the matched person, or null with
   * the reason and the closest candidates either way. Faces without a
   * descriptor (recognition off) stay nameless and get no candidates.
   */
  recognize(
    faces: TrackedFace[],
    match: Partial<MatchOptions> = DEFAULT_MATCH_OPTIONS,
  ): TrackedFace[] {
    for (const face of faces) {
      if (!face.descriptor) continue;
      const result = this.matcher.match(face.descriptor, match);
      face.candidates = result.candidates.map((c) => ({ ...c }));
      if (result.kind === 'known') {
        face.name = result.person.name;
        face.personId = result.person.personId;
      } else {
        face.name = null;
        face.unknownReason = result.reason;
      }
    }

    return faces;
  }

  /**
   * Analyses one frame. A tensor passed in stays the caller's to dispose;
   * a PixelFrame is turned into a tensor here and released here.
   */
  async analyze(
    input: PixelFrame | Tensor3D,
    options: AnalysisOptions,
    timestampMs: number = performance.now(),
    match: Partial<MatchOptions> = DEFAULT_MATCH_OPTIONS,
  ): Promise<AnalyzerResult> {
    const tf = tfOf(this.runtime);
    const owned = isPixelFrame(input)
      ? frameToTensor(this.runtime, input)
      : null;
    const image = owned ?? (input as Tensor3D);
    const [height = 0, width = 0] = image.shape;
    this.match = match;
    const session = (this.sessions[options.tracking] ??= new LiveSession(
      this.runtime,
      { schedule: { mode: options.tracking } },
    ));
    let frame;
    try {
      frame = await session.analyze(
        image,
        options,
        timestampMs,
        this.matcher,
        match,
      );
    } finally {
      owned?.dispose();
    }

    return {
      width,
      height,
      faces: frame.faces,
      timings: frame.timings,
      numTensors: tf.memory().numTensors,
    };
  }

  /**
   * Analyses a still picture (a photo or a camera snapshot) for display and
   * enrolment: detection retried on a padded canvas when the plain pass
   * finds no confident face (tight headshots), then every enabled stage,
   * with landmarks and descriptors always on, names from the gallery and
   * the quality gate per face. Tracks are not touched.
   */
  async analyzePhoto(
    frame: PixelFrame,
    options: AnalysisOptions,
    match: Partial<MatchOptions> = DEFAULT_MATCH_OPTIONS,
  ): Promise<PhotoAnalysis> {
    const detection = await detectForEnrolment(this.runtime, frame, {
      analysis: { ...options, maxFaces: PHOTO_MAX_FACES },
    });
    const faces: TrackedFace[] = detection.faces.map((face, i) => ({
      ...face,
      id: i + 1,
      name: null,
    }));
    this.recognize(faces, match);

    return {
      width: frame.width,
      height: frame.height,
      faces: faces.map((face) => ({
        ...face,
        quality: checkQuality(face, frame, []),
      })),
      attemptsRun: detection.attemptsRun,
      padded: (detection.attempt?.padScale ?? 1) > 1,
    };
  }

  /** Forgets tracked faces, e.g. when the camera stops or changes. */
  reset(): void {
    this.sessions.follow?.reset();
    this.sessions.detect?.reset();
  }
}

/** Faces analysed in one photo: a group photo, not a crowd. */
const PHOTO_MAX_FACES = 50;

function isPixelFrame(input: PixelFrame | Tensor3D): input is PixelFrame {
  return 'data' in input && !('dataId' in input);
}
