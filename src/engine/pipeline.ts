/**
 * One frame through face-api's networks, stage by stage: detect, landmarks,
 * align, then expressions, age and gender, and descriptors on the aligned
 * crops. face-api's chained API does the same work but cuts each aligned face
 * once per stage and cannot time stages; this cuts once and times each.
 */
import { dlibAlignmentBox } from './align';
import type { AnalysisOptions } from './options';
import type { FaceApiModule, Runtime, Tensor3D } from './runtime';
import { tfOf } from './runtime';
import type {
  Box,
  ExpressionScores,
  FaceAnalysis,
  FaceCrops,
  FrameAnalysis,
  Point,
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
  const [height, width] = input.shape;
  const timings = emptyTimings();

  const detected = await timed(timings, 'detectMs', () =>
    detectFaces(runtime, input, options),
  );
  const faces: FaceAnalysis[] = detected.map((face) => ({ ...face }));

  const needsAlignment =
    options.expressions || options.ageGender || options.recognition;
  if (faces.length === 0 || !(options.landmarks || needsAlignment)) {
    return { width, height, faces, timings };
  }

  const marks = await timed(timings, 'landmarksMs', () =>
    landmarksFor(runtime, input, faces),
  );
  marks.forEach((mark, i) => {
    const face = faces[i];
    if (face) face.landmarks = mark.landmarks;
  });
  if (!needsAlignment) return { width, height, faces, timings };

  const all = faces.map(() => true);
  const described = await describeFaces(
    runtime,
    input,
    marks,
    {
      expressions: options.expressions ? all : [],
      ageGender: options.ageGender ? all : [],
      descriptor: options.recognition ? all : [],
    },
    timings,
  );
  described.forEach((result, i) => {
    const face = faces[i];
    if (face) Object.assign(face, result);
  });

  return { width, height, faces, timings };
}

/** Zero for every stage. */
export function emptyTimings(): StageTimings {
  return {
    detectMs: 0,
    landmarksMs: 0,
    expressionsMs: 0,
    ageGenderMs: 0,
    descriptorMs: 0,
  };
}

/** Runs `work`, adding its wall time to `timings[stage]`. */
export async function timed<T>(
  timings: StageTimings,
  stage: keyof StageTimings,
  work: () => Promise<T>,
): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[stage] += performance.now() - start;
  }
}

/**
 * The chosen detector on one image: faces highest score first, at most
 * maxFaces, none too small to read.
 */
export async function detectFaces(
  runtime: Runtime,
  input: Tensor3D,
  options: AnalysisOptions,
): Promise<{ box: Box; score: number }[]> {
  const image = input as unknown as FaceApiTensor3D;
  const detections = await detect(runtime, image, options);

  return detections
    .filter(({ box }) => box.width >= MIN_FACE_PX && box.height >= MIN_FACE_PX)
    .sort((a, b) => b.score - a.score)
    .slice(0, options.maxFaces)
    .map((detection) => ({
      box: plainBox(detection.box),
      score: detection.score,
    }));
}

/** 68 landmarks of one face and the boxes the other nets read. */
export interface FaceLandmarkResult extends FaceCrops {
  landmarks: Point[];
}

/**
 * The 68-point landmarks of each face, read from a crop of `boxes` (the
 * detector's boxes, or boxes that follow a face between detector runs),
 * in image pixels, with the aligned box of each. One batch for all faces.
 */
export async function landmarksFor(
  runtime: Runtime,
  input: Tensor3D,
  faces: readonly { box: Box; score?: number }[],
): Promise<FaceLandmarkResult[]> {
  if (faces.length === 0) return [];
  const { faceapi } = runtime;
  const image = input as unknown as FaceApiTensor3D;
  const [height, width] = input.shape;
  const detections = faces.map((face) =>
    toDetection(runtime, face.box, face.score ?? 1, width, height),
  );
  const crops = await faceapi.extractFaceTensors(image, detections);
  try {
    const marks = asArray(
      await faceapi.nets.faceLandmark68Net.detectLandmarks(crops),
    );

    return detections.map((detection, i) => {
      const result = faceapi.extendWithFaceLandmarks(
        faceapi.extendWithFaceDetection({}, detection),
        marks[i] as InstanceType<FaceApiModule['FaceLandmarks68']>,
      );

      const landmarks = result.landmarks.positions.map(plainPoint);
      const alignedBox = plainBox(result.alignedRect.box);
      const chip = dlibAlignmentBox(landmarks, width, height);
      // A face mostly off the image leaves no chip: the aligned box instead.
      const usable = chip.width >= 1 && chip.height >= 1;

      return {
        landmarks,
        alignedBox,
        descriptorBox: usable ? chip : alignedBox,
      };
    });
  } finally {
    crops.forEach((crop) => crop.dispose());
  }
}

