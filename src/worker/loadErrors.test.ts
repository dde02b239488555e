import { describe, expect, it } from 'vitest';
import { ModelLoadError } from '../engine/models';
import { describeLoadError } from './loadErrors';

const page = 'http://127.0.0.1:5000';

function networkError(url: string): ModelLoadError {
  return new ModelLoadError(
    'tinyFaceDetector',
    url,
    'network',
    `Could not load Tiny Face Detector: ${url} could not be reached.`,
  );
}

describe('describeLoadError', () => {
  it('adds the --model-origin fix for another origin', () => {
    const text = describeLoadError(
      networkError('https://models.example.org/m/x.json'),
      page,
    );

    expect(text).toContain(
      'npm start -- --model-origin https://models.example.org',
    );
  });

  it.each([
    ['our own origin', `${page}/models/x.json`],
    ['the CDN', 'https://cdn.jsdelivr.net/npm/x/model/x.json'],
  ])('leaves %s alone', (_name, url) => {
    const error = networkError(url);

    expect(describeLoadError(error, page)).toBe(error.message);
  });

  it('adds what to do to a damaged file, unless it says already', () => {
    const truncated = new ModelLoadError(
      'tinyFaceDetector',
      `${page}/models/x.bin`,
      'corrupt',
      'Could not load Tiny Face Detector: x.bin is truncated.',
    );
    const advised = new ModelLoadError(
      'tinyFaceDetector',
      `${page}/models/x.json`,
      'corrupt',
      'x.json is not a manifest. Choose another model source.',
    );

    expect(describeLoadError(truncated, page)).toMatch(
      /truncated\. Download the models again, or choose another Model source/,
    );
    expect(describeLoadError(advised, page)).toBe(advised.message);
  });

  it('leaves HTTP errors and plain errors alone', () => {
    const http = new ModelLoadError(
      'tinyFaceDetector',
      'https://models.example.org/x.json',
      'http',
      'returned HTTP 404',
      404,
    );

    expect(describeLoadError(http, page)).toBe('returned HTTP 404');
    expect(describeLoadError(new Error('boom'), page)).toBe('boom');
  });
});
