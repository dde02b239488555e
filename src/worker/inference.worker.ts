/**
 * The inference worker: all TensorFlow.js work happens here, off the main
 * thread. It wraps the engine and speaks the messages in ./protocol.ts.
 * Nothing thrown in a handler escapes: failures are posted as 'error'.
 */
import * as faceapi from '@vladmandic/face-api/dist/face-api.esm-nobundle.js';
import {
  getThreadsCount,
  setThreadsCount,
  setWasmPaths,
} from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { Analyzer } from '../engine/analyzer';
import { thumbnailBox, THUMBNAIL_SIDE } from '../engine/enrol/thumbnail';
import type { EnrolledPerson } from '../engine/gallery/matcher';
import { startBackend } from '../engine/backend';
import type { EngineConfig } from '../engine/config';
import { loadModels } from '../engine/models';
import type { Runtime, Tensor3D } from '../engine/runtime';
import { tfOf } from '../engine/runtime';
import type { Box, PixelFrame } from '../engine/types';
import { watchContextLoss } from './contextLoss';
import { workerEnvironment } from './faceApiEnv';
import { describeLoadError } from './loadErrors';
import { allowWasmThreads } from './wasmThreads';
import type { FromWorker, Recognition, ToWorker } from './protocol';

/**
 * The .wasm binaries as Vite emitted them (content-hashed, same origin), by
 * the file names tfjs-backend-wasm asks for.
 */
const WASM_FILES: Record<string, string> = {
  'tfjs-backend-wasm.wasm': absolute(wasmPlainUrl),
  'tfjs-backend-wasm-simd.wasm': absolute(wasmSimdUrl),
  'tfjs-backend-wasm-threaded-simd.wasm': absolute(wasmThreadedUrl),
};

function absolute(url: string): string {
  return new URL(url, self.location.href).href;
}

faceapi.env.setEnv(workerEnvironment());

const runtime: Runtime = {
  faceapi,
  wasm: { setWasmPaths, setThreadsCount, getThreadsCount },
};

const scope = self as unknown as {
  postMessage(message: FromWorker): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};

/** Set once models are loaded; frames before that are refused. */
let analyzer: Analyzer | null = null;

/** The latest gallery sent, kept for an analyzer made after it came. */
let gallery: EnrolledPerson[] = [];

