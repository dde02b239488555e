import { describe, expect, test } from 'vitest';
import type { TrackedFace } from '../engine/types';
import {
  ageText,
  backendText,
  bytesText,
  expressionText,
  fpsText,
  genderText,
  nameText,
  timingsText,
  topExpression,
} from './format';

const SCORES = {
  neutral: 0.05,
  happy: 0.876,
  sad: 0.02,
  angry: 0.01,
  fearful: 0.01,
  disgusted: 0.014,
  surprised: 0.02,
};

function face(extra: Partial<TrackedFace> = {}): TrackedFace {
  return {
    id: 3,
    name: null,
    score: 0.9,
    box: { x: 0, y: 0, width: 1, height: 1 },
    ...extra,
  };
}

describe('backendText', () => {
  test.each([
    [
      { name: 'wasm', threads: 2, simd: true, fallbacks: [] },
      'Backend: WASM (2 threads, SIMD)',
    ],
    [
      { name: 'wasm', threads: 1, simd: false, fallbacks: [] },
      'Backend: WASM (1 thread, no SIMD)',
    ],
    [{ name: 'webgl', fallbacks: [] }, 'Backend: WebGL'],
    [
      {
        name: 'cpu',
        fallbacks: [
          { name: 'wasm', reason: 'no .wasm file' },
          { name: 'webgl', reason: 'no GPU' },
        ],
      },
      'Backend: CPU (fell back from WASM: no .wasm file; WebGL: no GPU)',
    ],
    [
      {
        name: 'wasm',
        threads: 2,
        simd: true,
        probeMs: { webgl: 312.4, wasm: 11.6 },
        fallbacks: [{ name: 'webgpu', reason: 'no adapter' }],
      },
      'Backend: WASM (2 threads, SIMD, Auto picked the fastest: WebGL 312 ms, ' +
        'WASM 12 ms, did not start: WebGPU: no adapter)',
    ],
  ] as const)('%o reads %s', (info, text) => {
    expect(backendText({ ...info, fallbacks: [...info.fallbacks] })).toBe(text);
  });
});

test('fpsText has one decimal', () => {
  expect(fpsText(4.234)).toBe('Analysis: 4.2 fps');
  expect(fpsText(0)).toBe('Analysis: 0.0 fps');
});

describe('timingsText', () => {
  test('lists every stage that ran', () => {
    expect(
      timingsText({
        detectMs: 80.4,
        landmarksMs: 10.2,
        expressionsMs: 5.06,
        ageGenderMs: 6,
        descriptorMs: 30.6,
      }),
    ).toBe(
      'detect 80 ms · landmarks 10 ms · expressions 5.1 ms · ' +
        'age/gender 6.0 ms · descriptor 31 ms',
    );
  });

  test('leaves skipped stages out but always shows detection', () => {
    expect(
      timingsText({
        detectMs: 0,
        landmarksMs: 12,
        expressionsMs: 0,
        ageGenderMs: 0,
        descriptorMs: 0,
      }),
    ).toBe('detect 0.0 ms · landmarks 12 ms');
  });
});

test('topExpression and expressionText pick the most likely class', () => {
  expect(topExpression(SCORES)).toEqual({
    expression: 'happy',
    probability: 0.876,
  });
  expect(expressionText(SCORES)).toBe('happy (88%)');
});

describe('face fields', () => {
  test('age prefers the smoothed value and rounds it', () => {
    expect(ageText(face({ age: 31.6, ageSmoothed: 29.4 }))).toBe('29');
    expect(ageText(face({ age: 31.6 }))).toBe('32');
    expect(ageText(face())).toBeNull();
  });

  test('gender shows its probability as a whole percentage', () => {
    expect(
      genderText(face({ gender: 'female', genderProbability: 0.934 })),
    ).toBe('female (93%)');
    expect(genderText(face({ gender: 'male' }))).toBe('male');
    expect(genderText(face())).toBeNull();
  });

  test('a face without a name is Unknown', () => {
    expect(nameText(face())).toBe('Unknown');
    expect(nameText(face({ name: 'Ada' }))).toBe('Ada');
  });
});

test('bytesText', () => {
  expect(bytesText(193_321)).toBe('193 kB');
  expect(bytesText(6_444_032)).toBe('6.4 MB');
});
