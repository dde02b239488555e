/**
 * Fake camera clips for Chromium's `--use-file-for-fake-video-capture`: an
 * MJPEG file is JPEG frames one after another, which Chromium plays at 30
 * frames per second and loops. The browser tests and the benchmark both make
 * their clips here, from the photos that ship in `@vladmandic/face-api`.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import sharp from 'sharp';
import type { Sharp } from 'sharp';

/** A rectangle in the source photo's pixels. */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** One photo of a clip and the part of it that must stay in view. */
export interface ClipPhoto {
  path: string;
  /**
   * The part that every frame shows whole, for example the box around all
   * faces. Defaults to the whole photo.
   */
  keepInView?: Region;
}

export interface ClipOptions {
  /** Frame width in pixels. Defaults to 640. */
  width?: number;
  /** Frame height in pixels. Defaults to 480. */
  height?: number;
  /** Frames per photo; Chromium plays 30 a second. Defaults to 60. */
  framesPerPhoto?: number;
  /**
   * Share of the frame the kept region fills along its tighter side, 0..1.
   * The rest is room for the drift. Defaults to 0.9.
   */
  fill?: number;
  /** JPEG quality, 1..100. Defaults to 85. */
  quality?: number;
}

/** Path of a sample photo in `@vladmandic/face-api/demo/`, 1..6. */
export function samplePhotoPath(n: 1 | 2 | 3 | 4 | 5 | 6): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@vladmandic/face-api/package.json');

  return `${dirname(pkg)}/demo/sample${n}.jpg`;
}

/** Faces in each sample photo, as the face-api demo documents them. */
export const SAMPLE_FACE_COUNTS = [3, 3, 3, 4, 5, 4] as const;

/** Sample photos as clip photos, each kept whole in view. */
export function samplePhotos(
  numbers: readonly (1 | 2 | 3 | 4 | 5 | 6)[],
): ClipPhoto[] {
  return numbers.map((n) => ({ path: samplePhotoPath(n) }));
}

/**
 * The three faces of sample1.jpg (1920x1280) with some hair and chin around
 * them, found by eye. The default clip keeps this box in view.
 */
export const SAMPLE1_FACES: Region = {
  left: 360,
  top: 180,
  width: 1380,
  height: 520,
};

/**
 * The five faces of sample5.jpg (1920x1398), found by the engine, with
 * room around them: the front-left face is frontal, two others are turned
 * past the enrolment gate's yaw limit.
 */
export const SAMPLE5_FACES: Region = {
  left: 280,
  top: 120,
  width: 1400,
  height: 1110,
};

/**
 * Renders the frames of a clip: each photo in turn, its kept region fully in
 * view, drifting slowly around the frame centre so the camera looks live.
 * Returns JPEG buffers.
 */
export async function renderClipFrames(
  photos: readonly ClipPhoto[],
  options: ClipOptions = {},
): Promise<Buffer[]> {
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const count = options.framesPerPhoto ?? 60;
  const fill = options.fill ?? 0.9;
  const quality = options.quality ?? 85;
  if (photos.length === 0) throw new Error('A clip needs at least one photo.');
  if (!(fill > 0 && fill <= 1)) {
    throw new Error(`fill must be in 0..1, got ${fill}.`);
  }

  const frames: Buffer[] = [];
  for (const photo of photos) {
    const meta = await sharp(photo.path).metadata();
    const photoW = meta.autoOrient.width;
    const photoH = meta.autoOrient.height;
    const keep = photo.keepInView ?? {
      left: 0,
      top: 0,
      width: photoW,
      height: photoH,
    };
    assertInside(keep, photoW, photoH, photo.path);

    // Scale once so the kept region fills `fill` of the frame; what is left
    // over on each side is how far the picture may drift.
    const scale = fill * Math.min(width / keep.width, height / keep.height);
    const scaled = await sharp(photo.path)
      .autoOrient()
      .removeAlpha()
      .resize(Math.round(photoW * scale), Math.round(photoH * scale))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const roomX = (width - keep.width * scale) / 2;
    const roomY = (height - keep.height * scale) / 2;
    const centreX = (keep.left + keep.width / 2) * scale;
    const centreY = (keep.top + keep.height / 2) * scale;

    for (let i = 0; i < count; i += 1) {
      // A closed figure of eight, so the loop has no jump where it restarts.
      const phase = (2 * Math.PI * i) / count;
      const dx = 0.8 * roomX * Math.sin(phase);
      const dy = 0.8 * roomY * Math.sin(2 * phase);
      const frame = await cutFrame(scaled.data, scaled.info, {
        left: keepOnPhoto(centreX - width / 2 - dx, width, scaled.info.width),
        top: keepOnPhoto(centreY - height / 2 - dy, height, scaled.info.height),
        width,
        height,
      });
      frames.push(
        await frame
          .jpeg({ quality, progressive: false, chromaSubsampling: '4:2:0' })
          .toBuffer(),
      );
    }
  }

  return frames;
}

