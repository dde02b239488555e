/**
 * The engine's runtime in plain Node: face-api's node-wasm build (plain Node
 * cannot import its ESM build) on the WASM backend, models read from the
 * installed @vladmandic/face-api package. Used by tests, eval and bench.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Runtime, WasmControls } from '../runtime';

const require = createRequire(import.meta.url);

/** Loads face-api (node-wasm build) and the WASM backend controls. */
export function createNodeRuntime(): Runtime {
  return {
    faceapi: require('@vladmandic/face-api/dist/face-api.node-wasm.js'),
    wasm: require('@tensorflow/tfjs-backend-wasm') as WasmControls,
  };
}

/** file: URL of the model folder shipped in @vladmandic/face-api. */
export function localModelUrl(): string {
  const pkg = require.resolve('@vladmandic/face-api/package.json');

  return pathToFileURL(path.join(path.dirname(pkg), 'model') + path.sep).href;
}

/** Folder of tfjs-backend-wasm's .wasm files, as a path prefix. */
export function wasmDir(): string {
  const main = require.resolve('@tensorflow/tfjs-backend-wasm');

  return path.dirname(main) + path.sep;
}

/**
 * A fetch that also reads file: URLs (Node's own fetch does not), so model
 * loading runs the same code in Node as in the browser.
 */
export const fileFetch: typeof fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : input.toString();
  if (!url.startsWith('file:')) return fetch(input, init);
  try {
    const body = await readFile(fileURLToPath(url));
    return new Response(body, { status: 200 });
  } catch {
    return new Response('not found', { status: 404, statusText: 'Not Found' });
  }
};
