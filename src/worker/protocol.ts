/**
 * The typed messages between the UI (main thread) and the inference worker.
 * Frames travel as transferred ImageBitmaps; at most one is in flight.
 */
import type { BackendInfo, EngineConfig } from '../engine/config';
import type { ModelProgress } from '../engine/models';
import type { AnalysisOptions } from '../engine/options';
import type { StageTimings, TrackedFace } from '../engine/types';

export type ToWorker =
  /** Start the backend and load every model; answered by progress, then ready or error. */
  | { type: 'init'; config: EngineConfig }
  /** Analyse one frame; answered by exactly one 'result' or 'error'. */
  | {
      type: 'frame';
      frameId: number;
      bitmap: ImageBitmap;
      /** Main-thread performance.now() at capture, echoed back. */
      capturedAt: number;
      options: AnalysisOptions;
    }
  /** Forget tracked faces (camera stopped or switched). */
  | { type: 'reset' };

export type ErrorScope = 'backend' | 'models' | 'frame';

export type FromWorker =
  | { type: 'progress'; progress: ModelProgress }
  | { type: 'ready'; backend: BackendInfo }
  | {
      type: 'result';
      frameId: number;
      capturedAt: number;
      width: number;
      height: number;
      faces: TrackedFace[];
      timings: StageTimings;
      /** tf.memory().numTensors after the frame. */
      numTensors: number;
    }
  | {
      type: 'error';
      scope: ErrorScope;
      /** A sentence a person can act on. */
      message: string;
      /** The frame that failed, for scope 'frame'. */
      frameId?: number;
    };
