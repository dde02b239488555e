/**
 * Starts the per-model timing worker with the parameters in the page's
 * query (?runs=10&warmups=2) and leaves its answer in window.benchModels
 * for the benchmark to read.
 */
import type { ModelsReply, ModelsRequest } from './modelsProtocol';

declare global {
  interface Window {
    benchModels?: ModelsReply;
  }
}

const query = new URLSearchParams(location.search);
const request: ModelsRequest = {
  frameUrl: new URL('/frame.jpg', location.href).href,
  runs: Number(query.get('runs') ?? 10),
  warmups: Number(query.get('warmups') ?? 2),
};

const worker = new Worker(new URL('./models.worker.ts', import.meta.url), {
  type: 'module',
});
worker.onmessage = (event: MessageEvent<ModelsReply>) => {
  window.benchModels = event.data;
  worker.terminate();
};
worker.onerror = (event) => {
  window.benchModels = {
    type: 'error',
    message: `The worker failed to start: ${event.message}`,
  };
};
worker.postMessage(request);
