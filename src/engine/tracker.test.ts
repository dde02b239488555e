import { describe, expect, it } from 'vitest';
import { ema, iou, Tracker } from './tracker';
import type { Box, FaceAnalysis } from './types';

const face = (x: number, y: number, age?: number): FaceAnalysis => ({
  box: { x, y, width: 100, height: 100 },
  score: 0.9,
  ...(age === undefined ? {} : { age }),
});

describe('iou', () => {
  it.each<[string, Box, Box, number]>([
    [
      'identical',
      { x: 0, y: 0, width: 10, height: 10 },
      { x: 0, y: 0, width: 10, height: 10 },
      1,
    ],
    [
      'disjoint',
      { x: 0, y: 0, width: 10, height: 10 },
      { x: 20, y: 0, width: 10, height: 10 },
      0,
    ],
    [
      'half shifted',
      { x: 0, y: 0, width: 10, height: 10 },
      { x: 5, y: 0, width: 10, height: 10 },
      50 / 150,
    ],
    [
      'empty',
      { x: 0, y: 0, width: 0, height: 0 },
      { x: 0, y: 0, width: 0, height: 0 },
      0,
    ],
  ])('%s boxes', (_name, a, b, expected) => {
    expect(iou(a, b)).toBeCloseTo(expected, 6);
  });
});

describe('ema', () => {
  it('starts at the first value and moves by the weight', () => {
    expect(ema(undefined, 30, 0.2)).toBe(30);
    expect(ema(30, 40, 0.2)).toBeCloseTo(32, 6);
    expect(ema(30, 40, 1)).toBe(40);
  });
});

describe('Tracker', () => {
  it('keeps ids for faces that move a little', () => {
    const tracker = new Tracker();
    const first = tracker.update([face(0, 0), face(300, 0)], 0, 0.2);
    const second = tracker.update([face(310, 5), face(8, 4)], 33, 0.2);

    expect(first.map((f) => f.id)).toEqual([1, 2]);
    expect(second.map((f) => f.id)).toEqual([2, 1]);
  });

  it('gives a new face a new id and never reuses a live one', () => {
    const tracker = new Tracker();
    tracker.update([face(0, 0)], 0, 0.2);
    const next = tracker.update([face(0, 0), face(500, 0)], 33, 0.2);

    expect(next.map((f) => f.id)).toEqual([1, 2]);
  });

  it('drops a track unseen for longer than maxMissingMs', () => {
    const tracker = new Tracker({ maxMissingMs: 500 });
    tracker.update([face(0, 0)], 0, 0.2);
    tracker.update([], 400, 0.2);
    expect(tracker.update([face(0, 0)], 450, 0.2)[0]?.id).toBe(1);
    expect(tracker.update([face(0, 0)], 900, 0.2)[0]?.id).toBe(1);
    expect(tracker.update([face(0, 0)], 2000, 0.2)[0]?.id).toBe(2);
  });

  it('smooths age per track with the given weight', () => {
    const tracker = new Tracker();
    tracker.update([face(0, 0, 30)], 0, 0.5);
    const [smoothed] = tracker.update([face(0, 0, 40)], 33, 0.5);

    expect(smoothed?.age).toBe(40);
    expect(smoothed?.ageSmoothed).toBe(35);
  });

  it('starts ids at 1 again after reset', () => {
    const tracker = new Tracker();
    tracker.update([face(0, 0), face(300, 0)], 0, 0.2);
    tracker.reset();

    expect(tracker.update([face(300, 0)], 33, 0.2)[0]?.id).toBe(1);
  });
});
