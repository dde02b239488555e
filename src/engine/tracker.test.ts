import { describe, expect, it } from 'vitest';
import { ema, iou } from './tracker';
import type { Box } from './types';

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
