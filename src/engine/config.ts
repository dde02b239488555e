/**
 * Load-time settings: chosen before models load and applied once. Per-frame
 * settings live in ./options.ts.
 */

export type BackendName = 'wasm' | 'webgl' | 'webgpu' | 'cpu';

/** 'auto' probes the backends that start here and keeps the fastest. */
export type BackendPreference = 'auto' | BackendName;

export type ModelSourceKind = 'local' | 'cdn' | 'custom';

export interface ModelSource {
  kind: ModelSourceKind;
  /** Base URL for kind 'custom'; ignored otherwise. */
  customUrl: string;
}

export interface EngineConfig {
  backend: BackendPreference;
  /** Base URL the model manifests and shards are fetched from. */
  modelBaseUrl: string;
  /** WASM worker threads; the number of cores. */
  wasmThreads: number;
  /** Folder URL holding tfjs-backend-wasm's .wasm files. */
  wasmPaths: string;
}

/** What the backend setup settled on, for the status line. */
export interface BackendInfo {
  name: BackendName;
  /** WASM only: threads in use (1 without cross-origin isolation). */
  threads?: number;
  /** WASM only: whether the SIMD build runs. */
  simd?: boolean;
  /** Set when the preference was 'auto': probe time per backend tried. */
  probeMs?: Partial<Record<BackendName, number>>;
  /** Backends that failed to start before this one, with the reason. */
  fallbacks: { name: BackendName; reason: string }[];
}
