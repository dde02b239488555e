/**
 * One frame through face-api's networks, stage by stage: detect, landmarks,
 * align, then expressions, age and gender, and descriptors on the aligned
 * crops. face-api's chained API does the same work but cuts each aligned face
 * once per stage and cannot time stages; this cuts once and times each.
 */
import type { AnalysisOptions } from './options';
import type { FaceApiModule, Runtime, Tensor3D } from './runtime';
import { tfOf } from './runtime';
import type {
  ExpressionScores,
  FaceAnalysis,
  FrameAnalysis,
  StageTimings,
} from './types';
import { EXPRESSIONS } from './types';

type FaceDetection = InstanceType<FaceApiModule['FaceDetection']>;
type FaceApiTensor3D = Parameters<FaceApiModule['extractFaceTensors']>[0];

/** Faces smaller than this (pixels a side) are dropped before landmarks. */
const MIN_FACE_PX = 8;

/**
 * Runs the enabled stages on one image tensor. The caller owns `input`;
 * every tensor made here is released before the promise settles.
 */
export async function analyzeFrame(
  runtime: Runtime,
  input: Tensor3D,
  options: AnalysisOptions,
): Promise<FrameAnalysis> {
  const { faceapi } = runtime;
  const image = input as unknown as FaceApiTensor3D;
  const [height, width] = input.shape;
  const timings: StageTimings = {
    detectMs: 0,
    landmarksMs: 0,
    expressionsMs: 0,
    ageGenderMs: 0,
    descriptorMs: 0,
  };
  const time = async <T>(
    stage: keyof StageTimings,
    work: () => Promise<T>,
  ): Promise<T> => {
    const start = performance.now();
    const result = await work();
    timings[stage] = performance.now() - start;
    return result;
  };

  // Detect: highest scores first, at most maxFaces, none too small to read.
  const detections = (
    await time('detectMs', () => detect(runtime, image, options))
  )
    .filter(({ box }) => box.width >= MIN_FACE_PX && box.height >= MIN_FACE_PX)
    .sort((a, b) => b.score - a.score)
    .slice(0, options.maxFaces);
  const faces: FaceAnalysis[] = detections.map((detection) => ({
    box: plainBox(detection.box),
    score: detection.score,
  }));

  const needsAlignment =
    options.expressions || options.ageGender || options.recognition;
  if (faces.length === 0 || !(options.landmarks || needsAlignment)) {
    return { width, height, faces, timings };
  }

  // Landmarks on the detector's crops; they give the aligned face box.
  const withLandmarks = await time('landmarksMs', async () => {
    const crops = await faceapi.extractFaceTensors(image, detections);
    try {
      const marks = asArray(
        await faceapi.nets.faceLandmark68Net.detectLandmarks(crops),
      );
      return detections.map((detection, i) =>
        faceapi.extendWithFaceLandmarks(
          faceapi.extendWithFaceDetection({}, detection),
          marks[i] as InstanceType<FaceApiModule['FaceLandmarks68']>,
        ),
      );
    } finally {
      crops.forEach((crop) => crop.dispose());
    }
  });
  withLandmarks.forEach((result, i) => {
    const face = faces[i];
    if (face) face.landmarks = result.landmarks.positions.map(plainPoint);
  });
  if (!needsAlignment) return { width, height, faces, timings };

  // Align: one crop per face, shared by the three networks below.
  const aligned = await faceapi.extractFaceTensors(
    image,
    withLandmarks.map((result) => result.alignedRect as FaceDetection),
  );
  try {
    if (options.expressions) {
      const scores = await time('expressionsMs', async () =>
        asArray(
          await faceapi.nets.faceExpressionNet.predictExpressions(aligned),
        ),
      );
      scores.forEach((score, i) => {
        const face = faces[i];
        if (face) face.expressions = expressionScores(score);
      });
    }

    if (options.ageGender) {
      const predictions = await time('ageGenderMs', async () =>
        asArray(await faceapi.nets.ageGenderNet.predictAgeAndGender(aligned)),
      );
      predictions.forEach((prediction, i) => {
        const face = faces[i];
        if (!face) return;
        face.age = prediction.age;
        face.gender = prediction.gender === 'male' ? 'male' : 'female';
        face.genderProbability = prediction.genderProbability;
      });
    }

    if (options.recognition) {
      const descriptors = await time('descriptorMs', async () =>
        asArray(
          await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(aligned),
        ),
      );
      descriptors.forEach((descriptor, i) => {
        const face = faces[i];
        if (face) face.descriptor = descriptor;
      });
    }
  } finally {
    aligned.forEach((crop) => crop.dispose());
  }

  return { width, height, faces, timings };
}

/** Runs the chosen detector with its own options. */
async function detect(
  runtime: Runtime,
  image: FaceApiTensor3D,
  options: AnalysisOptions,
): Promise<FaceDetection[]> {
  const { faceapi } = runtime;
  if (options.detector === 'ssd') {
    return faceapi.nets.ssdMobilenetv1.locateFaces(
      image,
      new faceapi.SsdMobilenetv1Options({
        minConfidence: options.ssdMinConfidence,
        maxResults: options.maxFaces,
      }),
    );
  }
  return faceapi.nets.tinyFaceDetector.locateFaces(
    image,
    new faceapi.TinyFaceDetectorOptions({
      inputSize: options.tinyInputSize,
      scoreThreshold: options.tinyScoreThreshold,
    }),
  );
}

/** Turns RGBA bytes into an RGB image tensor (the caller disposes it). */
export function frameToTensor(
  runtime: Runtime,
  frame: {
    width: number;
    height: number;
    data: Uint8Array | Uint8ClampedArray;
  },
): Tensor3D {
  const tf = tfOf(runtime);
  const expected = frame.width * frame.height * 4;
  if (frame.data.length !== expected) {
    throw new Error(
      `Expected ${expected} RGBA bytes for a ${frame.width}x${frame.height} ` +
        `frame but got ${frame.data.length}.`,
    );
  }
  const data = new Uint8Array(
    frame.data.buffer,
    frame.data.byteOffset,
    frame.data.byteLength,
  );

  return tf.browser.fromPixels({
    width: frame.width,
    height: frame.height,
    data,
  });
}

/** face-api answers a one-element batch with a bare value at times. */
function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

function expressionScores(
  scores: Record<(typeof EXPRESSIONS)[number], number>,
): ExpressionScores {
  return Object.fromEntries(
    EXPRESSIONS.map((name) => [name, scores[name]]),
  ) as ExpressionScores;
}

function plainBox(box: {
  x: number;
  y: number;
  width: number;
  height: number;
}) {
  return { x: box.x, y: box.y, width: box.width, height: box.height };
}

function plainPoint(point: { x: number; y: number }) {
  return { x: point.x, y: point.y };
}
