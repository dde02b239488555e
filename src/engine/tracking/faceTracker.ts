/**
 * Faces carried from frame to frame. A detector run assigns detections to
 * tracks by overlap and, where overlap cannot tell (faces crossing, a face
 * new to the view), by descriptor; between detector runs each track follows
 * its face through its landmarks. A track unseen for a while is lost but
 * remembered for a minute, so a person who comes back gets their old track,
 * and with it their settled name, age and gender. Pure and model-free: the
 * analyzer runs the networks and hands their outputs in.
 */
import { iou } from '../tracker';
import type { Box, ExpressionScores, FaceCrops, Gender, Point } from '../types';
import { OneEuroVector } from './oneEuro';
import { ExpressionAverage, GenderVote, IdentityVote } from './votes';

/** Tuning of FaceTracker; see DEFAULT_TRACKER_OPTIONS. */
export interface FaceTrackerOptions {
  /** Least overlap (IoU) for a detection to continue a track by position. */
  minIou: number;
  /** A track missed by the detector this long is lost. */
  maxMissingMs: number;
  /** A lost track is remembered this long for re-identification. */
  rememberMs: number;
  /** Largest descriptor distance at which two sightings are one face. */
  sameFaceDistance: number;
  /** Lost tracks remembered at most (oldest forgotten first). */
  maxRemembered: number;
}

export const DEFAULT_TRACKER_OPTIONS: Readonly<FaceTrackerOptions> = {
  minIou: 0.3,
  maxMissingMs: 1000,
  rememberMs: 60_000,
  sameFaceDistance: 0.5,
  maxRemembered: 50,
};

/** A detector's face, with a descriptor when one was computed for it. */
export interface Detection {
  box: Box;
  score: number;
  descriptor?: Float32Array;
}

/** Descriptors averaged into a track's reference at most. */
const REFERENCE_SAMPLES = 5;

/** One face over time. Fields are the analyzer's to read and update. */
export class Track {
  readonly id: number;
  /** Latest box (raw, as measured) and detector score. */
  box: Box;
  score: number;
  landmarks: Point[] | undefined;
  /** Box and landmarks smoothed for display. */
  smoothedBox: Box;
  smoothedLandmarks: Point[] | undefined;
  /** Where the description networks read the face, from the landmarks. */
  crops: FaceCrops | undefined;
  readonly firstSeenMs: number;
  lastSeenMs: number;
  /** Whether the latest detector run found this face. */
  missed = false;
  /** Where the detector box sits around the landmarks (see followBox). */
  boxFromMarks: { dx: number; dy: number; sw: number; sh: number } | null =
    null;

  /** Recent descriptors and their mean, for matching sightings. */
  readonly descriptors: Float32Array[] = [];
  reference: Float32Array | null = null;
  /** The latest descriptor, for the gallery vote. */
  descriptor: Float32Array | undefined;

  ageSmoothed: number | undefined;
  age: number | undefined;
  readonly gender = new GenderVote();
  readonly expressions = new ExpressionAverage();
  readonly identity = new IdentityVote();

  /** When each description network last ran on this face. */
  readonly lastRun = {
    descriptor: -Infinity,
    ageGender: -Infinity,
    expressions: -Infinity,
  };
  /** Box width when the descriptor last ran (a big change asks again). */
  widthAtDescriptor = 0;

  readonly #boxFilter = new OneEuroVector(4);
  #landmarkFilter: OneEuroVector | null = null;

  constructor(id: number, box: Box, score: number, nowMs: number) {
    this.id = id;
    this.box = box;
    this.score = score;
    this.smoothedBox = box;
    this.firstSeenMs = nowMs;
    this.lastSeenMs = nowMs;
    this.#boxFilter.filter(boxValues(box), nowMs);
  }

