import { describe, expect, test } from 'vitest';
import { DEFAULT_MATCH_OPTIONS } from '../engine/gallery/matcher';
import { DEFAULT_ANALYSIS_OPTIONS } from '../engine/options';
import type { SettingsStorage } from './settings';
import {
  DEFAULT_DISPLAY,
  DEFAULT_LOAD,
  SETTINGS_KEY,
  loadSettings,
  normalizeSettings,
  resolutionSize,
  saveSettings,
} from './settings';

/** An in-memory Storage; `broken` makes every call throw like a full one. */
function fakeStorage(
  initial: Record<string, string> = {},
  broken = false,
): SettingsStorage & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));

  return {
    data,
    getItem(key) {
      if (broken) throw new Error('SecurityError');
      return data.get(key) ?? null;
    },
    setItem(key, value) {
      if (broken) throw new Error('QuotaExceededError');
      data.set(key, value);
    },
  };
}

describe('normalizeSettings', () => {
  test('fills in every default from nothing', () => {
    expect(normalizeSettings(undefined)).toEqual({
      analysis: DEFAULT_ANALYSIS_OPTIONS,
      match: DEFAULT_MATCH_OPTIONS,
      display: DEFAULT_DISPLAY,
      load: DEFAULT_LOAD,
    });
  });

  test('brings the match threshold into the slider range', () => {
    const settings = normalizeSettings({
      match: { threshold: 5, strategy: 'mean' },
    });
    expect(settings.match).toEqual({
      ...DEFAULT_MATCH_OPTIONS,
      threshold: 0.8,
      strategy: 'mean',
    });
  });

  test.each([
    ['a wrong resolution', { display: { resolution: '4k' } }],
    ['a wrong source', { load: { modelSource: 'ftp' } }],
    ['a wrong backend', { load: { backend: 'cuda' } }],
    ['a string where a boolean goes', { display: { mirror: 'yes' } }],
    ['a number where a string goes', { display: { cameraId: 42 } }],
    ['an array instead of an object', []],
    ['null', null],
  ])('replaces %s with the default', (_name, input) => {
    expect(normalizeSettings(input)).toEqual(normalizeSettings(undefined));
  });

  test('keeps valid values and clamps analysis options', () => {
    const settings = normalizeSettings({
      analysis: { detector: 'ssd', maxFaces: 500, ageSmoothing: 0 },
      display: { boxes: false, mirror: false, resolution: '1280x720' },
      load: { modelSource: 'custom', customModelUrl: '/m/', backend: 'cpu' },
    });

    expect(settings.analysis.detector).toBe('ssd');
    expect(settings.analysis.maxFaces).toBe(50);
    expect(settings.analysis.ageSmoothing).toBe(0.01);
    expect(settings.display).toEqual({
      boxes: false,
      mirror: false,
      resolution: '1280x720',
      cameraId: '',
    });
    expect(settings.load).toEqual({
      modelSource: 'custom',
      customModelUrl: '/m/',
      backend: 'cpu',
    });
  });

  test('drops fields it does not know', () => {
    const settings = normalizeSettings({ display: { extra: 1 }, other: 2 });

    expect(Object.keys(settings.display).sort()).toEqual(
      Object.keys(DEFAULT_DISPLAY).sort(),
    );
    expect(settings).not.toHaveProperty('other');
  });
});

describe('loadSettings and saveSettings', () => {
  test('a saved value comes back', () => {
    const storage = fakeStorage();
    const settings = normalizeSettings({ display: { mirror: false } });

    expect(saveSettings(storage, settings)).toBe(true);
    expect(storage.data.has(SETTINGS_KEY)).toBe(true);
    expect(loadSettings(storage)).toEqual(settings);
  });

  test.each([
    ['nothing saved', fakeStorage()],
    ['malformed JSON', fakeStorage({ [SETTINGS_KEY]: '{nope' })],
    ['a JSON string', fakeStorage({ [SETTINGS_KEY]: '"text"' })],
    ['storage that throws', fakeStorage({}, true)],
    ['no storage at all', null],
  ])('%s gives the defaults', (_name, storage) => {
    expect(loadSettings(storage)).toEqual(normalizeSettings(undefined));
  });

  test('saving reports a refusal instead of throwing', () => {
    const settings = normalizeSettings(undefined);

    expect(saveSettings(fakeStorage({}, true), settings)).toBe(false);
    expect(saveSettings(null, settings)).toBe(false);
  });
});

test('resolutionSize reads width and height', () => {
  expect(resolutionSize('640x480')).toEqual({ width: 640, height: 480 });
  expect(resolutionSize('1280x720')).toEqual({ width: 1280, height: 720 });
});