/** Writes an MJPEG clip (JPEG frames back to back) to `outPath`. */
export async function writeMjpegClip(
  outPath: string,
  photos: readonly ClipPhoto[],
  options: ClipOptions = {},
): Promise<void> {
  const frames = await renderClipFrames(photos, options);
  await mkdir(dirname(outPath), { recursive: true });

  // Write beside and rename, so a reader never sees half a clip.
  const partial = `${outPath}.${process.pid}.partial`;
  await writeFile(partial, Buffer.concat(frames));
  await rename(partial, outPath);
}

/**
 * The default test clip: sample1.jpg's three faces, 640x480, 60 frames (two
 * seconds at Chromium's 30 per second).
 */
export async function writeSampleClip(
  outPath: string,
  options: ClipOptions = {},
): Promise<void> {
  await writeMjpegClip(
    outPath,
    [{ path: samplePhotoPath(1), keepInView: SAMPLE1_FACES }],
    options,
  );
}

/**
 * The recognition tests' clip: sample5.jpg's five faces, 640x480, 60
 * frames. Its front-left face is frontal enough to enrol from any frame.
 */
export async function writeGroupClip(
  outPath: string,
  options: ClipOptions = {},
): Promise<void> {
  await writeMjpegClip(
    outPath,
    [{ path: samplePhotoPath(5), keepInView: SAMPLE5_FACES }],
    options,
  );
}

/**
 * One frame: the window `view` (in the scaled photo's pixels) of the photo.
 * Parts of the window the photo does not reach stay dark grey.
 */
async function cutFrame(
  pixels: Buffer,
  photo: { width: number; height: number; channels: number },
  view: Region,
): Promise<Sharp> {
  const background = sharp({
    create: {
      width: view.width,
      height: view.height,
      channels: 3,
      background: { r: 32, g: 32, b: 32 },
    },
  });

  // The part of the photo inside the window, clipped to the photo.
  const left = Math.max(0, view.left);
  const top = Math.max(0, view.top);
  const right = Math.min(photo.width, view.left + view.width);
  const bottom = Math.min(photo.height, view.top + view.height);
  if (right <= left || bottom <= top) return background;

  const piece = await sharp(pixels, {
    raw: {
      width: photo.width,
      height: photo.height,
      channels: photo.channels as 3,
    },
  })
    .extract({ left, top, width: right - left, height: bottom - top })
    .raw()
    .toBuffer();

  return background.composite([
    {
      input: piece,
      raw: {
        width: right - left,
        height: bottom - top,
        channels: photo.channels as 3,
      },
      left: left - view.left,
      top: top - view.top,
    },
  ]);
}

/**
 * Moves a window edge so that along this axis either the window lies on the
 * photo (no empty band) or, for a photo smaller than the window, the photo
 * lies in the window. The kept region stays in view either way: it lies on
 * the photo, and the window only moves towards the photo's middle.
 */
function keepOnPhoto(start: number, size: number, photoSize: number): number {
  const lowest = Math.min(0, photoSize - size);
  const highest = Math.max(0, photoSize - size);

  return Math.round(Math.min(Math.max(start, lowest), highest));
}

function assertInside(
  region: Region,
  width: number,
  height: number,
  path: string,
): void {
  const inside =
    region.left >= 0 &&
    region.top >= 0 &&
    region.width > 0 &&
    region.height > 0 &&
    region.left + region.width <= width &&
    region.top + region.height <= height;
  if (!inside) {
    throw new Error(
      `keepInView ${JSON.stringify(region)} is not inside ${path} ` +
        `(${width}x${height}).`,
    );
  }
}