/** Which faces each aligned-crop network runs on (by index). */
export interface DescribeRequest {
  expressions: readonly boolean[];
  ageGender: readonly boolean[];
  descriptor: readonly boolean[];
}

/** What the aligned-crop networks said about one face. */
export type FaceDescription = Pick<
  FaceAnalysis,
  'expressions' | 'age' | 'gender' | 'genderProbability' | 'descriptor'
>;

/**
 * Expressions, age and gender on one aligned crop per face, descriptors on
 * one face chip per face, each network batched over the faces asking for
 * it. Faces asking for nothing are not cropped. Times are added to
 * `timings`.
 */
export async function describeFaces(
  runtime: Runtime,
  input: Tensor3D,
  faces: readonly FaceCrops[],
  request: DescribeRequest,
  timings: StageTimings,
): Promise<FaceDescription[]> {
  const { faceapi } = runtime;
  const image = input as unknown as FaceApiTensor3D;
  const [height, width] = input.shape;
  const results: FaceDescription[] = faces.map(() => ({}));
  const indices = (flags: readonly boolean[]) =>
    faces.map((_, i) => i).filter((i) => flags[i] === true);
  const alignedFaces = indices(
    faces.map(
      (_, i) =>
        request.expressions[i] === true || request.ageGender[i] === true,
    ),
  );
  const chipFaces = indices(request.descriptor);
  if (alignedFaces.length === 0 && chipFaces.length === 0) return results;

  const cut = (picked: number[], box: (face: FaceCrops) => Box) =>
    picked.length === 0
      ? Promise.resolve([])
      : faceapi.extractFaceTensors(
          image,
          picked.map((i) =>
            toDetection(runtime, box(faces[i] as FaceCrops), 1, width, height),
          ),
        );
  const aligned = await cut(alignedFaces, (face) => face.alignedBox);
  const chips = await cut(chipFaces, (face) => face.descriptorBox).catch(
    (error: unknown) => {
      aligned.forEach((crop) => crop.dispose());
      throw error;
    },
  );
  /** The crops (and face indices) a network should run on. */
  const subset = (
    flags: readonly boolean[],
    from: number[],
    crops: typeof aligned,
  ) => {
    const picked = from
      .map((face, slot) => ({ face, slot }))
      .filter(({ face }) => flags[face] === true);

    return {
      faces: picked.map((p) => p.face),
      crops: picked.map((p) => crops[p.slot] as (typeof crops)[number]),
    };
  };
  try {
    const forExpressions = subset(request.expressions, alignedFaces, aligned);
    if (forExpressions.crops.length > 0) {
      const scores = await timed(timings, 'expressionsMs', async () =>
        asArray(
          await faceapi.nets.faceExpressionNet.predictExpressions(
            forExpressions.crops,
          ),
        ),
      );
      scores.forEach((score, k) => {
        const result = results[forExpressions.faces[k] as number];
        if (result) result.expressions = expressionScores(score);
      });
    }

    const forAgeGender = subset(request.ageGender, alignedFaces, aligned);
    if (forAgeGender.crops.length > 0) {
      const predictions = await timed(timings, 'ageGenderMs', async () =>
        asArray(
          await faceapi.nets.ageGenderNet.predictAgeAndGender(
            forAgeGender.crops,
          ),
        ),
      );
      predictions.forEach((prediction, k) => {
        const result = results[forAgeGender.faces[k] as number];
        if (!result) return;
        result.age = prediction.age;
        result.gender = prediction.gender === 'male' ? 'male' : 'female';
        result.genderProbability = prediction.genderProbability;
      });
    }

    const forDescriptor = subset(request.descriptor, chipFaces, chips);
    if (forDescriptor.crops.length > 0) {
      const descriptors = await timed(timings, 'descriptorMs', async () =>
        asArray(
          await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(
            forDescriptor.crops,
          ),
        ),
      );
      descriptors.forEach((descriptor, k) => {
        const result = results[forDescriptor.faces[k] as number];
        if (result) result.descriptor = descriptor;
      });
    }
  } finally {
    aligned.forEach((crop) => crop.dispose());
    chips.forEach((crop) => crop.dispose());
  }

  return results;
}

/** A face-api detection for a box in image pixels (clipped to the image). */
function toDetection(
  runtime: Runtime,
  box: Box,
  score: number,
  width: number,
  height: number,
): FaceDetection {
  const { faceapi } = runtime;
  const left = Math.max(0, Math.min(width - 1, box.x));
  const top = Math.max(0, Math.min(height - 1, box.y));
  const right = Math.max(left + 1, Math.min(width, box.x + box.width));
  const bottom = Math.max(top + 1, Math.min(height, box.y + box.height));
  const relative = new faceapi.Rect(
    left / width,
    top / height,
    (right - left) / width,
    (bottom - top) / height,
  );

  return new faceapi.FaceDetection(score, relative, { width, height });
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
