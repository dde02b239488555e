/**
 * Per-model timings in a browser worker, set up as the app's inference
 * worker sets up face-api (src/worker/inference.worker.ts): the ESM build
 * without bundled TensorFlow.js, the worker's face-api environment, WASM
 * with one thread per core (the app's thread cap lifted), the app's model
 * loader, then bench/compare/modelTimes.ts on the clip's first frame.
 */
import * as faceapi from '@vladmandic/face-api/dist/face-api.esm-nobundle.js';
import {
  getThreadsCount,
  setThreadsCount,
  setWasmPaths,
} from '@tensorflow/tfjs-backend-wasm';
import { startBackend } from '../../src/engine/backend';
import { loadModels } from '../../src/engine/models';
import type { Runtime } from '../../src/engine/runtime';
import { workerEnvironment } from '../../src/worker/faceApiEnv';
import { allowWasmThreads } from '../../src/worker/wasmThreads';
import { timeModels } from '../compare/modelTimes';
import type { ModelsReply, ModelsRequest } from './modelsProtocol';
import { wasmFiles } from './wasmFiles';

faceapi.env.setEnv(workerEnvironment());

const runtime: Runtime = {
  faceapi,
  wasm: { setWasmPaths, setThreadsCount, getThreadsCount },
};

const scope = self as unknown as {
  postMessage(message: ModelsReply): void;
  onmessage: ((event: MessageEvent<ModelsRequest>) => void) | null;
};

/** The frame as RGBA pixels, decoded here as the app's worker would. */
async function readFrame(url: string) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} returned HTTP ${response.status}.`);
  const bitmap = await createImageBitmap(await response.blob());
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) throw new Error('The worker has no 2D canvas.');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);

  return { width: pixels.width, height: pixels.height, data: pixels.data };
}

async function run(request: ModelsRequest): Promise<ModelsReply> {
  const threads = self.navigator.hardwareConcurrency;
  allowWasmThreads(threads);
  const backend = await startBackend(runtime, 'wasm', {
    wasmThreads: threads,
    wasmPaths: wasmFiles(self.location.href),
  });
  await loadModels(runtime, new URL('/models/', self.location.href).href);
  const frame = await readFrame(request.frameUrl);
  const times = await timeModels(runtime, frame, {
    runs: request.runs,
    warmups: request.warmups,
  });

  return { type: 'done', backend, times };
}

scope.onmessage = (event) => {
  run(event.data).then(
    (reply) => scope.postMessage(reply),
    (error: unknown) =>
      scope.postMessage({
        type: 'error',
        message: error instanceof Error ? error.message : String(error),
      }),
  );
};
