/**
 * Everything a person can set, validated in one place. Load-time settings
 * (model source, backend) apply on "Load models"; the rest apply at once.
 * Pure functions only: the signal store lives in ./settingsStore.ts.
 */
import type { BackendPreference, ModelSourceKind } from '../engine/config';
import type { MatchOptions } from '../engine/gallery/matcher';
import { normalizeMatchOptions } from '../engine/gallery/matcher';
import type { AnalysisOptions } from '../engine/options';
import { normalizeAnalysisOptions } from '../engine/options';

/** localStorage key; bump the suffix when the shape changes incompatibly. */
export const SETTINGS_KEY = 'visage.settings.v1';

export const RESOLUTIONS = ['640x480', '1280x720'] as const;

export type Resolution = (typeof RESOLUTIONS)[number];

export const BACKEND_PREFERENCES: readonly BackendPreference[] = [
  'auto',
  'wasm',
  'webgl',
  'webgpu',
  'cpu',
];

const SOURCE_KINDS: readonly ModelSourceKind[] = ['local', 'cdn', 'custom'];

/** Settings of the view and camera, not sent to the worker. */
export interface DisplaySettings {
  /** Draw a box with the track id around each face. Defaults to true. */
  boxes: boolean;
  /** Selfie view: the picture is flipped, text is not. Defaults to true. */
  mirror: boolean;
  /** Requested camera resolution. Defaults to '640x480'. */
  resolution: Resolution;
  /** Chosen camera; '' lets the browser pick. Defaults to ''. */
  cameraId: string;
}

/** Settings applied when the worker (re)starts. */
export interface LoadSettings {
  /** Where model weights come from. Defaults to 'local'. */
  modelSource: ModelSourceKind;
  /** Base URL for the 'custom' source. Defaults to ''. */
  customModelUrl: string;
  /** Preferred TensorFlow.js backend. Defaults to 'auto'. */
  backend: BackendPreference;
}

export interface Settings {
  analysis: AnalysisOptions;
  /** How faces are matched to enrolled people (threshold, strategy). */
  match: MatchOptions;
  display: DisplaySettings;
  load: LoadSettings;
}

export const DEFAULT_DISPLAY: Readonly<DisplaySettings> = {
  boxes: true,
  mirror: true,
  resolution: '640x480',
  cameraId: '',
};

export const DEFAULT_LOAD: Readonly<LoadSettings> = {
  modelSource: 'local',
  customModelUrl: '',
  backend: 'auto',
};

function recordOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)
    : {};
}

function oneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  return allowed.find((item) => item === value) ?? fallback;
}

function booleanOr(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

function stringOr(value: unknown, fallback: string, maxLength: number): string {
  return typeof value === 'string' ? value.slice(0, maxLength) : fallback;
}

/**
 * Fills in defaults and drops anything invalid, so settings from storage
 * (possibly written by an older version, or edited by hand) are safe to use.
 */
export function normalizeSettings(input: unknown): Settings {
  const raw = recordOf(input);
  const display = recordOf(raw.display);
  const load = recordOf(raw.load);

  return {
    analysis: normalizeAnalysisOptions(raw.analysis),
    match: normalizeMatchOptions(raw.match),
    display: {
      boxes: booleanOr(display.boxes, DEFAULT_DISPLAY.boxes),
      mirror: booleanOr(display.mirror, DEFAULT_DISPLAY.mirror),
      resolution: oneOf(
        display.resolution,
        RESOLUTIONS,
        DEFAULT_DISPLAY.resolution,
      ),
      cameraId: stringOr(display.cameraId, DEFAULT_DISPLAY.cameraId, 512),
    },
    load: {
      modelSource: oneOf(
        load.modelSource,
        SOURCE_KINDS,
        DEFAULT_LOAD.modelSource,
      ),
      customModelUrl: stringOr(
        load.customModelUrl,
        DEFAULT_LOAD.customModelUrl,
        2048,
      ),
      backend: oneOf(load.backend, BACKEND_PREFERENCES, DEFAULT_LOAD.backend),
    },
  };
}

/** The subset of the Web Storage API the settings need. */
export type SettingsStorage = Pick<Storage, 'getItem' | 'setItem'>;

/**
 * Reads saved settings. Missing, unreadable or malformed data gives the
 * defaults: a broken entry must never stop the app from starting.
 */
export function loadSettings(storage: SettingsStorage | null): Settings {
  let text: string | null = null;
  try {
    text = storage?.getItem(SETTINGS_KEY) ?? null;
  } catch {
    // Storage can be disabled by the browser; the defaults still work.
  }
  if (text === null) return normalizeSettings(undefined);

  try {
    return normalizeSettings(JSON.parse(text));
  } catch {
    return normalizeSettings(undefined);
  }
}

/** Writes settings; returns false when storage refused (full or disabled). */
export function saveSettings(
  storage: SettingsStorage | null,
  settings: Settings,
): boolean {
  if (storage === null) return false;
  try {
    storage.setItem(SETTINGS_KEY, JSON.stringify(settings));

    return true;
  } catch {
    return false;
  }
}

/** Width and height in pixels of a resolution setting. */
export function resolutionSize(resolution: Resolution): {
  width: number;
  height: number;
} {
  const [width = 640, height = 480] = resolution.split('x').map(Number);

  return { width, height };
}
