/**
 * Turning a chosen or dropped file into pixels for analysis: a clear
 * sentence for anything that is not a photo this browser can open, and
 * large photos scaled down so analysis and memory stay bounded.
 */
import { HEADER_BYTES, readImageHeader } from './imageHeader';

/** Longest side, in pixels, a photo is analysed and shown at. */
export const PHOTO_MAX_SIDE = 1920;

/** Image types browsers decode; anything else is refused up front. */
const DECODABLE = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/bmp',
  'image/avif',
]);

const EXTENSIONS = /\.(jpe?g|png|webp|gif|bmp|avif)$/i;

/** A file that cannot be analysed; the message names the file. */
export class PhotoError extends Error {
  override readonly name = 'PhotoError';
}

/**
 * Why a file will not be opened as a photo, judged by its type and name
 * only, or null when it may be decoded. HEIC and other formats that
 * browsers do not open get their own advice.
 */
export function photoFileProblem(file: {
  name: string;
  type: string;
  size: number;
}): string | null {
  if (file.size === 0) return `${file.name} is empty.`;
  const type = file.type.toLowerCase();
  if (/hei[cf]/.test(type) || /\.hei[cf]$/i.test(file.name)) {
    return heicProblem(file.name);
  }
  if (DECODABLE.has(type) || (type === '' && EXTENSIONS.test(file.name))) {
    return null;
  }

  return (
    `${file.name} is not a photo this app can open ` +
    `(${type === '' ? 'unknown type' : type}): use JPEG, PNG or WebP.`
  );
}

/** Width and height scaled so the longer side is at most `maxSide`. */
export function fitWithin(
  width: number,
  height: number,
  maxSide: number = PHOTO_MAX_SIDE,
): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));

  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/**
 * Photos decoded whole are refused above this many pixels: 100 megapixels
 * is 400 MB of pixels, enough to take a browser tab down.
 */
export const MAX_WHOLE_PIXELS = 100_000_000;

/**
 * JPEGs the browser scales while decoding (only the scaled pixels are ever
 * held) are refused only above this: 400 megapixels is past any camera.
 */
export const MAX_SCALED_PIXELS = 400_000_000;

/** A decoded photo: pixels to analyse and the photo's own size. */
export interface DecodedPhoto {
  /** At most PHOTO_MAX_SIDE on its longer side, orientation applied. */
  bitmap: ImageBitmap;
  /** The photo's size before scaling, orientation applied. */
  width: number;
  height: number;
}

/**
 * Decodes a photo file to a bitmap no larger than PHOTO_MAX_SIDE, with
 * the photo's orientation applied. The header is read first: a file that
 * is not an image, a HEIC photo under another name, or one too large to
 * open is refused before any decoding; a large JPEG is scaled while it is
 * decoded where the browser can. Throws PhotoError with a sentence for the
 * person.
 */
export async function decodePhoto(file: File): Promise<DecodedPhoto> {
  const problem = photoFileProblem(file);
  if (problem !== null) throw new PhotoError(problem);

  const header = readImageHeader(
    new Uint8Array(await file.slice(0, HEADER_BYTES).arrayBuffer()),
  );
  if (header?.format === 'heic') {
    throw new PhotoError(heicProblem(file.name));
  }
  const size = header?.size;
  const scaled =
    header?.format === 'jpeg' &&
    size !== undefined &&
    Math.max(size.width, size.height) > PHOTO_MAX_SIDE &&
    (await canScaleWhileDecoding());
  if (size !== undefined) {
    const limit = scaled ? MAX_SCALED_PIXELS : MAX_WHOLE_PIXELS;
    if (size.width * size.height > limit) {
      throw new PhotoError(tooLargeProblem(file.name, size, limit));
    }
  }

  try {
    if (scaled) return await decodeScaled(file, size);

    return await decodeWhole(file);
  } catch (error) {
    if (error instanceof PhotoError) throw error;
    throw new PhotoError(
      header === null
        ? `${file.name} is not a JPEG, PNG, WebP, GIF, BMP or AVIF image, ` +
            'whatever its name says: it cannot be analysed.'
        : `${file.name} could not be read as an image: it may be damaged ` +
            'or incomplete.',
    );
  }
}

function heicProblem(name: string): string {
  return (
    `${name} is a HEIC photo, which this browser cannot open: ` +
    'export it as JPEG or PNG first.'
  );
}

function tooLargeProblem(
  name: string,
  size: { width: number; height: number },
  limit: number,
): string {
  const megapixels = Math.round((size.width * size.height) / 1e6);

  return (
    `${name} is ${megapixels} megapixels (${size.width} x ${size.height}), ` +
    `more than the ${limit / 1e6} this app opens: scale it down first.`
  );
}

/**
 * Whether this browser decodes a JPEG straight to a smaller size: WebCodecs'
 * ImageDecoder with desiredWidth/desiredHeight (Chromium picks the JPEG
 * decoder's 1/8 to 8/8 scale from it).
 */
async function canScaleWhileDecoding(): Promise<boolean> {
  if (typeof ImageDecoder !== 'function') return false;
  try {
    return await ImageDecoder.isTypeSupported('image/jpeg');
  } catch {
    return false;
  }
}

/**
 * A large JPEG decoded at the smallest n/8 scale that still covers
 * PHOTO_MAX_SIDE (a 50-megapixel photo is decoded at 2/8: 3 rather than
 * 50 megapixels in memory), then resized to fit.
 */
async function decodeScaled(
  file: File,
  size: { width: number; height: number },
): Promise<DecodedPhoto> {
  const eighths = Math.min(
    8,
    Math.ceil((8 * PHOTO_MAX_SIDE) / Math.max(size.width, size.height)),
  );
  // One pixel more each way, so rounding cannot drop to the scale below.
  const decoder = new ImageDecoder({
    data: file.stream(),
    type: 'image/jpeg',
    desiredWidth: Math.ceil((size.width * eighths) / 8) + 1,
    desiredHeight: Math.ceil((size.height * eighths) / 8) + 1,
  });
  try {
    const { image } = await decoder.decode({ frameIndex: 0 });
    try {
      // Display size is after the EXIF rotation; stored size is before.
      const rotated =
        image.displayWidth < image.displayHeight !== size.width < size.height;
      const full = rotated ? { width: size.height, height: size.width } : size;
      // From the full size: the decoder's rounding would skew the ratio.
      const fit = fitWithin(full.width, full.height);
      const bitmap = await createImageBitmap(image, {
        resizeWidth: fit.width,
        resizeHeight: fit.height,
        resizeQuality: 'high',
      });

      return { bitmap, ...full };
    } finally {
      image.close();
    }
  } finally {
    decoder.close();
  }
}

/** Decodes the whole photo, then scales it down when it is too large. */
async function decodeWhole(file: File): Promise<DecodedPhoto> {
  // TODO(#7): PNG, WebP, GIF, BMP and AVIF (and JPEG where ImageDecoder is
  // missing) are decoded whole before this scaling: Chromium's decoders
  // scale only JPEG while decoding. MAX_WHOLE_PIXELS bounds the memory.
  const bitmap = await createImageBitmap(file, {
    imageOrientation: 'from-image',
  });
  const { width, height } = bitmap;
  const size = fitWithin(width, height);
  if (size.width === width && size.height === height) {
    return { bitmap, width, height };
  }
  try {
    const scaled = await createImageBitmap(bitmap, {
      resizeWidth: size.width,
      resizeHeight: size.height,
      resizeQuality: 'high',
    });

    return { bitmap: scaled, width, height };
  } finally {
    bitmap.close();
  }
}
