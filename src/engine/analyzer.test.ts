// Engine tests on real models in Node (WASM backend), on the photos that ship
// in @vladmandic/face-api. Slow-ish: models load once for the whole file.
import { createRequire } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from './analyzer';
import { startBackend } from './backend';
import { loadModels, MODELS } from './models';
import type { ModelProgress } from './models';
import { readPixelFrame } from './node/image';
import { createNodeRuntime, fileFetch, localModelUrl } from './node/runtime';
import { DEFAULT_ANALYSIS_OPTIONS } from './options';
import type { AnalysisOptions } from './options';
import { tfOf } from './runtime';
import type { PixelFrame } from './types';
import { EXPRESSIONS } from './types';

const demoDir = path.join(
  path.dirname(
    createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json'),
  ),
  'demo',
);
/** Faces in demo/sample1..6.jpg, counted by eye. */
const EXPECTED_FACES = [3, 3, 3, 4, 5, 4];

const runtime = createNodeRuntime();
const photos: PixelFrame[] = [];
const progress: ModelProgress[] = [];

beforeAll(async () => {
  await startBackend(runtime, 'wasm', { wasmThreads: 1 });
  await loadModels(runtime, localModelUrl(), {
    fetch: fileFetch,
    onProgress: (p) => progress.push(p),
  });
  for (let i = 1; i <= 6; i++) {
    photos.push(await readPixelFrame(path.join(demoDir, `sample${i}.jpg`)));
  }
}, 120_000);

describe('model loading', () => {
  it('reports bytes for every model up to its total', () => {
    for (const model of MODELS) {
      const last = progress.filter((p) => p.model === model.id).at(-1);
      expect(last?.done, model.id).toBe(true);
      expect(last?.loadedBytes).toBe(last?.totalBytes);
      expect(last?.totalBytes).toBeGreaterThan(100_000);
    }
  });
});

describe.each([
  ['Tiny Face Detector', 'tiny'],
  ['SSD MobileNet v1', 'ssd'],
] as const)('%s at its defaults', (_name, detector) => {
  const options: AnalysisOptions = { ...DEFAULT_ANALYSIS_OPTIONS, detector };

  it.each(EXPECTED_FACES.map((count, i) => [i + 1, count]))(
    'finds the faces in sample%i.jpg (%i)',
    async (index, count) => {
      const analyzer = new Analyzer(runtime);
      const photo = photos[index - 1];
      if (!photo) throw new Error('photo not decoded');
      const result = await analyzer.analyze(photo, options);

      expect(result.faces).toHaveLength(count);
    },
  );
});

