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
import { startBackend } from '../engine/backend';
import type { EngineConfig } from '../engine/config';
import { loadModels } from '../engine/models';
import type { Runtime, Tensor3D } from '../engine/runtime';
import { tfOf } from '../engine/runtime';
import { workerEnvironment } from './faceApiEnv';
import { describeLoadError } from './loadErrors';
import { allowWasmThreads } from './wasmThreads';
import type { FromWorker, ToWorker } from './protocol';

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
  post({ type: 'ready', backend });
}

async function analyzeFrame(
  message: Extract<ToWorker, { type: 'frame' }>,
): Promise<void> {
  const { frameId, bitmap, capturedAt, options } = message;
  const tf = tfOf(runtime);
  let input: Tensor3D | null = null;
  try {
    if (analyzer === null) {
      throw new Error('Models are not loaded yet: this frame was skipped.');
    }

    // Pixels into a tensor, then the bitmap's memory goes back at once.
    input = tf.browser.fromPixels(bitmap);
    bitmap.close();

    const result = await analyzer.analyze(input, options, capturedAt);

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

scope.onmessage = (event) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      void init(message.config);
      break;
    case 'frame':
      void analyzeFrame(message);
      break;
    case 'reset':
      analyzer?.reset();
      break;
  }
};
