/**
 * The engine in Node (face-api's node-wasm build, WASM, one thread): the
 * gallery of the clip's people that the app imports and the original's
 * FaceMatcher reads, and the Node column of the per-model timings.
 */
import { Analyzer } from '../../src/engine/analyzer';
import { startBackend } from '../../src/engine/backend';
import type { BackendInfo } from '../../src/engine/config';
import { serializeGallery } from '../../src/engine/gallery/schema';
import type { Person } from '../../src/engine/gallery/types';
import { loadModels } from '../../src/engine/models';
import { readPixelFrame } from '../../src/engine/node/image';
import {
  createNodeRuntime,
  fileFetch,
  localModelUrl,
} from '../../src/engine/node/runtime';
import {
  DEFAULT_ANALYSIS_OPTIONS,
  photoAnalysisOptions,
} from '../../src/engine/options';
import type { Runtime } from '../../src/engine/runtime';
import { timeModels } from './modelTimes';
import type { ModelTime, ModelTimesOptions } from './modelTimes';

/** The engine with every model loaded, on WASM with one thread. */
export interface NodeEngine {
  runtime: Runtime;
  backend: BackendInfo;
}

export async function startNodeEngine(): Promise<NodeEngine> {
  const runtime = createNodeRuntime();
  const backend = await startBackend(runtime, 'wasm', { wasmThreads: 1 });
  await loadModels(runtime, localModelUrl(), { fetch: fileFetch });

  return { runtime, backend };
}

/** A gallery file and what it holds, for the report. */
export interface BenchGallery {
  /** A Visage gallery export (src/engine/gallery/schema.ts), no thumbnails. */
  json: string;
  names: string[];
}

/**
 * One person per face of `photoPath`, named "Person 1", "Person 2"... from
 * left to right, each with the one sample the app's photo analysis gives
 * (Analyzer.analyzePhoto, default settings).
 */
export async function makeGallery(
  engine: NodeEngine,
  photoPath: string,
  expectedFaces: number,
): Promise<BenchGallery> {
  const frame = await readPixelFrame(photoPath);
  const analyzer = new Analyzer(engine.runtime);
  const photo = await analyzer.analyzePhoto(
    frame,
    photoAnalysisOptions(DEFAULT_ANALYSIS_OPTIONS),
  );
  const faces = photo.faces
    .filter((face) => face.descriptor !== undefined)
    .sort((a, b) => a.box.x - b.box.x);
  if (faces.length !== expectedFaces) {
    throw new Error(
      `Expected ${expectedFaces} faces with descriptors in ${photoPath} ` +
        `for the gallery, found ${faces.length}.`,
    );
  }

  // A fixed time, so the file is the same on every run.
  const createdAt = '2024-01-01T00:00:00.000Z';
  const people: Person[] = faces.map((face, i) => ({
    id: `bench-person-${i + 1}`,
    name: `Person ${i + 1}`,
    createdAt,
    updatedAt: createdAt,
    samples: [
      {
        id: `bench-sample-${i + 1}`,
        descriptor: Float32Array.from(face.descriptor ?? []),
        createdAt,
      },
    ],
  }));

  return {
    json: serializeGallery(people, {
      thumbnails: false,
      exportedAt: createdAt,
    }),
    names: people.map((person) => person.name),
  };
}

/** Per-model timings of the engine in Node on a JPEG frame. */
export async function timeModelsInNode(
  engine: NodeEngine,
  frameJpeg: Buffer,
  options: ModelTimesOptions,
): Promise<ModelTime[]> {
  const frame = await readPixelFrame(frameJpeg);

  return timeModels(engine.runtime, frame, options);
}
