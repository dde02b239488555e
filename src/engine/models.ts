/**
 * The six face-api networks Visage uses, and loading them with byte progress.
 * Weights come from the @vladmandic/face-api package's model/ folder, served
 * by our server (or the same files on a CDN or a custom URL).
 */
import type { Runtime, Tf } from './runtime';
import { tfOf } from './runtime';

/** The CDN the "CDN (jsDelivr)" model source fetches from. */
export const MODEL_CDN_ORIGIN = 'https://cdn.jsdelivr.net';

/** The CDN folder holding the models of face-api `version`. */
export function cdnModelUrl(version: string): string {
  return `${MODEL_CDN_ORIGIN}/npm/@vladmandic/face-api@${version}/model/`;
}

/** The models Visage loads, each a face-api net with its weight manifest. */
export const MODELS = [
  {
    id: 'tinyFaceDetector',
    label: 'Tiny Face Detector',
    manifest: 'tiny_face_detector_model-weights_manifest.json',
  },
  {
    id: 'ssdMobilenetv1',
    label: 'SSD MobileNet v1',
    manifest: 'ssd_mobilenetv1_model-weights_manifest.json',
  },
  {
    id: 'faceLandmark68Net',
    label: '68-point landmarks',
    manifest: 'face_landmark_68_model-weights_manifest.json',
  },
  {
    id: 'faceExpressionNet',
    label: 'Expressions',
    manifest: 'face_expression_model-weights_manifest.json',
  },
  {
    id: 'ageGenderNet',
    label: 'Age and gender',
    manifest: 'age_gender_model-weights_manifest.json',
  },
  {
    id: 'faceRecognitionNet',
    label: 'Recognition',
    manifest: 'face_recognition_model-weights_manifest.json',
  },
] as const;

export type ModelId = (typeof MODELS)[number]['id'];

type ModelSpec = (typeof MODELS)[number];

/** Byte progress of one model's download. */
export interface ModelProgress {
  model: ModelId;
  loadedBytes: number;
  /** Known from the manifest before the first shard arrives. */
  totalBytes: number;
  done: boolean;
}

export type ModelLoadErrorCode = 'http' | 'html' | 'network' | 'corrupt';

/** A model file that could not be fetched or read; the message says why. */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';

  constructor(
    readonly model: ModelId,
    readonly url: string,
    readonly code: ModelLoadErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface LoadModelsOptions {
  /** Defaults to the global fetch; Node tests pass a file reader. */
  fetch?: typeof fetch;
  onProgress?: (progress: ModelProgress) => void;
  signal?: AbortSignal;
  /** Which models to load. Defaults to all of MODELS. */
  models?: readonly ModelId[];
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}

interface WeightGroup {
  paths: string[];
  weights: WeightSpec[];
}

const BYTES_PER_DTYPE: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/**
 * Fetches every model's manifest and shards from `baseUrl`, reporting bytes
 * as they arrive, and loads the weights into face-api's shared nets.
 * Throws ModelLoadError naming the file at the first failure.
 */
export async function loadModels(
  runtime: Runtime,
  baseUrl: string,
  options: LoadModelsOptions = {},
): Promise<void> {
  const wanted = options.models ?? MODELS.map((model) => model.id);
  const specs = MODELS.filter((model) => wanted.includes(model.id));
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);

  // Manifests first: their sizes give every progress bar its total at once.
  const manifests = await Promise.all(
    specs.map((spec) => fetchManifest(spec, baseUrl, fetchFn, options.signal)),
  );

  for (const [i, spec] of specs.entries()) {
    const manifest = manifests[i];
    if (!manifest) continue;
    await loadModel(runtime, spec, manifest, fetchFn, options);
  }
}

interface Manifest {
  url: string;
  groups: WeightGroup[];
  totalBytes: number;
}

async function fetchManifest(
  spec: ModelSpec,
  baseUrl: string,
  fetchFn: typeof fetch,
  signal: AbortSignal | undefined,
): Promise<Manifest> {
  const url = resolveUrl(spec, spec.manifest, baseUrl);
  const response = await fetchChecked(spec, url, fetchFn, signal);
  const text = await response.text();
  if (looksLikeHtml(text)) throw htmlError(spec, url, response.status);

  let groups: WeightGroup[];
  try {
    groups = parseManifest(JSON.parse(text));
  } catch (error) {
    throw new ModelLoadError(
      spec.id,
      url,
      'corrupt',
      `Could not load ${spec.label}: ${url} is not a valid weights ` +
        `manifest (${describe(error)}). Reinstall the models or choose ` +
        'another model source.',
    );
  }
  const totalBytes = groups
    .flatMap((group) => group.weights)
    .reduce((sum, weight) => sum + weightBytes(weight), 0);

  return { url, groups, totalBytes };
}

