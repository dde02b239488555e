/**
 * The settings as a signal, saved to storage whenever they change, so they
 * survive a reload.
 */
import { effect, signal } from '@preact/signals';
import type { ReadonlySignal } from '@preact/signals';
import type { AnalysisOptions } from '../engine/options';
import { normalizeAnalysisOptions } from '../engine/options';
import type {
  DisplaySettings,
  LoadSettings,
  Settings,
  SettingsStorage,
} from './settings';
import type { MatchOptions } from '../engine/gallery/matcher';
import { loadSettings, normalizeSettings, saveSettings } from './settings';
import { logger } from './log';

const log = logger('settings');

export interface SettingsStore {
  readonly settings: ReadonlySignal<Settings>;
  updateAnalysis(patch: Partial<AnalysisOptions>): void;
  updateMatch(patch: Partial<MatchOptions>): void;
  updateDisplay(patch: Partial<DisplaySettings>): void;
  updateLoad(patch: Partial<LoadSettings>): void;
  /** Stops saving; for tests. */
  dispose(): void;
}

/** Creates a store backed by `storage` (null keeps settings in memory). */
export function createSettingsStore(
  storage: SettingsStorage | null,
): SettingsStore {
  const settings = signal(loadSettings(storage));
  let warned = false;

  const stopSaving = effect(() => {
    const saved = saveSettings(storage, settings.value);
    if (!saved && storage !== null && !warned) {
      warned = true;
      log.warn('could not save settings; they will reset on reload');
    }
  });

  // Every update goes through normalizeSettings, so a control can never
  // store an out-of-range value.
  function replace(next: Settings): void {
    settings.value = normalizeSettings(next);
  }

  return {
    settings,
    updateAnalysis(patch) {
      const current = settings.peek();
      replace({
        ...current,
        analysis: normalizeAnalysisOptions({ ...current.analysis, ...patch }),
      });
    },
    updateMatch(patch) {
      const current = settings.peek();
      replace({ ...current, match: { ...current.match, ...patch } });
    },
    updateDisplay(patch) {
      const current = settings.peek();
      replace({ ...current, display: { ...current.display, ...patch } });
    },
    updateLoad(patch) {
      const current = settings.peek();
      replace({ ...current, load: { ...current.load, ...patch } });
    },
    dispose: stopSaving,
  };
}

/** The browser's localStorage, or null where it is blocked. */
export function browserStorage(): SettingsStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
