/**
 * What to run on each frame. Detection and landmarks keep pace with the
 * camera: the detector runs on a cadence (and whenever the view has no
 * face, or a track may be lost), and between its runs each face is followed
 * by its landmarks. The description networks (descriptor, age and gender,
 * expressions) run per face when it appears and then on their own
 * cadences, within a time budget per frame, most urgent first. Pure: the
 * costs it plans with are the measured ones the analyzer reports.
 */
import type { AnalysisOptions, TrackingMode } from '../options';
import type { Track } from './faceTracker';

/** Tuning of the scheduler; see DEFAULT_SCHEDULE. */
export interface ScheduleOptions {
  mode: TrackingMode;
  /** Milliseconds between detector runs while faces are followed. */
  detectEveryMs: number;
  /** Budget per frame, in milliseconds, for the description networks. */
  describeBudgetMs: number;
  /** How often each network runs again on a face it has seen. */
  descriptorEveryMs: number;
  ageGenderEveryMs: number;
  expressionsEveryMs: number;
  /** A face this much wider or narrower than at its last descriptor asks again. */
  resizeRatio: number;
}

export const DEFAULT_SCHEDULE: Readonly<ScheduleOptions> = {
  mode: 'follow',
  detectEveryMs: 500,
  describeBudgetMs: 20,
  descriptorEveryMs: 2000,
  ageGenderEveryMs: 3000,
  expressionsEveryMs: 250,
  resizeRatio: 1.3,
};

/** The urgency of a network's first run on a face: above any other. */
const FIRST_RUN = 1000;

export type DescribeStage = 'descriptor' | 'ageGender' | 'expressions';

/** One network to run on one face. */
export interface DescribeTask {
  track: Track;
  stage: DescribeStage;
}

/** Measured milliseconds per face for each network (moving averages). */
export class StageCosts {
  readonly #perFace: Record<DescribeStage | 'landmarks', number> = {
    descriptor: 25,
    ageGender: 10,
    expressions: 10,
    landmarks: 12,
  };

  /** What a network costs per face, as measured so far. */
  of(stage: DescribeStage | 'landmarks'): number {
    return this.#perFace[stage];
  }

  /** Records a run of `stage` on `faces` faces that took `ms`. */
  record(stage: DescribeStage | 'landmarks', ms: number, faces: number): void {
    if (faces <= 0 || !(ms >= 0)) return;
    const perFace = ms / faces;
    this.#perFace[stage] += 0.2 * (perFace - this.#perFace[stage]);
  }
}

export class Scheduler {
  readonly options: ScheduleOptions;
  readonly costs = new StageCosts();
  #lastDetectMs = -Infinity;
  #forceDetect = true;

  constructor(options: Partial<ScheduleOptions> = {}) {
    this.options = { ...DEFAULT_SCHEDULE, ...options };
  }

  /** Asks for a detector run on the next frame (a track may be lost). */
  requestDetection(): void {
    this.#forceDetect = true;
  }

  /** Whether this frame runs the detector. */
  detectionDue(nowMs: number, followed: number): boolean {
    if (this.options.mode === 'detect') return true;
    if (this.#forceDetect || followed === 0) return true;

    return nowMs - this.#lastDetectMs >= this.options.detectEveryMs;
  }

  /** Notes a detector run. */
  detected(nowMs: number): void {
    this.#lastDetectMs = nowMs;
    this.#forceDetect = false;
  }

  /**
   * The description work for this frame: in 'detect' mode every enabled
   * network on every face; in 'follow' mode a face's first run of each
   * network at once (a new face is named, aged and gendered on the frame it
   * appears, batched with the others), then what is due, most overdue
   * first, until the estimated cost fills the budget. At least one task
   * runs when any is due, so a small budget never starves a stage.
   */
  plan(
    nowMs: number,
    tracks: readonly Track[],
    options: AnalysisOptions,
  ): DescribeTask[] {
    const stages: DescribeStage[] = [];
    if (options.recognition) stages.push('descriptor');
    if (options.ageGender) stages.push('ageGender');
    if (options.expressions) stages.push('expressions');

    if (this.options.mode === 'detect') {
      return tracks.flatMap((track) =>
        stages.map((stage) => ({ track, stage })),
      );
    }

    const due: { task: DescribeTask; urgency: number }[] = [];
    for (const track of tracks) {
      for (const stage of stages) {
        const urgency = this.#urgency(track, stage, nowMs);
        if (urgency >= 1) due.push({ task: { track, stage }, urgency });
      }
    }
    due.sort(
      (a, b) => b.urgency - a.urgency || a.task.track.id - b.task.track.id,
    );

    const picked: DescribeTask[] = [];
    let spent = 0;
    for (const { task, urgency } of due) {
      const cost = this.costs.of(task.stage);
      const first = urgency >= FIRST_RUN;
      if (
        !first &&
        picked.length > 0 &&
        spent + cost > this.options.describeBudgetMs
      ) {
        continue;
      }
      picked.push(task);
      spent += cost;
    }

    return picked;
  }

  /**
   * How overdue a network is on a face: at least 1 when due, and far
   * above everything else for a face it never ran on.
   */
  #urgency(track: Track, stage: DescribeStage, nowMs: number): number {
    const last = track.lastRun[stage];
    if (last === -Infinity) return FIRST_RUN;
    const every = {
      descriptor: this.options.descriptorEveryMs,
      ageGender: this.options.ageGenderEveryMs,
      expressions: this.options.expressionsEveryMs,
    }[stage];
    let urgency = (nowMs - last) / every;
    if (stage === 'descriptor' && track.widthAtDescriptor > 0) {
      const ratio = track.box.width / track.widthAtDescriptor;
      const r = this.options.resizeRatio;
      if (ratio > r || ratio < 1 / r) urgency = Math.max(urgency, 2);
    }

    return urgency;
  }

  reset(): void {
    this.#lastDetectMs = -Infinity;
    this.#forceDetect = true;
  }
}
