/**
 * Milliseconds per model run, and the multiply-accumulates of each, on one
 * camera frame: the Tiny detector at several input sizes, SSD, and the four
 * per-face networks for one face and for three (face-api runs a batch of
 * crops through each net in one pass). DOM-free, so the same code times the
 * engine in Node and in a browser worker (bench/pages/models.worker.ts).
 */
import { countMacs, gmacPerSecond } from '../../src/engine/bench/macs';
import type { KernelShapes } from '../../src/engine/bench/macs';
import { percentile } from '../../src/engine/bench/stats';
import { frameToTensor } from '../../src/engine/pipeline';
import type { FaceApiModule, Runtime } from '../../src/engine/runtime';
import { tfOf } from '../../src/engine/runtime';
import type { PixelFrame } from '../../src/engine/types';

/** Tiny Face Detector input sizes timed; 512 is the app's default. */
export const TINY_SIZES = [224, 320, 416, 512, 608] as const;

/** Faces per batch for the per-face networks. */
export const FACE_COUNTS = [1, 3] as const;

/** One model, at one input size or batch, timed. */
export interface ModelTime {
  /** e.g. "tiny 416", "ssd", "landmarks". */
  model: string;
  /** Faces in the batch; null for the detectors (whole frame). */
  faces: number | null;
  runs: number;
  medianMs: number;
  p90Ms: number;
  /** Multiply-accumulates of one run (convolutions and matrix products). */
  macs: number;
  /** macs / medianMs. */
  gmacPerSecond: number;
  /** Tensors left after the timed runs that were not there before. */
  tensorsLeaked: number;
}

export interface ModelTimesOptions {
  /** Timed runs per model. Defaults to 10. */
  runs?: number;
  /** Untimed runs first (WASM start-up, caches). Defaults to 2. */
  warmups?: number;
  /** Called before each model, for progress lines. */
  onModel?: (model: string, faces: number | null) => void;
}

type FaceApiTensor3D = Parameters<FaceApiModule['extractFaceTensors']>[0];
type FaceDetection = InstanceType<FaceApiModule['FaceDetection']>;
type FaceApiTensor = Awaited<
  ReturnType<FaceApiModule['extractFaceTensors']>
>[number];

/** The faces the clip shows; the per-face nets are timed for up to these. */
const FACES_NEEDED = Math.max(...FACE_COUNTS);

/**
 * Times every model on `frame`, which must show at least three faces that
 * the Tiny detector at 512 / 0.3 finds (the clip's first frame does).
 */
export async function timeModels(
  runtime: Runtime,
  frame: PixelFrame,
  options: ModelTimesOptions = {},
): Promise<ModelTime[]> {
  const { faceapi } = runtime;
  const tf = tfOf(runtime);
  const runs = options.runs ?? 10;
  const warmups = options.warmups ?? 2;
  const input = frameToTensor(runtime, frame);
  const image = input as unknown as FaceApiTensor3D;
  const disposeLater: FaceApiTensor[] = [];

  try {
    // The faces, as the app finds them: detector crops for landmarks, and
    // aligned crops for the three nets after it.
    const detections = (
      await faceapi.nets.tinyFaceDetector.locateFaces(
        image,
        new faceapi.TinyFaceDetectorOptions({
          inputSize: 512,
          scoreThreshold: 0.3,
        }),
      )
    )
      .sort((a, b) => b.score - a.score)
      .slice(0, FACES_NEEDED);
    if (detections.length < FACES_NEEDED) {
      throw new Error(
        `Expected ${FACES_NEEDED} faces in the ${frame.width}x` +
          `${frame.height} frame for the per-face models, found ` +
          `${detections.length}.`,
      );
    }
    const crops = await faceapi.extractFaceTensors(image, detections);
    disposeLater.push(...crops);
    const marks = await faceapi.nets.faceLandmark68Net.detectLandmarks(crops);
    const alignedRects = (Array.isArray(marks) ? marks : [marks]).map(
      (landmarks, i) =>
        faceapi.extendWithFaceLandmarks(
          faceapi.extendWithFaceDetection({}, detections[i] as FaceDetection),
          landmarks as InstanceType<FaceApiModule['FaceLandmarks68']>,
        ).alignedRect as FaceDetection,
    );
    const aligned = await faceapi.extractFaceTensors(image, alignedRects);
    disposeLater.push(...aligned);

    const cases: [string, number | null, () => Promise<unknown>][] = [];
    for (const inputSize of TINY_SIZES) {
      const tinyOptions = new faceapi.TinyFaceDetectorOptions({
        inputSize,
        scoreThreshold: 0.3,
      });
      cases.push([
        `tiny ${inputSize}`,
        null,
        () => faceapi.nets.tinyFaceDetector.locateFaces(image, tinyOptions),
      ]);
    }
    const ssdOptions = new faceapi.SsdMobilenetv1Options({
      minConfidence: 0.5,
      maxResults: 10,
    });
    cases.push([
      'ssd',
      null,
      () => faceapi.nets.ssdMobilenetv1.locateFaces(image, ssdOptions),
    ]);
    for (const faces of FACE_COUNTS) {
      const some = crops.slice(0, faces);
      const someAligned = aligned.slice(0, faces);
      const nets = faceapi.nets;
      cases.push(
        [
          'landmarks',
          faces,
          () => nets.faceLandmark68Net.detectLandmarks(some),
        ],
        [
          'expressions',
          faces,
          () => nets.faceExpressionNet.predictExpressions(someAligned),
        ],
        [
          'age/gender',
          faces,
          () => nets.ageGenderNet.predictAgeAndGender(someAligned),
        ],
        [
          'descriptor',
          faces,
          () => nets.faceRecognitionNet.computeFaceDescriptor(someAligned),
        ],
      );
    }

    const times: ModelTime[] = [];
    for (const [model, faces, run] of cases) {
      options.onModel?.(model, faces);
      for (let i = 0; i < warmups; i++) await run();

      const tensorsBefore = tf.memory().numTensors;
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        await run();
        ms.push(performance.now() - start);
      }
      const tensorsLeaked = tf.memory().numTensors - tensorsBefore;

      // The count comes from one more run, profiled: its kernels' shapes.
      const profile = await tf.profile(async () => {
        await run();
      });
      const macs = countMacs(profile.kernels as unknown as KernelShapes[]);
      ms.sort((a, b) => a - b);
      const medianMs = percentile(ms, 0.5);
      times.push({
        model,
        faces,
        runs,
        medianMs,
        p90Ms: percentile(ms, 0.9),
        macs: macs.total,
        gmacPerSecond: gmacPerSecond(macs.total, medianMs),
        tensorsLeaked,
      });
    }

    return times;
  } finally {
    input.dispose();
    disposeLater.forEach((tensor) => tensor.dispose());
  }
}