  /** A new measured position: box (and landmarks when read) at `nowMs`. */
  see(box: Box, score: number, landmarks: Point[] | undefined, nowMs: number) {
    this.box = box;
    this.score = score;
    this.lastSeenMs = nowMs;
    this.missed = false;
    const [x, y, width, height] = this.#boxFilter.filter(boxValues(box), nowMs);
    this.smoothedBox = { x: x!, y: y!, width: width!, height: height! };
    this.landmarks = landmarks;
    if (landmarks) {
      this.#landmarkFilter ??= new OneEuroVector(landmarks.length * 2);
      const flat = this.#landmarkFilter.filter(
        landmarks.flatMap((p) => [p.x, p.y]),
        nowMs,
      );
      this.smoothedLandmarks = landmarks.map((_, i) => ({
        x: flat[2 * i]!,
        y: flat[2 * i + 1]!,
      }));
    } else {
      this.smoothedLandmarks = undefined;
    }
  }

  /**
   * Learns where the detector's box lies around the landmarks, so that
   * between detector runs a box of the same shape can be put around them.
   */
  learnBoxShape(detectorBox: Box, landmarks: readonly Point[]): void {
    const marks = boundsOf(landmarks);
    if (marks.width <= 0 || marks.height <= 0) return;
    const shape = {
      dx: (detectorBox.x - marks.x) / marks.width,
      dy: (detectorBox.y - marks.y) / marks.height,
      sw: detectorBox.width / marks.width,
      sh: detectorBox.height / marks.height,
    };
    const old = this.boxFromMarks;
    this.boxFromMarks = old
      ? {
          dx: old.dx + 0.5 * (shape.dx - old.dx),
          dy: old.dy + 0.5 * (shape.dy - old.dy),
          sw: old.sw + 0.5 * (shape.sw - old.sw),
          sh: old.sh + 0.5 * (shape.sh - old.sh),
        }
      : shape;
  }

  /**
   * Where to look for this face in the next frame: a detector-shaped box
   * around the latest landmarks, or the latest box without them.
   */
  followBox(): Box {
    if (!this.landmarks || !this.boxFromMarks) return this.box;

    return boxAround(this.landmarks, this.boxFromMarks);
  }

  /** Adds a descriptor to the track's reference (mean of the recent few). */
  addDescriptor(descriptor: Float32Array): void {
    this.descriptor = descriptor;
    this.descriptors.push(descriptor);
    if (this.descriptors.length > REFERENCE_SAMPLES) this.descriptors.shift();
    const mean = new Float32Array(descriptor.length);
    for (const d of this.descriptors) {
      for (let i = 0; i < mean.length; i++)
        mean[i]! += d[i]! / this.descriptors.length;
    }
    this.reference = mean;
  }

  /** Adds an age, smoothed by an exponential moving average of `weight`. */
  addAge(age: number, weight: number): void {
    this.age = age;
    this.ageSmoothed =
      this.ageSmoothed === undefined
        ? age
        : this.ageSmoothed + weight * (age - this.ageSmoothed);
  }

  addGender(gender: Gender, probability: number): void {
    this.gender.add(gender, probability);
  }

  addExpressions(scores: ExpressionScores): void {
    this.expressions.add(scores);
  }

  /** Takes over what a lost track of the same person had learned. */
  inherit(from: Track): void {
    this.ageSmoothed ??= from.ageSmoothed;
    for (const d of from.descriptors) {
      if (this.descriptors.length < REFERENCE_SAMPLES) this.addDescriptor(d);
    }
  }
}

/** The bounding box of a set of points. */
export function boundsOf(points: readonly Point[]): Box {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const p of points) {
    left = Math.min(left, p.x);
    top = Math.min(top, p.y);
    right = Math.max(right, p.x);
    bottom = Math.max(bottom, p.y);
  }
  if (!Number.isFinite(left)) return { x: 0, y: 0, width: 0, height: 0 };

  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** A box of a learned shape around landmarks (see Track.learnBoxShape). */
export function boxAround(
  landmarks: readonly Point[],
  shape: { dx: number; dy: number; sw: number; sh: number },
): Box {
  const marks = boundsOf(landmarks);

  return {
    x: marks.x + shape.dx * marks.width,
    y: marks.y + shape.dy * marks.height,
    width: shape.sw * marks.width,
    height: shape.sh * marks.height,
  };
}

/** Euclidean distance between two descriptors. */
export function descriptorDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }

  return Math.sqrt(sum);
}

function boxValues(box: Box): number[] {
  return [box.x, box.y, box.width, box.height];
}

/** Tracks and remembered lost tracks, with detection assignment. */
export class FaceTracker {
  readonly options: FaceTrackerOptions;
  #tracks: Track[] = [];
  #lost: Track[] = [];
  #nextId = 1;

  constructor(options: Partial<FaceTrackerOptions> = {}) {
    this.options = { ...DEFAULT_TRACKER_OPTIONS, ...options };
  }

  /** Live tracks: seen within maxMissingMs. */
  get tracks(): readonly Track[] {
    return this.#tracks;
  }

  /** Lost tracks still remembered for re-identification. */
  get remembered(): readonly Track[] {
    return this.#lost;
  }

