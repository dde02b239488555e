/**
 * The face chip the recognition net reads (face-api's alignDlib framing):
 * a square whose side is the mean distance from the mouth's centre to each
 * eye's centre over 0.45, placed so that the centre of eyes and mouth sits
 * half-way across and 43% down, the framing of the 150x150 dlib chips the
 * net was trained on. The other nets read `alignedRect` (the landmarks'
 * bounding box grown by a fifth); `npm run eval -- --crop aligned` measures
 * what the chip gains over it for descriptors.
 */
import type { Box, Point } from './types';

function centre(points: readonly Point[]): Point {
  return {
    x: points.reduce((s, p) => s + p.x, 0) / points.length,
    y: points.reduce((s, p) => s + p.y, 0) / points.length,
  };
}

/**
 * face-api's dlib alignment box for 68 landmarks (iBUG layout) in an image
 * of the given size, in the same pixels, clipped to the image.
 * Throws unless there are 68 landmarks.
 */
export function dlibAlignmentBox(
  landmarks: readonly Point[],
  imageWidth: number,
  imageHeight: number,
): Box {
  if (landmarks.length !== 68) {
    throw new Error(
      `Expected 68 landmarks but got ${landmarks.length}: the dlib box ` +
        'needs the eyes (36-47) and the mouth (48-67).',
    );
  }
  const left = centre(landmarks.slice(36, 42));
  const right = centre(landmarks.slice(42, 48));
  const mouth = centre(landmarks.slice(48, 68));
  const reach =
    (Math.hypot(mouth.x - left.x, mouth.y - left.y) +
      Math.hypot(mouth.x - right.x, mouth.y - right.y)) /
    2;
  const size = Math.floor(reach / 0.45);
  const middle = centre([left, right, mouth]);
  const x = Math.floor(Math.max(0, middle.x - 0.5 * size));
  const y = Math.floor(Math.max(0, middle.y - 0.43 * size));

  return {
    x,
    y,
    width: Math.min(size, imageWidth - x),
    height: Math.min(size, imageHeight - y),
  };
}
