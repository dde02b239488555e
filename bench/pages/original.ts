/**
 * The original app's approach, written plainly: face-api on the main thread,
 * the whole chain on every animation frame (the next one asked for when the
 * previous result is drawn), a FaceMatcher over the gallery's people, and
 * face-api's draw helpers on one canvas. Backend WASM with threads, one per
 * core as asked of tfjs (tfjs 4.22 itself caps the pool at half the cores;
 * the app lifts that cap in its worker, a plain page does not), and the
 * app's detector settings (Tiny, input 512, score 0.3).
 */
import * as faceapi from '@vladmandic/face-api/dist/face-api.esm-nobundle.js';
import * as tf from '@tensorflow/tfjs';
import {
  getThreadsCount,
  setThreadsCount,
  setWasmPaths,
} from '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_MATCH_OPTIONS } from '../../src/engine/gallery/matcher';
import { fail, markResult, pageState, startCamera, viewCanvas } from './page';
import { MODELS_READY_MARK } from './marks';
import { wasmFiles } from './wasmFiles';

const MODEL_URL = '/models/';
const GALLERY_URL = '/gallery.json';
/** The app's default match threshold. */
const MATCH_THRESHOLD = DEFAULT_MATCH_OPTIONS.threshold;
const DETECTOR_OPTIONS = new faceapi.TinyFaceDetectorOptions({
  inputSize: 512,
  scoreThreshold: 0.3,
});

/** The gallery file's people (a Visage export) as face-api labels. */
async function loadPeople(): Promise<faceapi.LabeledFaceDescriptors[]> {
  const response = await fetch(GALLERY_URL);
  if (!response.ok) {
    throw new Error(`${GALLERY_URL} returned HTTP ${response.status}.`);
  }
  const file = (await response.json()) as {
    people: { name: string; samples: { descriptor: number[] }[] }[];
  };

  return file.people.map(
    (person) =>
      new faceapi.LabeledFaceDescriptors(
        person.name,
        person.samples.map((sample) => Float32Array.from(sample.descriptor)),
      ),
  );
}

async function main(): Promise<void> {
  setWasmPaths(wasmFiles(location.href));
  setThreadsCount(navigator.hardwareConcurrency);
  await tf.setBackend('wasm');
  await tf.ready();

  await Promise.all([
    faceapi.nets.tinyFaceDetector.loadFromUri(MODEL_URL),
    faceapi.nets.faceLandmark68Net.loadFromUri(MODEL_URL),
    faceapi.nets.faceExpressionNet.loadFromUri(MODEL_URL),
    faceapi.nets.faceRecognitionNet.loadFromUri(MODEL_URL),
    faceapi.nets.ageGenderNet.loadFromUri(MODEL_URL),
  ]);
  const matcher = new faceapi.FaceMatcher(await loadPeople(), MATCH_THRESHOLD);
  performance.mark(MODELS_READY_MARK);
  Object.assign(pageState().info, {
    library: '@vladmandic/face-api',
    version: faceapi.version,
    tfjs: tf.version_core,
    backend: tf.getBackend(),
    threads: getThreadsCount(),
    people: matcher.labeledDescriptors.length,
  });

  const video = await startCamera();
  const canvas = viewCanvas(video);
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('This browser has no 2D canvas.');
  const size = { width: canvas.width, height: canvas.height };

  const analyse = async (): Promise<void> => {
    try {
      const capturedAt = performance.now();
      const results = await faceapi
        .detectAllFaces(video, DETECTOR_OPTIONS)
        .withFaceLandmarks()
        .withFaceExpressions()
        .withFaceDescriptors()
        .withAgeAndGender();

      // Draw the frame, then the overlays, on the one canvas.
      const resized = faceapi.resizeResults(results, size);
      context.drawImage(video, 0, 0, size.width, size.height);
      faceapi.draw.drawDetections(canvas, resized);
      faceapi.draw.drawFaceLandmarks(canvas, resized);
      faceapi.draw.drawFaceExpressions(canvas, resized, 0.1);
      let named = 0;
      for (const result of resized) {
        const best = matcher.findBestMatch(result.descriptor);
        if (best.label !== 'unknown') named++;
        const gender = `${result.gender} (${Math.round(100 * result.genderProbability)}%)`;
        new faceapi.draw.DrawTextField(
          [best.toString(), `${Math.round(result.age)} years`, gender],
          result.detection.box.bottomLeft,
        ).draw(canvas);
      }
      markResult(capturedAt, results.length, tf.memory().numTensors, named);
    } catch (error) {
      fail(error);
    }
    requestAnimationFrame(() => void analyse());
  };
  requestAnimationFrame(() => void analyse());
}

main().catch(fail);