async function loadModel(
  runtime: Runtime,
  spec: ModelSpec,
  manifest: Manifest,
  fetchFn: typeof fetch,
  options: LoadModelsOptions,
): Promise<void> {
  const tf = tfOf(runtime);
  const report = (loadedBytes: number, done: boolean): void =>
    options.onProgress?.({
      model: spec.id,
      loadedBytes,
      totalBytes: manifest.totalBytes,
      done,
    });
  report(0, false);

  let loaded = 0;
  const weightMap: Record<string, ReturnType<Tf['tensor']>> = {};
  for (const group of manifest.groups) {
    const chunks: Uint8Array[] = [];
    for (const path of group.paths) {
      const url = resolveUrl(spec, path, manifest.url);
      const response = await fetchChecked(spec, url, fetchFn, options.signal);
      if (isHtmlResponse(response)) {
        throw htmlError(spec, url, response.status);
      }
      await readBody(spec, url, response, (chunk) => {
        chunks.push(chunk);
        loaded += chunk.byteLength;
        report(loaded, false);
      });
    }

    // Shards of a group are one buffer cut in pieces: join, check, decode.
    const buffer = concat(chunks);
    const expected = group.weights.reduce((s, w) => s + weightBytes(w), 0);
    const url = resolveUrl(spec, group.paths[0] ?? '', manifest.url);
    if (buffer.byteLength !== expected) {
      throw new ModelLoadError(
        spec.id,
        url,
        'corrupt',
        `Could not load ${spec.label}: its weights from ${url} are ` +
          `${buffer.byteLength} bytes where the manifest promises ` +
          `${expected}. The file is truncated or from another version.`,
      );
    }
    const decoded = tf.io.decodeWeights(
      buffer.buffer as ArrayBuffer,
      group.weights as unknown as Parameters<Tf['io']['decodeWeights']>[1],
    );
    Object.assign(weightMap, decoded);
  }

  const net = runtime.faceapi.nets[spec.id];
  try {
    net.loadFromWeightMap(weightMap as never);
  } catch (error) {
    Object.values(weightMap).forEach((tensor) => tensor.dispose());
    throw new ModelLoadError(
      spec.id,
      manifest.url,
      'corrupt',
      `Could not load ${spec.label}: the weights from ${manifest.url} do ` +
        `not fit the network (${describe(error)}).`,
    );
  }
  report(manifest.totalBytes, true);
}

/** Whether face-api already holds weights for every model in `ids`. */
export function modelsLoaded(
  runtime: Runtime,
  ids: readonly ModelId[] = MODELS.map((model) => model.id),
): boolean {
  return ids.every((id) => runtime.faceapi.nets[id].isLoaded);
}

function resolveUrl(spec: ModelSpec, path: string, base: string): string {
  try {
    return new URL(path, base).href;
  } catch {
    throw new ModelLoadError(
      spec.id,
      base,
      'network',
      `Could not load ${spec.label}: "${base}" is not a valid URL. ` +
        'Use a full address ending in / (e.g. https://host/models/).',
    );
  }
}

async function fetchChecked(
  spec: ModelSpec,
  url: string,
  fetchFn: typeof fetch,
  signal: AbortSignal | undefined,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetchFn(url, signal ? { signal } : {});
  } catch (error) {
    throw new ModelLoadError(
      spec.id,
      url,
      'network',
      `Could not load ${spec.label}: ${url} could not be reached ` +
        `(${describe(error)}). Check the address and your connection, ` +
        'or switch Model source to Local.',
    );
  }
  if (!response.ok) {
    const status = `${response.status} ${response.statusText}`.trim();
    throw new ModelLoadError(
      spec.id,
      url,
      'http',
      `Could not load ${spec.label}: ${url} returned HTTP ${status}. ` +
        'Is the model folder served at that URL? Model source Local ' +
        'always works with npm start.',
      response.status,
    );
  }
  return response;
}

async function readBody(
  spec: ModelSpec,
  url: string,
  response: Response,
  onChunk: (chunk: Uint8Array) => void,
): Promise<void> {
  try {
    if (!response.body) {
      onChunk(new Uint8Array(await response.arrayBuffer()));
      return;
    }
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      onChunk(value);
    }
  } catch (error) {
    throw new ModelLoadError(
      spec.id,
      url,
      'network',
      `Could not load ${spec.label}: the download of ${url} broke off ` +
        `(${describe(error)}). Try again.`,
    );
  }
}

function parseManifest(json: unknown): WeightGroup[] {
  if (!Array.isArray(json) || json.length === 0) {
    throw new Error('expected a non-empty array of weight groups');
  }
  return json.map((group: unknown, i) => {
    const g = group as Partial<WeightGroup> | null;
    if (
      !g ||
      !Array.isArray(g.paths) ||
      !g.paths.every((p) => typeof p === 'string') ||
      !Array.isArray(g.weights)
    ) {
      throw new Error(`group ${i} needs "paths" and "weights" arrays`);
    }
    for (const weight of g.weights) {
      const bytes =
        BYTES_PER_DTYPE[weight?.quantization?.dtype ?? weight?.dtype];
      if (
        typeof weight?.name !== 'string' ||
        !Array.isArray(weight.shape) ||
        bytes === undefined
      ) {
        throw new Error(`group ${i} has a weight without name/shape/dtype`);
      }
    }
    return g as WeightGroup;
  });
}

function weightBytes(weight: WeightSpec): number {
  const size = weight.shape.reduce((product, dim) => product * dim, 1);
  const dtype = weight.quantization?.dtype ?? weight.dtype;

  return size * (BYTES_PER_DTYPE[dtype] ?? 4);
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function isHtmlResponse(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').includes('text/html');
}

function looksLikeHtml(text: string): boolean {
  return /^\s*</.test(text);
}

function htmlError(spec: ModelSpec, url: string, status: number) {
  return new ModelLoadError(
    spec.id,
    url,
    'html',
    `Could not load ${spec.label}: ${url} returned an HTML page ` +
      `(HTTP ${status}), not model data: is the model folder served at ` +
      'that URL? Try Model source: Local.',
    status,
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