function post(message: FromWorker): void {
  scope.postMessage(message);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function init(config: EngineConfig): Promise<void> {
  // Backend first: the WASM thread count must be set before it starts.
  allowWasmThreads(config.wasmThreads);
  let backend;
  try {
    backend = await startBackend(runtime, config.backend, {
      wasmThreads: config.wasmThreads,
      wasmPaths: config.wasmPaths !== '' ? config.wasmPaths : WASM_FILES,
    });
  } catch (error) {
    post({ type: 'error', scope: 'backend', message: messageOf(error) });

    return;
  }

  // Then the weights, with byte progress per model.
  try {
    await loadModels(runtime, config.modelBaseUrl, {
      onProgress: (progress) => post({ type: 'progress', progress }),
    });
  } catch (error) {
    const message = describeLoadError(error, self.location.origin);
    post({ type: 'error', scope: 'models', message });

    return;
  }

  analyzer = new Analyzer(runtime);
  analyzer.setGallery(gallery);
  post({ type: 'ready', backend });

  // A lost GPU context ends this worker's use: the page restarts on WASM.
  watchContextLoss(tfOf(runtime), (lost) => {
    analyzer = null;
    post({ type: 'context-lost', backend: lost });
  });
}

/** Holds `lock` until this worker ends (see ToWorker 'lifeline'). */
function holdLifeline(lock: string): void {
  if (!navigator.locks) return;
  void navigator.locks.request(lock, () => {
    post({ type: 'lifeline' });

    return new Promise<never>(() => undefined);
  });
}

async function analyzeFrame(
  message: Extract<ToWorker, { type: 'frame' }>,
): Promise<void> {
  const { frameId, bitmap, capturedAt, options, match } = message;
  const tf = tfOf(runtime);
  let input: Tensor3D | null = null;
  try {
    if (analyzer === null) {
      throw new Error('Models are not loaded yet: this frame was skipped.');
    }

    // Pixels into a tensor, then the bitmap's memory goes back at once.
    input = tf.browser.fromPixels(bitmap);
    bitmap.close();

    const result = await analyzer.analyze(input, options, capturedAt, match);

    // Released before counting, so the figure shows what stays behind.
    input.dispose();
    input = null;
    post({
      type: 'result',
      frameId,
      capturedAt,
      width: result.width,
      height: result.height,
      faces: result.faces,
      timings: result.timings,
      numTensors: tf.memory().numTensors,
    });
  } catch (error) {
    post({
      type: 'error',
      scope: 'frame',
      message: `Analysis of a frame failed: ${messageOf(error)}`,
      frameId,
    });
  } finally {
    bitmap.close();
    input?.dispose();
  }
}

function setGallery(people: EnrolledPerson[]): void {
  gallery = people;
  try {
    analyzer?.setGallery(people);
  } catch (error) {
    // The UI checks descriptors before sending; this is a last guard.
    post({
      type: 'error',
      scope: 'frame',
      message: `The gallery could not be used for matching: ${messageOf(error)}`,
    });
  }
}

/** A still picture: pixels, analysis, then a thumbnail per face. */
async function analyzePhoto(
  message: Extract<ToWorker, { type: 'photo' }>,
): Promise<void> {
  const { requestId, bitmap, options, match } = message;
  try {
    if (analyzer === null) {
      throw new Error('Models are not loaded yet: load them, then try again.');
    }
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (ctx === null) throw new Error('The worker has no 2D canvas.');
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const frame: PixelFrame = {
      width: pixels.width,
      height: pixels.height,
      data: pixels.data,
    };

    const photo = await analyzer.analyzePhoto(frame, options, match);
    const thumbnails = await Promise.all(
      photo.faces.map((face) => thumbnail(canvas, face.box)),
    );
    post({ type: 'photo-result', requestId, photo: { ...photo, thumbnails } });
  } catch (error) {
    post({ type: 'request-error', requestId, message: messageOf(error) });
  } finally {
    bitmap.close();
  }
}

/** A small JPEG data URL of the square around `face`. */
async function thumbnail(source: OffscreenCanvas, face: Box): Promise<string> {
  const box = thumbnailBox(face, source.width, source.height);
  const canvas = new OffscreenCanvas(THUMBNAIL_SIDE, THUMBNAIL_SIDE);
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('The worker has no 2D canvas.');
  ctx.drawImage(
    source,
    box.x,
    box.y,
    box.width,
    box.height,
    0,
    0,
    THUMBNAIL_SIDE,
    THUMBNAIL_SIDE,
  );
  const blob = await canvas.convertToBlob({
    type: 'image/jpeg',
    quality: 0.85,
  });

  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }

  return `data:image/jpeg;base64,${btoa(binary)}`;
}

function rematch(message: Extract<ToWorker, { type: 'match' }>): void {
  const { requestId, descriptors, match } = message;
  try {
    if (analyzer === null) throw new Error('Models are not loaded yet.');
    const faces = analyzer.recognize(
      descriptors.map((descriptor, i) => ({
        id: i + 1,
        box: { x: 0, y: 0, width: 0, height: 0 },
        score: 0,
        descriptor,
        name: null,
      })),
      match,
    );
    const recognitions = faces.map((face): Recognition => {
      const { name, personId, unknownReason, candidates } = face;
      return {
        name,
        ...(personId !== undefined && { personId }),
        ...(unknownReason !== undefined && { unknownReason }),
        ...(candidates !== undefined && { candidates }),
      };
    });
    post({ type: 'match-result', requestId, recognitions });
  } catch (error) {
    post({ type: 'request-error', requestId, message: messageOf(error) });
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      void init(message.config);
      break;
    case 'lifeline':
      holdLifeline(message.lock);
      break;
    case 'frame':
      void analyzeFrame(message);
      break;
    case 'reset':
      analyzer?.reset();
      break;
    case 'gallery':
      setGallery(message.people);
      break;
    case 'photo':
      void analyzePhoto(message);
      break;
    case 'match':
      rematch(message);
      break;
  }
};
