import { describe, expect, test } from 'vitest';
import { fitWithin, photoFileProblem } from './photoFile';

describe('photoFileProblem', () => {
  test.each([
    ['a JPEG', { name: 'a.jpg', type: 'image/jpeg', size: 10 }, null],
    ['a PNG', { name: 'a.png', type: 'image/png', size: 10 }, null],
    ['a WebP', { name: 'a.webp', type: 'image/webp', size: 10 }, null],
    ['a typeless .jpeg', { name: 'a.JPEG', type: '', size: 10 }, null],
    ['an empty file', { name: 'a.jpg', type: 'image/jpeg', size: 0 }, 'empty'],
    ['HEIC by type', { name: 'a', type: 'image/heic', size: 10 }, 'HEIC'],
    ['HEIC by name', { name: 'IMG_1.HEIC', type: '', size: 10 }, 'HEIC'],
    [
      'a text file',
      { name: 'a.txt', type: 'text/plain', size: 10 },
      'text/plain',
    ],
    ['a typeless file', { name: 'notes', type: '', size: 10 }, 'unknown type'],
  ])('%s', (_, file, want) => {
    const problem = photoFileProblem(file);
    if (want === null) {
      expect(problem).toBeNull();
    } else {
      expect(problem).toContain(want);
      expect(problem).toContain(file.name);
    }
  });
});

describe('fitWithin', () => {
  test.each([
    [640, 480, 1920, 640, 480],
    [4000, 3000, 1920, 1920, 1440],
    [3000, 4000, 1920, 1440, 1920],
    [8660, 5774, 1920, 1920, 1280],
    [1, 10000, 1920, 1, 1920],
  ])('%i x %i within %i is %i x %i', (w, h, max, ww, wh) => {
    expect(fitWithin(w, h, max)).toEqual({ width: ww, height: wh });
  });
});
