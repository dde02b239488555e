import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { readImageHeader } from './imageHeader';

/** A 30 x 20 picture in `format`, as sharp writes it. */
async function encoded(
  format: 'jpeg' | 'png' | 'gif' | 'webp' | 'avif',
  options: object = {},
): Promise<Uint8Array> {
  const image = sharp({
    create: { width: 30, height: 20, channels: 3, background: '#808080' },
  });

  return new Uint8Array(await image.toFormat(format, options).toBuffer());
}

/** An ISO media file's start: an `ftyp` box with these brands. */
function ftyp(major: string, ...compatible: string[]): Uint8Array {
  const brands = [major, '\0\0\0\0', ...compatible].join('');
  const size = 8 + brands.length;
  const bytes = new Uint8Array(size + 16);
  new DataView(bytes.buffer).setUint32(0, size);
  bytes.set(new TextEncoder().encode(`ftyp${brands}`), 4);

  return bytes;
}

describe('readImageHeader', () => {
  test.each([
    ['JPEG', 'jpeg', {}],
    ['progressive JPEG', 'jpeg', { progressive: true }],
    ['PNG', 'png', {}],
    ['GIF', 'gif', {}],
    ['lossy WebP', 'webp', {}],
    ['lossless WebP', 'webp', { lossless: true }],
  ] as const)('%s: format and size', async (_, format, options) => {
    expect(readImageHeader(await encoded(format, options))).toEqual({
      format,
      size: { width: 30, height: 20 },
    });
  });

  test('a JPEG with a large EXIF block before its frame header', async () => {
    const bytes = await sharp({
      create: { width: 300, height: 200, channels: 3, background: '#808080' },
    })
      .withExif({ IFD0: { ImageDescription: 'x'.repeat(40_000) } })
      .jpeg()
      .toBuffer();

    expect(readImageHeader(new Uint8Array(bytes))).toEqual({
      format: 'jpeg',
      size: { width: 300, height: 200 },
    });
  });

  test('an extended WebP (VP8X)', () => {
    const bytes = new Uint8Array(30);
    bytes.set(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8X'), 0);
    // Width - 1 and height - 1 as 24-bit little-endian numbers.
    bytes.set([0x3f, 0x1f, 0x00, 0x7f, 0x16, 0x00], 24);

    expect(readImageHeader(bytes)).toEqual({
      format: 'webp',
      size: { width: 8000, height: 5760 },
    });
  });

  test('a BMP', () => {
    const bytes = new Uint8Array(54);
    bytes.set([0x42, 0x4d], 0);
    const view = new DataView(bytes.buffer);
    view.setInt32(18, 640, true);
    // Top-down BMPs store a negative height.
    view.setInt32(22, -480, true);

    expect(readImageHeader(bytes)).toEqual({
      format: 'bmp',
      size: { width: 640, height: 480 },
    });
  });

  test.each([
    ['an iPhone HEIC', ftyp('heic', 'mif1', 'heic'), 'heic'],
    ['a HEIF with a HEVC brand', ftyp('mif1', 'mif1', 'heix'), 'heic'],
    ['an AVIF', ftyp('avif', 'mif1', 'miaf'), 'avif'],
  ])('%s by its brands', (_, bytes, format) => {
    expect(readImageHeader(bytes)).toEqual({ format });
  });

  test('a JPEG cut before its frame header has no size', async () => {
    const bytes = await encoded('jpeg');
    expect(readImageHeader(bytes.subarray(0, 10))).toEqual({ format: 'jpeg' });
  });

  test('a PNG cut inside its header has no size', async () => {
    const bytes = await encoded('png');
    expect(readImageHeader(bytes.subarray(0, 20))).toEqual({ format: 'png' });
  });

  test.each([
    ['text', new TextEncoder().encode('hello, I am not a photo')],
    ['nothing', new Uint8Array(0)],
    ['a ZIP file', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0])],
    ['an MP4 video', ftyp('isom', 'isom', 'mp41')],
    ['a lone JPEG start', new Uint8Array([0xff])],
  ])('%s is not an image', (_, bytes) => {
    expect(readImageHeader(bytes)).toBeNull();
  });
});
