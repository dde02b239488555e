/**
 * Where a sample's thumbnail is cut from its photo: a square around the face
 * box with some room for hair and chin, kept inside the photo. Pure
 * geometry; the worker does the cutting.
 */
import type { Box } from '../types';

/** Thumbnail side in pixels: small enough to keep hundreds in storage. */
export const THUMBNAIL_SIDE = 96;

/**
 * A square around `face`, `margin` of its larger side added on every side,
 * moved (and if need be shrunk) to lie within a `width` x `height` frame.
 * Whole pixels; at least 1 x 1.
 */
export function thumbnailBox(
  face: Box,
  width: number,
  height: number,
  margin = 0.2,
): Box {
  const side = Math.max(
    1,
    Math.min(
      Math.round(Math.max(face.width, face.height) * (1 + 2 * margin)),
      Math.floor(width),
      Math.floor(height),
    ),
  );
  const centreX = face.x + face.width / 2;
  const centreY = face.y + face.height / 2;
  const x = clamp(Math.round(centreX - side / 2), 0, Math.max(0, width - side));
  const y = clamp(
    Math.round(centreY - side / 2),
    0,
    Math.max(0, height - side),
  );

  return { x, y, width: side, height: side };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
