import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ANALYSIS_OPTIONS,
  normalizeAnalysisOptions,
  photoAnalysisOptions,
  TINY_INPUT_SIZES,
} from './options';

describe('normalizeAnalysisOptions', () => {
  it('fills every default from nothing', () => {
    expect(normalizeAnalysisOptions(undefined)).toEqual(
      DEFAULT_ANALYSIS_OPTIONS,
    );
    expect(normalizeAnalysisOptions('garbage')).toEqual(
      DEFAULT_ANALYSIS_OPTIONS,
    );
  });

  it.each([
    ['tinyInputSize', 100, 128],
    ['tinyInputSize', 1000, 608],
    ['tinyInputSize', 430, 416],
    ['tinyScoreThreshold', 2, 0.95],
    ['ssdMinConfidence', -1, 0.05],
    ['maxFaces', 0, 1],
    ['maxFaces', 3.6, 4],
    ['ageSmoothing', 0, 0.01],
    ['ageSmoothing', Number.NaN, DEFAULT_ANALYSIS_OPTIONS.ageSmoothing],
  ])('brings %s=%s into range as %s', (key, value, expected) => {
    const options = normalizeAnalysisOptions({ [key]: value });
    expect(options[key as keyof typeof options]).toBe(expected);
  });

  it('keeps valid values and drops unknown fields and wrong types', () => {
    const options = normalizeAnalysisOptions({
      detector: 'ssd',
      landmarks: false,
      expressions: 'no',
      extra: 1,
    });

    expect(options.detector).toBe('ssd');
    expect(options.landmarks).toBe(false);
    expect(options.expressions).toBe(true);
    expect(options).not.toHaveProperty('extra');
  });

  it('keeps the photo detector apart from the live one', () => {
    expect(DEFAULT_ANALYSIS_OPTIONS.detector).toBe('tiny');
    expect(DEFAULT_ANALYSIS_OPTIONS.photoDetector).toBe('ssd');
    // Settings saved before the photo detector existed get its default.
    expect(normalizeAnalysisOptions({ detector: 'ssd' }).photoDetector).toBe(
      'ssd',
    );
    expect(
      normalizeAnalysisOptions({ photoDetector: 'tiny' }).photoDetector,
    ).toBe('tiny');
    expect(
      normalizeAnalysisOptions({ photoDetector: 'mtcnn' }).photoDetector,
    ).toBe('ssd');
  });
});

describe('photoAnalysisOptions', () => {
  it('runs the photo detector and keeps every other setting', () => {
    const live = normalizeAnalysisOptions({
      detector: 'tiny',
      photoDetector: 'ssd',
      tinyInputSize: 320,
      maxFaces: 4,
      expressions: false,
    });
    const photo = photoAnalysisOptions(live);

    expect(photo).toEqual({ ...live, detector: 'ssd' });
    expect(live.detector).toBe('tiny');
    expect(
      photoAnalysisOptions({ ...live, photoDetector: 'tiny' }).detector,
    ).toBe('tiny');
  });
});

describe('TINY_INPUT_SIZES', () => {
  it('runs from 128 to 608 in steps of 32', () => {
    expect(TINY_INPUT_SIZES[0]).toBe(128);
    expect(TINY_INPUT_SIZES.at(-1)).toBe(608);
    expect(TINY_INPUT_SIZES).toHaveLength(16);
  });
});
