/**
 * Decoding image files to RGBA frames in Node (sharp), for tests, the
 * evaluation and benchmarks. The browser decodes with createImageBitmap.
 */
import sharp from 'sharp';
import type { PixelFrame } from '../types';

/** Decodes a JPEG/PNG/WebP file or buffer into an RGBA PixelFrame. */
export async function readPixelFrame(
  source: string | Buffer,
): Promise<PixelFrame> {
  const { data, info } = await sharp(source)
    .rotate()
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });

  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}
