/**
 * The live view's analysis: per frame, the scheduler picks what runs, the
 * tracker carries each face along, and the face's settled values (smoothed
 * box and landmarks, averaged expressions, voted gender and name) are what
 * the frame reports. The camera rate is kept by doing the expensive work
 * once per face, not once per frame.
 */
import type {
  GalleryMatcher,
  MatchOptions,
  MatchResult,
} from '../gallery/matcher';
import type { AnalysisOptions } from '../options';
import type { FaceLandmarkResult } from '../pipeline';
import {
  describeFaces,
  detectFaces,
  emptyTimings,
  landmarksFor,
  timed,
} from '../pipeline';
import type { Runtime, Tensor3D } from '../runtime';
import { iou } from '../tracker';
import type { StageTimings, TrackedFace } from '../types';
import type { Detection, FaceTrackerOptions, Track } from './faceTracker';
import { FaceTracker, boxAround } from './faceTracker';
import type { DescribeStage, ScheduleOptions } from './scheduler';
import { Scheduler } from './scheduler';

/** A missed face stays drawn this long, so one missed detection does not blink. */
const MISSED_GRACE_MS = 250;

/** What one live frame found. */
export interface LiveFrame {
  faces: TrackedFace[];
  timings: StageTimings;
}

/** The latest match of a track's descriptor, kept for the panel. */
interface LastMatch {
  result: MatchResult;
}

export class LiveSession {
  readonly tracker: FaceTracker;
  readonly scheduler: Scheduler;
  readonly #lastMatch = new WeakMap<Track, LastMatch>();
  #matchKey = '';

  constructor(
    private readonly runtime: Runtime,
    options: {
      tracker?: Partial<FaceTrackerOptions>;
      schedule?: Partial<ScheduleOptions>;
    } = {},
  ) {
    this.tracker = new FaceTracker(options.tracker);
    this.scheduler = new Scheduler(options.schedule);
  }

