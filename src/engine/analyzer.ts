/**
 * The engine's front door: one call per frame runs the pipeline, carries
 * faces across frames (ids, smoothed age) and reports timings and tensors.
 * The inference worker and Node scripts use it the same way.
 */
import type { AnalysisOptions } from './options';
import { analyzeFrame, frameToTensor } from './pipeline';
import type { Runtime, Tensor3D } from './runtime';
import { tfOf } from './runtime';
import { Tracker } from './tracker';
import type { PixelFrame, StageTimings, TrackedFace } from './types';

export interface AnalyzerResult {
  width: number;
  height: number;
  faces: TrackedFace[];
  timings: StageTimings;
  /** Live tensors after the frame; flat over time when nothing leaks. */
  numTensors: number;
}

/** Analyses frames of one stream (a camera) with models already loaded. */
export class Analyzer {
  private readonly tracker = new Tracker();

  constructor(private readonly runtime: Runtime) {}

  /**
   * Analyses one frame. A tensor passed in stays the caller's to dispose;
   * a PixelFrame is turned into a tensor here and released here.
   */
  async analyze(
    input: PixelFrame | Tensor3D,
    options: AnalysisOptions,
    timestampMs: number = performance.now(),
  ): Promise<AnalyzerResult> {
    const tf = tfOf(this.runtime);
    const owned = isPixelFrame(input)
      ? frameToTensor(this.runtime, input)
      : null;
    let frame;
    try {
      frame = await analyzeFrame(
        this.runtime,
        owned ?? (input as Tensor3D),
        options,
      );
    } finally {
      owned?.dispose();
    }

    const faces = this.tracker.update(
      frame.faces,
      timestampMs,
      options.ageSmoothing,
    );

    return {
      width: frame.width,
      height: frame.height,
      faces,
      timings: frame.timings,
      numTensors: tf.memory().numTensors,
    };
  }

  /** Forgets tracked faces, e.g. when the camera stops or changes. */
  reset(): void {
    this.tracker.reset();
  }
}

function isPixelFrame(input: PixelFrame | Tensor3D): input is PixelFrame {
  return 'data' in input && !('dataId' in input);
}