describe('one full analysis of sample1.jpg', () => {
  it('gives landmarks in the box, plausible ages, expressions, descriptors', async () => {
    const photo = photos[0];
    if (!photo) throw new Error('photo not decoded');
    const result = await new Analyzer(runtime).analyze(
      photo,
      DEFAULT_ANALYSIS_OPTIONS,
    );

    expect(result.faces).toHaveLength(3);
    expect(new Set(result.faces.map((f) => f.id))).toEqual(new Set([1, 2, 3]));
    for (const face of result.faces) {
      const { box } = face;
      // A little slack: landmark 0/16 sit on the jaw line at the box edge.
      const slack = 0.1 * box.width;
      expect(face.landmarks).toHaveLength(68);
      for (const point of face.landmarks ?? []) {
        expect(point.x).toBeGreaterThanOrEqual(box.x - slack);
        expect(point.x).toBeLessThanOrEqual(box.x + box.width + slack);
        expect(point.y).toBeGreaterThanOrEqual(box.y - slack);
        expect(point.y).toBeLessThanOrEqual(box.y + box.height + slack);
      }
      expect(face.age).toBeGreaterThan(10);
      expect(face.age).toBeLessThan(60);
      expect(face.ageSmoothed).toBe(face.age);
      expect(face.gender).toBe('female');
      expect(face.genderProbability).toBeGreaterThan(0.5);
      const scores = EXPRESSIONS.map((name) => face.expressions?.[name] ?? NaN);
      expect(scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      expect(face.descriptor).toBeInstanceOf(Float32Array);
      expect(face.descriptor).toHaveLength(128);
      expect(face.name).toBeNull();
    }
    for (const ms of Object.values(result.timings)) {
      expect(ms).toBeGreaterThan(0);
    }
  });

  it('skips the stages that are switched off', async () => {
    const photo = photos[0];
    if (!photo) throw new Error('photo not decoded');
    const result = await new Analyzer(runtime).analyze(photo, {
      ...DEFAULT_ANALYSIS_OPTIONS,
      landmarks: false,
      expressions: false,
      ageGender: false,
      recognition: false,
    });

    expect(result.faces).toHaveLength(3);
    for (const face of result.faces) {
      expect(face.landmarks).toBeUndefined();
      expect(face.expressions).toBeUndefined();
      expect(face.age).toBeUndefined();
      expect(face.descriptor).toBeUndefined();
    }
    expect(result.timings.landmarksMs).toBe(0);
    expect(result.timings.descriptorMs).toBe(0);
  });

  it('keeps ids and smooths age over repeated frames', async () => {
    const photo = photos[0];
    if (!photo) throw new Error('photo not decoded');
    const analyzer = new Analyzer(runtime);
    const first = await analyzer.analyze(photo, DEFAULT_ANALYSIS_OPTIONS, 0);
    const second = await analyzer.analyze(photo, DEFAULT_ANALYSIS_OPTIONS, 100);

    expect(second.faces.map((f) => f.id).sort()).toEqual(
      first.faces.map((f) => f.id).sort(),
    );
  });
});

describe('tensor hygiene', () => {
  it('holds the same number of tensors before and after 50 runs', async () => {
    const tf = tfOf(runtime);
    // A camera-sized crop keeps 50 full runs quick on one thread.
    const photo = photos[0];
    if (!photo) throw new Error('photo not decoded');
    const image = tf.tidy(() =>
      tf.image.resizeBilinear(
        tf.browser.fromPixels({ ...photo, data: new Uint8Array(photo.data) }),
        [427, 640],
      ),
    ) as ReturnType<typeof tf.browser.fromPixels>;
    const analyzer = new Analyzer(runtime);
    await analyzer.analyze(image, DEFAULT_ANALYSIS_OPTIONS);
    const before = tf.memory().numTensors;

    for (let i = 0; i < 50; i++) {
      await analyzer.analyze(image, DEFAULT_ANALYSIS_OPTIONS);
    }

    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
  }, 240_000);
});

describe('recognition in the analyzer', () => {
  it('names the enrolled face in a later frame and leaves the others Unknown', async () => {
    const analyzer = new Analyzer(runtime);
    const photo = photos[4]!;
    const first = await analyzer.analyzePhoto(photo, DEFAULT_ANALYSIS_OPTIONS);
    expect(first.faces).toHaveLength(5);
    expect(first.faces.every((f) => f.unknownReason === 'empty')).toBe(true);
    expect(first.faces.every((f) => f.quality.metrics.sizePx > 100)).toBe(true);

    const enrolled = first.faces[0]!;
    analyzer.setGallery([
      { id: 'p1', name: 'First', descriptors: [enrolled.descriptor!] },
    ]);
    expect(analyzer.gallerySize).toBe(1);

    const result = await analyzer.analyze(photo, DEFAULT_ANALYSIS_OPTIONS, 0);
    const named = result.faces.filter((f) => f.name === 'First');
    expect(named).toHaveLength(1);
    expect(named[0]!.personId).toBe('p1');
    expect(named[0]!.candidates?.[0]?.distance).toBeLessThan(0.2);
    const others = result.faces.filter((f) => f.name !== 'First');
    expect(others).toHaveLength(4);
    for (const face of others) {
      expect(face.name).toBeNull();
      expect(face.unknownReason).toBe('threshold');
      expect(face.candidates?.[0]?.name).toBe('First');
    }

    // The strictest threshold still names it: the same photo is that close.
    const strict = analyzer.recognize([{ ...named[0]!, name: null }], {
      threshold: 0.3,
    });
    expect(strict[0]!.name).toBe('First');
  }, 60_000);

  it('leaves faces without a descriptor (recognition off) unnamed', () => {
    const analyzer = new Analyzer(runtime);
    analyzer.setGallery([
      { id: 'p1', name: 'A', descriptors: [new Float32Array(128)] },
    ]);
    const [face] = analyzer.recognize([
      { id: 1, name: null, score: 1, box: { x: 0, y: 0, width: 9, height: 9 } },
    ]);
    expect(face).toEqual({
      id: 1,
      name: null,
      score: 1,
      box: { x: 0, y: 0, width: 9, height: 9 },
    });
  });

  it('calls two equally close people ambiguous', () => {
    const analyzer = new Analyzer(runtime);
    const query = new Float32Array(128).fill(0.01);
    analyzer.setGallery([
      { id: 'a', name: 'A', descriptors: [query] },
      { id: 'b', name: 'B', descriptors: [query] },
    ]);
    const [face] = analyzer.recognize([
      {
        id: 1,
        name: null,
        score: 1,
        box: { x: 0, y: 0, width: 9, height: 9 },
        descriptor: query,
      },
    ]);
    expect(face!.name).toBeNull();
    expect(face!.unknownReason).toBe('ambiguous');
    expect(face!.candidates?.map((c) => c.name).sort()).toEqual(['A', 'B']);
  });
});
