/**
 * How sharp a face looks, from the pixels alone: the variance of a Laplacian
 * over the grey face, after resampling the face to a fixed size so the
 * figure does not grow or shrink with the face's size in pixels.
 *
 * Why a fixed size: recognition sees every face at 150x150, so blur only
 * matters relative to the face. A 3 px blur ruins a 100 px face and is
 * invisible on a 600 px one; resampling first makes the two compare as the
 * networks would see them. Why 80 px: it is the smallest face the quality
 * gate accepts by default, so accepted faces are only ever shrunk (area
 * averaging keeps edges crisp); enlarging smooths them and reads as blur.
 */
import type { Box, PixelFrame } from '../types';

/** Side in pixels of the square the face is resampled to before measuring. */
export const SHARPNESS_SIDE = 80;

/**
 * Variance of the 4-neighbour Laplacian over the grey face inside `box`
 * (clipped to the frame), resampled to SHARPNESS_SIDE px a side with area
 * averaging. Grey levels are 0..255, so a flat face gives 0 and a crisp one
 * hundreds. Returns 0 when the box lies outside the frame.
 */
export function faceSharpness(frame: PixelFrame, box: Box): number {
  const grey = resampleGrey(frame, box, SHARPNESS_SIDE);
  if (!grey) return 0;

  return laplacianVariance(grey, SHARPNESS_SIDE);
}

/**
 * Grey levels (Rec. 601 luma) of `box` resampled to side x side: each output
 * pixel averages a grid of bilinear samples spanning its cell, one sample
 * when enlarging. Null when the box and the frame do not overlap.
 */
export function resampleGrey(
  frame: PixelFrame,
  box: Box,
  side: number,
): Float32Array | null {
  const left = Math.max(0, box.x);
  const top = Math.max(0, box.y);
  const right = Math.min(frame.width, box.x + box.width);
  const bottom = Math.min(frame.height, box.y + box.height);
  if (right - left < 1 || bottom - top < 1) return null;

  const cellW = (right - left) / side;
  const cellH = (bottom - top) / side;
  const stepsX = Math.max(1, Math.ceil(cellW));
  const stepsY = Math.max(1, Math.ceil(cellH));
  const out = new Float32Array(side * side);
  for (let row = 0; row < side; row++) {
    for (let col = 0; col < side; col++) {
      let sum = 0;
      for (let sy = 0; sy < stepsY; sy++) {
        const y = top + (row + (sy + 0.5) / stepsY) * cellH;
        for (let sx = 0; sx < stepsX; sx++) {
          const x = left + (col + (sx + 0.5) / stepsX) * cellW;
          sum += bilinearGrey(frame, x - 0.5, y - 0.5);
        }
      }
      out[row * side + col] = sum / (stepsX * stepsY);
    }
  }

  return out;
}

/** Variance of the 4-neighbour Laplacian over the image's inner pixels. */
export function laplacianVariance(grey: Float32Array, side: number): number {
  const at = (x: number, y: number): number => grey[y * side + x] as number;
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < side - 1; y++) {
    for (let x = 1; x < side - 1; x++) {
      const value =
        at(x - 1, y) +
        at(x + 1, y) +
        at(x, y - 1) +
        at(x, y + 1) -
        4 * at(x, y);
      sum += value;
      sumSq += value * value;
      n += 1;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;

  return Math.max(0, sumSq / n - mean * mean);
}

/** Grey level at pixel-centre coordinates (x, y), edges clamped. */
function bilinearGrey(frame: PixelFrame, x: number, y: number): number {
  const x0 = clampInt(Math.floor(x), frame.width);
  const y0 = clampInt(Math.floor(y), frame.height);
  const x1 = clampInt(x0 + 1, frame.width);
  const y1 = clampInt(y0 + 1, frame.height);
  const fx = Math.min(1, Math.max(0, x - x0));
  const fy = Math.min(1, Math.max(0, y - y0));
  const top = lerp(luma(frame, x0, y0), luma(frame, x1, y0), fx);
  const bottom = lerp(luma(frame, x0, y1), luma(frame, x1, y1), fx);

  return lerp(top, bottom, fy);
}

function luma(frame: PixelFrame, x: number, y: number): number {
  const i = (y * frame.width + x) * 4;
  const { data } = frame;

  return (
    0.299 * (data[i] as number) +
    0.587 * (data[i + 1] as number) +
    0.114 * (data[i + 2] as number)
  );
}

function clampInt(value: number, size: number): number {
  return Math.min(size - 1, Math.max(0, value));
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}
