/**
 * What an image file is and how large, read from its first bytes: the
 * format by its signature (whatever the file is called) and the width and
 * height from its header, so a photo can be judged before it is decoded.
 */

/** Formats told apart by their signature. */
export type ImageFormat =
  'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'avif' | 'heic';

/** A file's format and, where the header says, its size in pixels. */
export interface ImageHeader {
  format: ImageFormat;
  /** Stored size, before any EXIF rotation; absent when not found. */
  size?: { width: number; height: number };
}

/**
 * Bytes to read for the header. A JPEG's size comes after its EXIF block,
 * which is at most 64 kB; a few more segments may come first.
 */
export const HEADER_BYTES = 256 * 1024;

/** The MIME type browsers decode each format as. */
export const FORMAT_TYPES: Readonly<Record<ImageFormat, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  avif: 'image/avif',
  heic: 'image/heic',
};

/** ISO media brands of HEIC/HEIF photos (what phones write). */
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

/**
 * The format and size the first bytes of a file show, or null when they
 * are not the start of an image this app knows.
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const has = (offset: number, text: string): boolean =>
    ascii(bytes, offset, text.length) === text;

  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    return withSize('jpeg', jpegSize(view));
  }
  if (has(0, '\x89PNG\r\n\x1a\n')) {
    // IHDR is always the first chunk: width and height at 16 and 20.
    return withSize(
      'png',
      has(12, 'IHDR') && bytes.length >= 24
        ? { width: view.getUint32(16), height: view.getUint32(20) }
        : undefined,
    );
  }
  if (has(0, 'GIF87a') || has(0, 'GIF89a')) {
    return withSize(
      'gif',
      bytes.length >= 10
        ? { width: view.getUint16(6, true), height: view.getUint16(8, true) }
        : undefined,
    );
  }
  if (has(0, 'RIFF') && has(8, 'WEBP')) return withSize('webp', webpSize(view));
  if (has(0, 'BM') && bytes.length >= 26) {
    return withSize('bmp', {
      width: Math.abs(view.getInt32(18, true)),
      height: Math.abs(view.getInt32(22, true)),
    });
  }
  if (has(4, 'ftyp')) return isoFormat(bytes, view);

  return null;
}

function withSize(
  format: ImageFormat,
  size: ImageHeader['size'] | undefined,
): ImageHeader {
  return size && size.width > 0 && size.height > 0
    ? { format, size }
    : { format };
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  if (offset + length > bytes.length) return '';

  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

/** Start-of-frame markers: baseline, progressive, lossless, arithmetic. */
const JPEG_SOF = new Set([
  0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf,
]);

/** Walks the JPEG's segments up to its start-of-frame. */
function jpegSize(view: DataView): ImageHeader['size'] {
  let offset = 2;
  while (offset + 4 <= view.byteLength) {
    if (view.getUint8(offset) !== 0xff) return undefined;
    const marker = view.getUint8(offset + 1);
    // Fill bytes, and markers that carry no length.
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    const length = view.getUint16(offset + 2);
    if (JPEG_SOF.has(marker)) {
      if (offset + 9 > view.byteLength) return undefined;

      return {
        height: view.getUint16(offset + 5),
        width: view.getUint16(offset + 7),
      };
    }
    // Start of scan or end of image before a frame header: not a photo.
    if (marker === 0xda || marker === 0xd9 || length < 2) return undefined;
    offset += 2 + length;
  }

  return undefined;
}

/** Lossy (VP8), lossless (VP8L) and extended (VP8X) WebP headers. */
function webpSize(view: DataView): ImageHeader['size'] {
  if (view.byteLength < 30) return undefined;
  const chunk = String.fromCharCode(
    view.getUint8(12),
    view.getUint8(13),
    view.getUint8(14),
    view.getUint8(15),
  );
  switch (chunk) {
    case 'VP8 ':
      return {
        width: view.getUint16(26, true) & 0x3fff,
        height: view.getUint16(28, true) & 0x3fff,
      };
    case 'VP8L': {
      const bits = view.getUint32(21, true);

      return {
        width: (bits & 0x3fff) + 1,
        height: ((bits >>> 14) & 0x3fff) + 1,
      };
    }
    case 'VP8X':
      return {
        width: 1 + uint24(view, 24),
        height: 1 + uint24(view, 27),
      };
    default:
      return undefined;
  }
}

function uint24(view: DataView, offset: number): number {
  return (
    view.getUint8(offset) |
    (view.getUint8(offset + 1) << 8) |
    (view.getUint8(offset + 2) << 16)
  );
}

/**
 * HEIC and AVIF are both ISO media files; the brands in the `ftyp` box
 * tell them apart. Their size sits deep in the file: left unknown.
 */
function isoFormat(bytes: Uint8Array, view: DataView): ImageHeader | null {
  const boxSize = Math.min(view.getUint32(0), bytes.length);
  const brands: string[] = [ascii(bytes, 8, 4)];
  for (let offset = 16; offset + 4 <= boxSize; offset += 4) {
    brands.push(ascii(bytes, offset, 4));
  }
  if (brands.some((brand) => AVIF_BRANDS.has(brand))) return { format: 'avif' };
  if (brands.some((brand) => HEIC_BRANDS.has(brand))) return { format: 'heic' };

  return null;
}
