/**
 * The typed messages between the UI (main thread) and the inference worker.
 * Frames travel as transferred ImageBitmaps; at most one is in flight.
 */
import type { PhotoAnalysis } from '../engine/analyzer';
import type { BackendInfo, BackendName, EngineConfig } from '../engine/config';
import type { EnrolledPerson, MatchOptions } from '../engine/gallery/matcher';
import type { ModelProgress } from '../engine/models';
import type { AnalysisOptions } from '../engine/options';
import type { StageTimings, TrackedFace } from '../engine/types';

/** What recognition says about one face: its name, or why it has none. */
export type Recognition = Pick<
  TrackedFace,
  'name' | 'personId' | 'unknownReason' | 'candidates'
>;

/** A photo's analysis with a small JPEG data URL of each face. */
export interface PhotoResult extends PhotoAnalysis {
  /** One per face, in the order of `faces`. */
  thumbnails: string[];
}

export type ToWorker =
  /** Start the backend and load every model; answered by progress, then ready or error. */
  | { type: 'init'; config: EngineConfig }
  /**
   * Hold the Web Lock named `lock` for the worker's whole life; answered by
   * 'lifeline' once held. The page then waits for the same lock, which it
   * gets when the worker is gone: its end is noticed even when no error
   * event comes (self.close(), a crash).
   */
  | { type: 'lifeline'; lock: string }
  /** Analyse one frame; answered by exactly one 'result' or 'error'. */
  | {
      type: 'frame';
      frameId: number;
      bitmap: ImageBitmap;
      /** Main-thread performance.now() at capture, echoed back. */
      capturedAt: number;
      options: AnalysisOptions;
      match: MatchOptions;
    }
  /** Forget tracked faces (camera stopped or switched). */
  | { type: 'reset' }
  /** The enrolled people to match against; replaces the previous gallery. */
  | { type: 'gallery'; people: EnrolledPerson[] }
  /**
   * Analyse a still picture (photo or camera snapshot) for display and
   * enrolment; answered by one 'photo-result' or 'request-error'.
   */
  | {
      type: 'photo';
      requestId: number;
      bitmap: ImageBitmap;
      options: AnalysisOptions;
      match: MatchOptions;
    }
  /**
   * Match descriptors again (the threshold changed while a photo is shown);
   * answered by one 'match-result' or 'request-error'.
   */
  | {
      type: 'match';
      requestId: number;
      descriptors: Float32Array[];
      match: MatchOptions;
    };

export type ErrorScope = 'backend' | 'models' | 'frame';

/** GPU backends whose context the browser can take away. */
export type GpuBackendName = Extract<BackendName, 'webgl' | 'webgpu'>;

export type FromWorker =
  | { type: 'progress'; progress: ModelProgress }
  /** The lifeline's lock is held (see ToWorker 'lifeline'). */
  | { type: 'lifeline' }
  /**
   * The GPU backend's context was lost (WebGL context loss, WebGPU device
   * loss): nothing more can run on it, the worker must be replaced.
   */
  | { type: 'context-lost'; backend: GpuBackendName }
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
  | { type: 'photo-result'; requestId: number; photo: PhotoResult }
  | { type: 'match-result'; requestId: number; recognitions: Recognition[] }
  | { type: 'request-error'; requestId: number; message: string }
  | {
      type: 'error';
      scope: ErrorScope;
      /** A sentence a person can act on. */
      message: string;
      /** The frame that failed, for scope 'frame'. */
      frameId?: number;
    };
