/**
 * The arithmetic of the benchmarks (bench/): percentiles, medians, paired
 * ratios and the summary of a measured window of drawn results. Pure, so
 * the figures a benchmark prints can be checked by a test.
 */
import type { TrackLabel } from './stability';

/**
 * Nearest-rank percentile of values already sorted ascending: the smallest
 * value with at least `p` of the values at or below it. NaN when empty.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(p * sorted.length);
  const index = Math.min(sorted.length - 1, Math.max(0, rank - 1));

  return sorted[index] ?? NaN;
}

/** The middle value, or the mean of the two middle ones; NaN when empty. */
export function median(values: readonly number[]): number {
  const finite = values.filter((value) => !Number.isNaN(value));
  if (finite.length === 0) return NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);

  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/** Arithmetic mean; NaN when empty. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;

  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** a / b, or NaN when either is missing or b is not positive. */
export function ratio(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return NaN;

  return a / b;
}

/**
 * Ratios of two contenders measured in the same rounds (a[i] / b[i]) and
 * their median. Rounds where either side has no figure give NaN and are
 * left out of the median.
 */
export function pairedRatios(
  a: readonly number[],
  b: readonly number[],
): { perRound: number[]; median: number } {
  const rounds = Math.min(a.length, b.length);
  const perRound = Array.from({ length: rounds }, (_, i) =>
    ratio(a[i] ?? NaN, b[i] ?? NaN),
  );

  return { perRound, median: median(perRound) };
}

/** One drawn result, as a `visage:result` or `bench:result` mark holds it. */
export interface ResultMark {
  /** Page clock (performance.now) of the mark, in milliseconds. */
  at: number;
  faces: number;
  /** Capture-to-draw time of the result. */
  latencyMs: number;
  /** Live tensors after the result; absent where the page cannot say. */
  tensors?: number;
  /** Each face's track and labels; the app's marks only. */
  tracks?: TrackLabel[];
}

/** A main-thread long task (PerformanceObserver type 'longtask'). */
export interface LongTask {
  /** Page clock of its start, in milliseconds. */
  start: number;
  durationMs: number;
}

/** What one measured window of a live run comes to. */
export interface WindowSummary {
  seconds: number;
  results: number;
  /** Results drawn per second. */
  fps: number;
  latencyP50Ms: number;
  latencyP90Ms: number;
  /** Mean faces per drawn result. */
  facesPerFrame: number;
  longTasks: number;
  longTasksPerMin: number;
  /** Milliseconds of long tasks per minute: how much of the time it blocks. */
  longTaskMsPerMin: number;
  /** Tensors after the first and the last result of the window. */
  tensorsStart: number;
  tensorsEnd: number;
}

/**
 * Summarises the results and long tasks that fall in [start, end) on the
 * page clock (milliseconds). A long task counts where it starts.
 */
export function summarizeWindow(
  marks: readonly ResultMark[],
  longTasks: readonly LongTask[],
  window: { start: number; end: number },
): WindowSummary {
  const inWindow = (at: number) => at >= window.start && at < window.end;
  const results = marks.filter((mark) => inWindow(mark.at));
  const tasks = longTasks.filter((task) => inWindow(task.start));
  const seconds = Math.max(0, window.end - window.start) / 1000;
  const minutes = seconds / 60;
  const latencies = results.map((mark) => mark.latencyMs).sort((a, b) => a - b);
  const perMinute = (count: number) => (minutes > 0 ? count / minutes : NaN);

  return {
    seconds,
    results: results.length,
    fps: seconds > 0 ? results.length / seconds : NaN,
    latencyP50Ms: percentile(latencies, 0.5),
    latencyP90Ms: percentile(latencies, 0.9),
    facesPerFrame: mean(results.map((mark) => mark.faces)),
    longTasks: tasks.length,
    longTasksPerMin: perMinute(tasks.length),
    longTaskMsPerMin: perMinute(
      tasks.reduce((sum, task) => sum + task.durationMs, 0),
    ),
    tensorsStart: results[0]?.tensors ?? NaN,
    tensorsEnd: results.at(-1)?.tensors ?? NaN,
  };
}
