/**
 * The load-time config the worker starts with, from the settings.
 */
import type { EngineConfig } from '../engine/config';
import { modelBaseUrl } from './modelUrl';
import type { LoadSettings } from './settings';

export interface PageFacts {
  /** location.href, to resolve Local and relative custom URLs. */
  pageUrl: string;
  /** The face-api version the CDN source pins. */
  faceApiVersion: string;
  /** navigator.hardwareConcurrency; WASM uses one thread per core. */
  cores: number;
}

/**
 * Builds the worker's config. `wasmPaths` is left empty: the worker uses
 * the .wasm files Vite bundled with it. Throws an Error with a sentence
 * for a person when the custom model URL is not a URL.
 */
export function engineConfig(
  load: LoadSettings,
  page: PageFacts,
): EngineConfig {
  return {
    backend: load.backend,
    modelBaseUrl: modelBaseUrl(
      load.modelSource,
      load.customModelUrl,
      page.pageUrl,
      page.faceApiVersion,
    ),
    wasmThreads: Math.max(1, Math.floor(page.cores) || 1),
    wasmPaths: '',
  };
}
