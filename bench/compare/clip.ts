/**
 * The benchmark's camera clip and its first frame: face-api's sample1.jpg,
 * three faces, 640x480, as the browser tests make it (e2e/clip.ts).
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  renderClipFrames,
  SAMPLE1_FACES,
  SAMPLE_FACE_COUNTS,
  samplePhotoPath,
  writeSampleClip,
} from '../../e2e/clip';

/** The photo the clip is made from, and the faces in it. */
export const CLIP_PHOTO_PATH = samplePhotoPath(1);
export const CLIP_FACES = SAMPLE_FACE_COUNTS[0];
export const CLIP_DESCRIPTION = "face-api's sample1.jpg, 640x480, 3 faces";

/** The sample clip at `path`, made when missing or older than its maker. */
export async function ensureSampleClip(path: string): Promise<string> {
  const generator = fileURLToPath(
    new URL('../../e2e/clip.ts', import.meta.url),
  );
  const clipTime = mtime(path);
  if (clipTime === null || clipTime < (mtime(generator) ?? 0)) {
    console.info(`bench: writing the camera clip ${path}.`);
    await writeSampleClip(path);
  }

  return path;
}

/**
 * The clip's first frame as JPEG: the figure-of-eight drift starts at the
 * centre, so one frame rendered alone is the clip's frame 0.
 */
export async function firstClipFrame(): Promise<Buffer> {
  const [frame] = await renderClipFrames(
    [{ path: CLIP_PHOTO_PATH, keepInView: SAMPLE1_FACES }],
    { framesPerPhoto: 1 },
  );
  if (!frame) throw new Error('The clip renderer gave no frame.');

  return frame;
}

function mtime(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}
