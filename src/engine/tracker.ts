/**
 * Box overlap and smoothing arithmetic shared by tracking and tests. The
 * tracking itself is in ./tracking/.
 */
import type { Box } from './types';

/** Intersection over union of two boxes, 0..1. */
export function iou(a: Box, b: Box): number {
  const left = Math.max(a.x, b.x);
  const top = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  const overlap = Math.max(0, right - left) * Math.max(0, bottom - top);
  const union = a.width * a.height + b.width * b.height - overlap;

  return union > 0 ? overlap / union : 0;
}

/** Exponential moving average: `weight` is the share of the newest value. */
export function ema(
  previous: number | undefined,
  value: number,
  weight: number,
): number {
  return previous === undefined
    ? value
    : previous + weight * (value - previous);
}
