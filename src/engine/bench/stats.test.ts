import { describe, expect, it } from 'vitest';
import {
  median,
  pairedRatios,
  percentile,
  ratio,
  summarizeWindow,
} from './stats';
import type { LongTask, ResultMark } from './stats';

describe('percentile (nearest rank)', () => {
  const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  it.each<[string, number[], number, number]>([
    ['p50 of ten', ten, 0.5, 5],
    ['p90 of ten', ten, 0.9, 9],
    ['p100 of ten', ten, 1, 10],
    ['p0 is the smallest', ten, 0, 1],
    ['p50 of one', [42], 0.5, 42],
    ['p90 of three', [10, 20, 30], 0.9, 30],
    ['p50 of four', [10, 20, 30, 40], 0.5, 20],
  ])('%s', (_name, values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('is NaN for no values', () => {
    expect(percentile([], 0.5)).toBeNaN();
  });
});

describe('median', () => {
  it.each<[string, number[], number]>([
    ['odd count', [3, 1, 2], 2],
    ['even count', [4, 1, 3, 2], 2.5],
    ['one', [7], 7],
    ['NaN left out', [NaN, 1, 3], 2],
  ])('%s', (_name, values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('is NaN for no values', () => {
    expect(median([])).toBeNaN();
    expect(median([NaN])).toBeNaN();
  });
});

describe('ratios', () => {
  it('divides, and refuses a missing or zero denominator', () => {
    expect(ratio(6, 3)).toBe(2);
    expect(ratio(6, 0)).toBeNaN();
    expect(ratio(NaN, 3)).toBeNaN();
    expect(ratio(6, NaN)).toBeNaN();
  });

  it('pairs rounds and takes the median of the pairs', () => {
    const result = pairedRatios([10, 12, 9], [2, 3, 3]);
    expect(result.perRound).toEqual([5, 4, 3]);
    expect(result.median).toBe(4);
  });

  it('leaves a failed round out of the median', () => {
    const result = pairedRatios([10, NaN, 9], [2, 3, 3]);
    expect(result.perRound[1]).toBeNaN();
    expect(result.median).toBe(4);
  });
});

describe('summarizeWindow', () => {
  const marks: ResultMark[] = [
    { at: 900, faces: 3, latencyMs: 999, tensors: 100 },
    { at: 1000, faces: 3, latencyMs: 40, tensors: 120 },
    { at: 1500, faces: 2, latencyMs: 60, tensors: 121 },
    { at: 2000, faces: 3, latencyMs: 50, tensors: 121 },
    { at: 2999, faces: 4, latencyMs: 70, tensors: 122 },
    { at: 3000, faces: 3, latencyMs: 999, tensors: 200 },
  ];
  const tasks: LongTask[] = [
    { start: 500, durationMs: 300 },
    { start: 1200, durationMs: 80 },
    { start: 2500, durationMs: 120 },
  ];
  const summary = summarizeWindow(marks, tasks, { start: 1000, end: 3000 });

  it('counts only results and long tasks inside [start, end)', () => {
    expect(summary.seconds).toBe(2);
    expect(summary.results).toBe(4);
    expect(summary.fps).toBe(2);
    expect(summary.longTasks).toBe(2);
    expect(summary.longTasksPerMin).toBe(60);
    expect(summary.longTaskMsPerMin).toBe(6000);
  });

  it('takes latency percentiles, faces and tensors from those results', () => {
    expect(summary.latencyP50Ms).toBe(50);
    expect(summary.latencyP90Ms).toBe(70);
    expect(summary.facesPerFrame).toBe(3);
    expect(summary.tensorsStart).toBe(120);
    expect(summary.tensorsEnd).toBe(122);
  });

  it('gives NaN, not zero, where an empty window has no figure', () => {
    const empty = summarizeWindow([], [], { start: 0, end: 1000 });
    expect(empty.fps).toBe(0);
    expect(empty.latencyP50Ms).toBeNaN();
    expect(empty.facesPerFrame).toBeNaN();
    expect(empty.tensorsEnd).toBeNaN();
  });
});
