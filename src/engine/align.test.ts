import { describe, expect, it } from 'vitest';
import type { Point } from './types';
import { dlibAlignmentBox } from './align';

/** 68 landmarks: eyes centred at (40, 50) and (60, 50), mouth at (50, 80). */
function face(): Point[] {
  return Array.from({ length: 68 }, (_, i) => {
    if (i >= 36 && i < 42) return { x: 40 + (i % 2 ? 1 : -1), y: 50 };
    if (i >= 42 && i < 48) return { x: 60, y: 50 + (i % 2 ? 2 : -2) };
    if (i >= 48) return { x: 50, y: 80 };
    return { x: 0, y: 0 };
  });
}

describe('dlibAlignmentBox', () => {
  it('sizes the square by the eye-to-mouth reach, placed as face-api does', () => {
    // Reach: hypot(10, 30) = 31.62, over 0.45 is 70.3: a side of 70.
    // Centre of eyes and mouth (50, 60): left 50 - 35, top 60 - 0.43 * 70.
    expect(dlibAlignmentBox(face(), 200, 200)).toEqual({
      x: 15,
      y: 29,
      width: 70,
      height: 70,
    });
  });

  it('clips the box to the image', () => {
    expect(dlibAlignmentBox(face(), 60, 90)).toEqual({
      x: 15,
      y: 29,
      width: 45,
      height: 61,
    });
    const moved = face().map((p) => ({ x: p.x - 30, y: p.y - 40 }));
    expect(dlibAlignmentBox(moved, 200, 200)).toMatchObject({ x: 0, y: 0 });
  });

  it('needs 68 landmarks', () => {
    expect(() => dlibAlignmentBox(face().slice(0, 5), 100, 100)).toThrow(
      /Expected 68 landmarks but got 5/,
    );
  });
});
