import { describe, expect, test } from 'vitest';
import { engineConfig } from './engineConfig';
import { cdnModelUrl, modelBaseUrl, withTrailingSlash } from './modelUrl';
import { DEFAULT_LOAD } from './settings';

const PAGE = 'http://127.0.0.1:5000/some/page?x=1';

describe('modelBaseUrl', () => {
  test('Local is /models/<version>/ on our own origin', () => {
    expect(modelBaseUrl('local', '', PAGE, '1.7.15')).toBe(
      'http://127.0.0.1:5000/models/1.7.15/',
    );
  });

  test('CDN pins the installed face-api version', () => {
    expect(modelBaseUrl('cdn', '', PAGE, '1.7.15')).toBe(
      'https://cdn.jsdelivr.net/npm/@vladmandic/face-api@1.7.15/model/',
    );
    expect(cdnModelUrl('9.9.9')).toContain('@9.9.9/');
  });

  test.each([
    ['https://example.com/m', 'https://example.com/m/'],
    ['https://example.com/m/', 'https://example.com/m/'],
    ['  /weights  ', 'http://127.0.0.1:5000/weights/'],
    ['', 'http://127.0.0.1:5000/models/1.7.15/'],
  ])('Custom %j resolves to %s', (custom, expected) => {
    expect(modelBaseUrl('custom', custom, PAGE, '1.7.15')).toBe(expected);
  });

  test('a custom URL that cannot be parsed says so', () => {
    expect(() => modelBaseUrl('custom', 'http://', PAGE, '1')).toThrow(
      /is not a valid URL/,
    );
  });
});

test('withTrailingSlash adds a slash only when missing', () => {
  expect(withTrailingSlash('a')).toBe('a/');
  expect(withTrailingSlash('a/')).toBe('a/');
});

describe('engineConfig', () => {
  const page = { pageUrl: PAGE, faceApiVersion: '1.7.15', cores: 8 };

  test('carries backend, model URL and one WASM thread per core', () => {
    expect(engineConfig({ ...DEFAULT_LOAD, backend: 'wasm' }, page)).toEqual({
      backend: 'wasm',
      modelBaseUrl: 'http://127.0.0.1:5000/models/1.7.15/',
      wasmThreads: 8,
      wasmPaths: '',
    });
  });

  test.each([0, Number.NaN, -2])('%d cores still give one thread', (cores) => {
    expect(engineConfig(DEFAULT_LOAD, { ...page, cores }).wasmThreads).toBe(1);
  });
});
