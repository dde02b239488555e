import { describe, expect, test } from 'vitest';
import type { SettingsStorage } from './settings';
import { SETTINGS_KEY } from './settings';
import { createSettingsStore } from './settingsStore';

function memoryStorage(): SettingsStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();

  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
  };
}

describe('createSettingsStore', () => {
  test('changes survive a reload', () => {
    const storage = memoryStorage();
    const first = createSettingsStore(storage);
    first.updateAnalysis({ detector: 'ssd', landmarks: false });
    first.updateDisplay({ mirror: false, resolution: '1280x720' });
    first.updateLoad({ modelSource: 'cdn', backend: 'webgl' });
    first.dispose();

    const reloaded = createSettingsStore(storage).settings.value;

    expect(reloaded.analysis.detector).toBe('ssd');
    expect(reloaded.analysis.landmarks).toBe(false);
    expect(reloaded.display.mirror).toBe(false);
    expect(reloaded.display.resolution).toBe('1280x720');
    expect(reloaded.load).toMatchObject({
      modelSource: 'cdn',
      backend: 'webgl',
    });
  });

  test('updates are validated before they are stored', () => {
    const storage = memoryStorage();
    const store = createSettingsStore(storage);
    store.updateAnalysis({ tinyInputSize: 1000, tinyScoreThreshold: 2 });

    expect(store.settings.value.analysis.tinyInputSize).toBe(608);
    expect(store.settings.value.analysis.tinyScoreThreshold).toBe(0.95);
    const saved = JSON.parse(storage.data.get(SETTINGS_KEY) ?? '{}');
    expect(saved.analysis.tinyInputSize).toBe(608);
    store.dispose();
  });

  test('works without storage', () => {
    const store = createSettingsStore(null);
    store.updateDisplay({ boxes: false });

    expect(store.settings.value.display.boxes).toBe(false);
    store.dispose();
  });

  test('a storage that refuses writes does not break updates', () => {
    const store = createSettingsStore({
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    });
    store.updateDisplay({ boxes: false });

    expect(store.settings.value.display.boxes).toBe(false);
    store.dispose();
  });
});