  /**
   * Analyses one frame at `nowMs`. The caller owns `input`; every tensor
   * made here is released before the promise settles.
   */
  async analyze(
    input: Tensor3D,
    options: AnalysisOptions,
    nowMs: number,
    matcher: GalleryMatcher,
    match: Partial<MatchOptions>,
  ): Promise<LiveFrame> {
    const timings = emptyTimings();
    const { tracker, scheduler } = this;
    tracker.expire(nowMs);

    // With the threshold or strategy changed, names are decided afresh.
    const matchKey = JSON.stringify(match);
    if (matchKey !== this.#matchKey) {
      this.#matchKey = matchKey;
      this.rematchAll(matcher, match);
    }

    const describes =
      options.expressions || options.ageGender || options.recognition;
    const needsMarks = options.landmarks || describes;
    const followed = tracker.tracks.filter((t) => !t.missed && t.landmarks);

    let seen: Track[];
    if (!needsMarks || scheduler.detectionDue(nowMs, followed.length)) {
      seen = await this.#detect(
        input,
        options,
        nowMs,
        needsMarks,
        matcher,
        match,
        timings,
      );
    } else {
      seen = await this.#follow(input, followed, nowMs, timings);
      // A face lost while following (a cut, a fast move): the detector
      // looks at this same frame, so the face does not blink out.
      if (seen.length < followed.length) {
        seen = await this.#detect(
          input,
          options,
          nowMs,
          needsMarks,
          matcher,
          match,
          timings,
        );
      }
    }

    if (describes) {
      await this.#describe(
        input,
        seen,
        options,
        nowMs,
        matcher,
        match,
        timings,
      );
    }

    // Faces the detector missed a moment ago stay, so they do not blink.
    const shown = [
      ...seen,
      ...tracker.tracks.filter(
        (t) =>
          !seen.includes(t) &&
          t.missed &&
          nowMs - t.lastSeenMs <= MISSED_GRACE_MS,
      ),
    ];
    const faces = shown
      .map((track) => this.#report(track, options))
      .sort((a, b) => a.id - b.id);

    return { faces, timings };
  }

  /** Matches every track's latest descriptor again and restarts its vote. */
  rematchAll(matcher: GalleryMatcher, match: Partial<MatchOptions>): void {
    for (const track of this.tracker.tracks) {
      track.identity.reset();
      if (track.descriptor)
        this.#recognise(track, track.descriptor, matcher, match);
    }
  }

  reset(): void {
    this.tracker.reset();
    this.scheduler.reset();
  }

  /** A detector run: faces found, assigned to tracks, landmarks read. */
  async #detect(
    input: Tensor3D,
    options: AnalysisOptions,
    nowMs: number,
    needsMarks: boolean,
    matcher: GalleryMatcher,
    match: Partial<MatchOptions>,
    timings: StageTimings,
  ): Promise<Track[]> {
    const { tracker, scheduler, runtime } = this;
    const found = await timed(timings, 'detectMs', () =>
      detectFaces(runtime, input, options),
    );
    scheduler.detected(nowMs);

    let marks: FaceLandmarkResult[] = [];
    if (needsMarks && found.length > 0) {
      const start = performance.now();
      marks = await timed(timings, 'landmarksMs', () =>
        landmarksFor(runtime, input, found),
      );
      scheduler.costs.record(
        'landmarks',
        performance.now() - start,
        found.length,
      );
    }

    // Where overlap cannot say which face is which, a descriptor decides.
    const detections: Detection[] = found.map((face) => ({ ...face }));
    const described = new Set<number>();
    if (options.recognition && marks.length === found.length) {
      const uncertain = tracker.uncertain(detections);
      if (uncertain.some(Boolean)) {
        const results = await describeFaces(
          runtime,
          input,
          marks,
          { expressions: [], ageGender: [], descriptor: uncertain },
          timings,
        );
        results.forEach((result, i) => {
          if (!result.descriptor) return;
          detections[i]!.descriptor = result.descriptor;
          described.add(i);
        });
      }
    }

    const tracks = tracker.assign(detections, nowMs);
    tracks.forEach((track, i) => {
      const face = found[i]!;
      const mark = marks[i];
      track.see(face.box, face.score, mark?.landmarks, nowMs);
      track.crops = mark;
      if (mark) track.learnBoxShape(face.box, mark.landmarks);
      const descriptor = detections[i]!.descriptor;
      if (described.has(i) && descriptor) {
        track.lastRun.descriptor = nowMs;
        track.widthAtDescriptor = face.box.width;
        this.#recognise(track, descriptor, matcher, match);
      }
    });

    return tracks;
  }

  /**
   * Between detector runs: each face's landmarks read in a box around
   * where they were, and the box moved with them. A face whose box jumps
   * or changes size too much is left for the detector to find again.
   */
  async #follow(
    input: Tensor3D,
    followed: readonly Track[],
    nowMs: number,
    timings: StageTimings,
  ): Promise<Track[]> {
    const { scheduler, runtime } = this;
    const searchBoxes = followed.map((track) => ({
      box: track.followBox(),
      score: track.score,
    }));
    const start = performance.now();
    const marks = await timed(timings, 'landmarksMs', () =>
      landmarksFor(runtime, input, searchBoxes),
    );
    scheduler.costs.record(
      'landmarks',
      performance.now() - start,
      followed.length,
    );

    const seen: Track[] = [];
    followed.forEach((track, i) => {
      const mark = marks[i]!;
      const box = track.boxFromMarks
        ? boxAround(mark.landmarks, track.boxFromMarks)
        : searchBoxes[i]!.box;
      const previous = track.box;
      const ratio = box.width / Math.max(1, previous.width);
      const moved = Math.hypot(
        box.x + box.width / 2 - (previous.x + previous.width / 2),
        box.y + box.height / 2 - (previous.y + previous.height / 2),
      );
      if (ratio < 0.75 || ratio > 1.33 || moved > 0.5 * previous.width) {
        // Lost its face (or never had one): the detector decides.
        track.missed = true;
        scheduler.requestDetection();

        return;
      }
      track.see(box, track.score, mark.landmarks, nowMs);
      track.crops = mark;
      seen.push(track);
    });

    // Two tracks on one face (after a crossing): the detector sorts it out.
    for (let a = 0; a < seen.length; a++) {
      for (let b = a + 1; b < seen.length; b++) {
        if (iou(seen[a]!.box, seen[b]!.box) > 0.5) scheduler.requestDetection();
      }
    }

    return seen;
  }

  /** The scheduled description networks, batched over faces. */
  async #describe(
    input: Tensor3D,
    seen: Track[],
    options: AnalysisOptions,
    nowMs: number,
    matcher: GalleryMatcher,
    match: Partial<MatchOptions>,
    timings: StageTimings,
  ): Promise<void> {
    const { scheduler, tracker, runtime } = this;
    const ready = seen.filter((track) => track.crops);
    const tasks = scheduler.plan(nowMs, ready, options);
    if (tasks.length === 0) return;

    const wants = (stage: DescribeStage) =>
      ready.map((track) =>
        tasks.some((task) => task.track === track && task.stage === stage),
      );
    const request = {
      descriptor: wants('descriptor'),
      ageGender: wants('ageGender'),
      expressions: wants('expressions'),
    };
    const before = { ...timings };
    const results = await describeFaces(
      runtime,
      input,
      ready.map((track) => track.crops!),
      request,
      timings,
    );
    const count = (flags: boolean[]) => flags.filter(Boolean).length;
    scheduler.costs.record(
      'descriptor',
      timings.descriptorMs - before.descriptorMs,
      count(request.descriptor),
    );
    scheduler.costs.record(
      'ageGender',
      timings.ageGenderMs - before.ageGenderMs,
      count(request.ageGender),
    );
    scheduler.costs.record(
      'expressions',
      timings.expressionsMs - before.expressionsMs,
      count(request.expressions),
    );

    results.forEach((result, i) => {
      let track = ready[i]!;
      if (result.expressions) {
        track.addExpressions(result.expressions);
        track.lastRun.expressions = nowMs;
      }
      if (
        result.age !== undefined &&
        result.gender &&
        result.genderProbability !== undefined
      ) {
        track.addAge(result.age, options.ageSmoothing);
        track.addGender(result.gender, result.genderProbability);
        track.lastRun.ageGender = nowMs;
      }
      if (result.descriptor) {
        const first = track.reference === null;
        track.addDescriptor(result.descriptor);
        track.lastRun.descriptor = nowMs;
        track.widthAtDescriptor = track.box.width;
        if (first) {
          // A face new to the view may be someone who just left it.
          const revived = tracker.reidentify(track, nowMs);
          if (revived !== track) {
            seen[seen.indexOf(track)] = revived;
            track = revived;
          }
        }
        this.#recognise(track, result.descriptor, matcher, match);
      }
    });
  }

  /** One vote for who the face is. */
  #recognise(
    track: Track,
    descriptor: Float32Array,
    matcher: GalleryMatcher,
    match: Partial<MatchOptions>,
  ): void {
    const result = matcher.match(descriptor, match);
    this.#lastMatch.set(track, { result });
    track.identity.add(
      result.kind === 'known'
        ? { personId: result.person.personId, name: result.person.name }
        : { personId: null, name: null },
    );
  }

  /** What the frame says about a track, with only the enabled fields. */
  #report(track: Track, options: AnalysisOptions): TrackedFace {
    const face: TrackedFace = {
      id: track.id,
      box: track.smoothedBox,
      score: track.score,
      name: null,
    };
    if (options.landmarks && track.smoothedLandmarks) {
      face.landmarks = track.smoothedLandmarks;
    }
    if (options.expressions) {
      const expressions = track.expressions.current;
      if (expressions) face.expressions = expressions;
    }
    if (options.ageGender) {
      const gender = track.gender.current;
      if (track.age !== undefined) face.age = track.age;
      if (track.ageSmoothed !== undefined) face.ageSmoothed = track.ageSmoothed;
      if (gender) {
        face.gender = gender.gender;
        face.genderProbability = gender.probability;
      }
    }
    if (options.recognition && track.descriptor) {
      face.descriptor = track.descriptor;
      const identity = track.identity.current;
      const last = this.#lastMatch.get(track)?.result;
      if (last) face.candidates = last.candidates.map((c) => ({ ...c }));
      if (identity?.personId) {
        face.name = identity.name;
        face.personId = identity.personId;
      } else {
        face.unknownReason =
          last?.kind === 'unknown' ? last.reason : 'threshold';
      }
    }

    return face;
  }
}