  /**
   * Moves tracks unseen for maxMissingMs to the remembered ones and forgets
   * remembered ones older than rememberMs.
   */
  expire(nowMs: number): void {
    const { maxMissingMs, rememberMs, maxRemembered } = this.options;
    const gone = this.#tracks.filter(
      (t) => nowMs - t.lastSeenMs > maxMissingMs,
    );
    if (gone.length > 0) {
      this.#tracks = this.#tracks.filter((t) => !gone.includes(t));
      this.#lost.push(...gone.filter((t) => t.reference !== null));
    }
    this.#lost = this.#lost
      .filter((t) => nowMs - t.lastSeenMs <= rememberMs)
      .slice(-maxRemembered);
  }

  /**
   * Which detections need a descriptor before they can be assigned: those
   * whose overlap does not point at exactly one track (new faces, faces
   * over two tracks as when people cross).
   */
  uncertain(detections: readonly Detection[]): boolean[] {
    return detections.map((detection) => {
      const overlapping = this.#tracks.filter(
        (t) => iou(t.box, detection.box) >= 0.1,
      );
      if (overlapping.length !== 1) return true;

      return iou(overlapping[0]!.box, detection.box) < this.options.minIou;
    });
  }

  /**
   * Assigns this detector run's faces to tracks: pairs confirmed by
   * descriptor first, then by overlap, each track and detection used once;
   * the rest start tracks (or revive a remembered one whose descriptor
   * matches). Tracks left without a detection are marked missed. Returns
   * the track of each detection, in order.
   */
  assign(detections: readonly Detection[], nowMs: number): Track[] {
    const { minIou, sameFaceDistance } = this.options;
    const pairs: { d: number; t: number; cost: number }[] = [];
    detections.forEach((detection, d) =>
      this.#tracks.forEach((track, t) => {
        const overlap = iou(track.box, detection.box);
        if (detection.descriptor && track.reference) {
          const distance = descriptorDistance(
            detection.descriptor,
            track.reference,
          );
          // A descriptor says who it is; overlap alone cannot overrule it.
          if (distance <= sameFaceDistance) {
            pairs.push({ d, t, cost: distance * 0.5 * (1.5 - overlap) });
          }
          return;
        }
        if (overlap >= minIou)
          pairs.push({ d, t, cost: 0.4 + 0.6 * (1 - overlap) });
      }),
    );
    pairs.sort((a, b) => a.cost - b.cost || a.t - b.t);

    const trackOf = new Map<number, Track>();
    const used = new Set<number>();
    for (const { d, t } of pairs) {
      if (trackOf.has(d) || used.has(t)) continue;
      trackOf.set(d, this.#tracks[t]!);
      used.add(t);
    }
    this.#tracks.forEach((track, t) => {
      if (!used.has(t)) track.missed = true;
    });

    return detections.map((detection, d) => {
      let track = trackOf.get(d);
      if (!track) {
        track =
          (detection.descriptor && this.#revive(detection.descriptor)) ||
          new Track(this.#nextId++, detection.box, detection.score, nowMs);
        this.#tracks.push(track);
      }
      if (detection.descriptor) track.addDescriptor(detection.descriptor);

      return track;
    });
  }

  /**
   * A track that got its first descriptor after it started: if a
   * remembered track is that face, the remembered one takes its place
   * (keeping its id and what it learned) and is returned.
   */
  reidentify(track: Track, nowMs: number): Track {
    if (!track.reference || !this.#tracks.includes(track)) return track;
    const previous = this.#revive(track.reference);
    if (!previous) return track;
    previous.see(track.box, track.score, track.landmarks, nowMs);
    previous.crops = track.crops;
    previous.boxFromMarks = track.boxFromMarks;
    previous.inherit(track);
    previous.lastRun.ageGender = Math.max(
      previous.lastRun.ageGender,
      track.lastRun.ageGender,
    );
    previous.lastRun.expressions = track.lastRun.expressions;
    previous.lastRun.descriptor = track.lastRun.descriptor;
    previous.widthAtDescriptor = track.widthAtDescriptor;
    this.#tracks = this.#tracks.map((t) => (t === track ? previous : t));

    return previous;
  }

  /** Drops a live track at once (it followed something that is no face). */
  drop(track: Track): void {
    this.#tracks = this.#tracks.filter((t) => t !== track);
    if (track.reference) this.#lost.push(track);
  }

  /** Forgets every track; ids start again at 1. */
  reset(): void {
    this.#tracks = [];
    this.#lost = [];
    this.#nextId = 1;
  }

  /** The remembered track closest to `descriptor`, removed from memory. */
  #revive(descriptor: Float32Array): Track | null {
    let best: Track | null = null;
    let bestDistance = this.options.sameFaceDistance;
    for (const track of this.#lost) {
      const distance = descriptorDistance(descriptor, track.reference!);
      if (distance <= bestDistance) {
        best = track;
        bestDistance = distance;
      }
    }
    if (best) this.#lost = this.#lost.filter((t) => t !== best);

    return best;
  }
}
