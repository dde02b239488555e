/**
 * Turning a chosen or dropped file into pixels for analysis: a clear
 * sentence for anything that is not a photo this browser can open, and
 * large photos scaled down so analysis and memory stay bounded.
 */

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
    return (
      `${file.name} is a HEIC photo, which this browser cannot open: ` +
      'export it as JPEG or PNG first.'
    );
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
 * Decodes a photo file to a bitmap no larger than PHOTO_MAX_SIDE, with
 * the photo's orientation applied. Throws PhotoError with a sentence for
 * the person.
 */
export async function decodePhoto(file: File): Promise<ImageBitmap> {
  const problem = photoFileProblem(file);
  if (problem !== null) throw new PhotoError(problem);

  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new PhotoError(
      `${file.name} could not be read as an image: it may be damaged or ` +
        'incomplete.',
    );
  }
  // TODO(#7): very large photos are decoded whole before this scaling.
  const size = fitWithin(bitmap.width, bitmap.height);
  if (size.width === bitmap.width && size.height === bitmap.height) {
    return bitmap;
  }
  try {
    return await createImageBitmap(bitmap, {
      resizeWidth: size.width,
      resizeHeight: size.height,
      resizeQuality: 'high',
    });
  } finally {
    bitmap.close();
  }
}
