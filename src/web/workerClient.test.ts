import { describe, expect, test } from 'vitest';
import type { EngineConfig } from '../engine/config';
import { DEFAULT_MATCH_OPTIONS } from '../engine/gallery/matcher';
import { DEFAULT_ANALYSIS_OPTIONS } from '../engine/options';
import type { FromWorker, ToWorker } from '../worker/protocol';
import type { WorkerLike } from './workerClient';
import { WorkerClient } from './workerClient';

const MATCH = { ...DEFAULT_MATCH_OPTIONS };

const CONFIG: EngineConfig = {
  backend: 'auto',
  modelBaseUrl: 'http://127.0.0.1/models/',
  wasmThreads: 2,
  wasmPaths: '',
};

/** A stand-in worker that records what it is sent and can answer. */
class FakeWorker implements WorkerLike {
  readonly sent: ToWorker[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;

  postMessage(message: ToWorker): void {
    this.sent.push(message);
  }

  terminate(): void {
    this.terminated = true;
  }

  answer(message: FromWorker): void {
    this.onmessage?.({ data: message } as MessageEvent<FromWorker>);
  }

  crash(message: string): void {
    this.onerror?.({ message, preventDefault() {} } as ErrorEvent);
  }
}

/** A closable stand-in for an ImageBitmap. */
function fakeBitmap(): ImageBitmap & { closed: boolean } {
  const bitmap = { closed: false, width: 1, height: 1 } as ImageBitmap & {
    closed: boolean;
  };
  bitmap.close = () => {
    bitmap.closed = true;
  };

  return bitmap;
}

function setUp() {
  const workers: FakeWorker[] = [];
  const client = new WorkerClient(() => {
    const worker = new FakeWorker();
    workers.push(worker);

    return worker;
  });

  return { client, workers };
}

function readyClient() {
  const { client, workers } = setUp();
  client.start(CONFIG);
  workers[0]!.answer({
    type: 'ready',
    backend: { name: 'wasm', fallbacks: [] },
  });

  return { client, worker: workers[0]!, workers };
}

function result(frameId: number, faces = 0): FromWorker {
  return {
    type: 'result',
    frameId,
    capturedAt: 5,
    width: 640,
    height: 480,
    faces: Array.from({ length: faces }, (_, i) => ({
      id: i + 1,
      name: null,
      score: 0.9,
      box: { x: 0, y: 0, width: 10, height: 10 },
    })),
    timings: {
      detectMs: 1,
      landmarksMs: 0,
      expressionsMs: 0,
      ageGenderMs: 0,
      descriptorMs: 0,
    },
    numTensors: 10,
  };
}

describe('WorkerClient', () => {
  test('start sends init and shows loading, then progress and ready', () => {
    const { client, workers } = setUp();
    client.start(CONFIG);
    const worker = workers[0]!;

    expect(worker.sent).toEqual([
      { type: 'init', config: CONFIG },
      { type: 'gallery', people: [] },
    ]);
    expect(client.phase.value).toBe('loading');

    const progress = {
      model: 'tinyFaceDetector',
      loadedBytes: 10,
      totalBytes: 20,
      done: false,
    } as const;
    worker.answer({ type: 'progress', progress });
    expect(client.progress.value.tinyFaceDetector).toEqual(progress);

    worker.answer({ type: 'ready', backend: { name: 'cpu', fallbacks: [] } });
    expect(client.phase.value).toBe('ready');
    expect(client.backend.value?.name).toBe('cpu');
  });

  test('a load error is shown with its sentence', () => {
    const { client, workers } = setUp();
    client.start(CONFIG);
    workers[0]!.answer({
      type: 'error',
      scope: 'models',
      message: 'Could not load Tiny Face Detector: ... returned HTTP 404.',
    });

    expect(client.phase.value).toBe('failed');
    expect(client.loadError.value).toEqual({
      scope: 'models',
      message: 'Could not load Tiny Face Detector: ... returned HTTP 404.',
    });
  });

  test('no frame is taken before the models are ready', () => {
    const { client } = setUp();
    expect(client.reserveFrame()).toBeNull();
    client.start(CONFIG);
    expect(client.reserveFrame()).toBeNull();
  });

  test('one frame in flight; the rest are dropped until it is answered', () => {
    const { client, worker } = readyClient();
    const id = client.reserveFrame()!;
    const bitmap = fakeBitmap();
    client.send(id, bitmap, 5, DEFAULT_ANALYSIS_OPTIONS, MATCH);

    expect(worker.sent.at(-1)).toMatchObject({ type: 'frame', frameId: id });
    expect(client.reserveFrame()).toBeNull();
    expect(client.canSend).toBe(false);

    worker.answer(result(id, 2));
    expect(client.result.value?.faces).toHaveLength(2);
    expect(client.canSend).toBe(true);
    expect(client.reserveFrame()).toBe(id + 1);
  });

  test('a failed frame frees the slot and the next one works', () => {
    const { client, worker } = readyClient();
    const id = client.reserveFrame()!;
    client.send(id, fakeBitmap(), 5, DEFAULT_ANALYSIS_OPTIONS, MATCH);
    worker.answer({
      type: 'error',
      scope: 'frame',
      message: 'Analysis failed.',
      frameId: id,
    });

    expect(client.frameError.value).toBe('Analysis failed.');
    expect(client.phase.value).toBe('ready');
    const next = client.reserveFrame()!;
    expect(next).toBe(id + 1);

    worker.answer(result(next, 1));
    expect(client.frameError.value).toBeNull();
  });

  test('cancel gives back a slot whose frame was never sent', () => {
    const { client } = readyClient();
    const id = client.reserveFrame()!;
    client.cancel(id);

    expect(client.reserveFrame()).toBe(id + 1);
  });

  test('results of frames sent before reset are not shown', () => {
    const { client, worker } = readyClient();
    const id = client.reserveFrame()!;
    client.send(id, fakeBitmap(), 5, DEFAULT_ANALYSIS_OPTIONS, MATCH);
    client.reset();

    expect(worker.sent.at(-1)).toEqual({ type: 'reset' });
    worker.answer(result(id, 3));
    expect(client.result.value).toBeNull();
    // The slot is free again all the same.
    expect(client.reserveFrame()).toBe(id + 1);
  });

  test('a restart terminates the old worker and ignores what it says', () => {
    const { client, worker, workers } = readyClient();
    const id = client.reserveFrame()!;
    client.send(id, fakeBitmap(), 5, DEFAULT_ANALYSIS_OPTIONS, MATCH);
    client.start(CONFIG);

    expect(worker.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(client.phase.value).toBe('loading');
    worker.answer({ type: 'ready', backend: { name: 'wasm', fallbacks: [] } });
    worker.answer(result(id, 3));
    expect(client.phase.value).toBe('loading');
    expect(client.result.value).toBeNull();
  });

  test('a crashed worker becomes a visible load error', () => {
    const { client, worker } = readyClient();
    worker.crash('out of memory');

    expect(client.phase.value).toBe('failed');
    expect(client.loadError.value?.message).toContain('out of memory');
    expect(client.loadError.value?.message).toContain('Load models');
  });

  test('a frame sent with no worker is closed, not leaked', () => {
    const { client } = readyClient();
    const id = client.reserveFrame()!;
    client.stop();
    const bitmap = fakeBitmap();
    client.send(id, bitmap, 5, DEFAULT_ANALYSIS_OPTIONS, MATCH);

    expect(bitmap.closed).toBe(true);
  });

  test('result listeners hear every result until they unsubscribe', () => {
    const { client, worker } = readyClient();
    const heard: number[] = [];
    const stop = client.onResult((r) => heard.push(r.frameId));

    const first = client.reserveFrame()!;
    client.send(first, fakeBitmap(), 5, DEFAULT_ANALYSIS_OPTIONS, MATCH);
    worker.answer(result(first));
    stop();
    const second = client.reserveFrame()!;
    client.send(second, fakeBitmap(), 5, DEFAULT_ANALYSIS_OPTIONS, MATCH);
    worker.answer(result(second));

    expect(heard).toEqual([first]);
  });

  test('the gallery goes to the worker now and again after a restart', () => {
    const { client, workers } = readyClient();
    const descriptor = new Float32Array(128).fill(0.1);
    client.setGallery([{ id: 'p1', name: 'Ada', descriptors: [descriptor] }]);
    expect(workers[0]!.sent.at(-1)).toMatchObject({
      type: 'gallery',
      people: [{ id: 'p1', name: 'Ada' }],
    });

    client.start(CONFIG);
    const resent = workers[1]!.sent.find((m) => m.type === 'gallery');
    expect(resent).toMatchObject({ people: [{ id: 'p1', name: 'Ada' }] });
    // A copy: changing the caller's array later changes nothing sent.
    descriptor[0] = 9;
    const people = (resent as Extract<ToWorker, { type: 'gallery' }>).people;
    expect(people[0]!.descriptors[0]![0]).toBeCloseTo(0.1);
  });

  test('a photo request resolves with its own answer', async () => {
    const { client, worker } = readyClient();
    const first = client.analyzePhoto(
      fakeBitmap(),
      DEFAULT_ANALYSIS_OPTIONS,
      MATCH,
    );
    const second = client.analyzePhoto(
      fakeBitmap(),
      DEFAULT_ANALYSIS_OPTIONS,
      MATCH,
    );
    const [a, b] = worker.sent.filter((m) => m.type === 'photo') as Extract<
      ToWorker,
      { type: 'photo' }
    >[];
    const photo = (width: number) => ({
      width,
      height: 10,
      faces: [],
      attemptsRun: 1,
      padded: false,
      thumbnails: [],
    });
    worker.answer({
      type: 'photo-result',
      requestId: b!.requestId,
      photo: photo(2),
    });
    worker.answer({
      type: 'request-error',
      requestId: a!.requestId,
      message: 'No pixels.',
    });

    await expect(second).resolves.toMatchObject({ width: 2 });
    await expect(first).rejects.toThrow('No pixels.');
  });

  test('a photo before the models are ready is refused and closed', async () => {
    const { client } = setUp();
    client.start(CONFIG);
    const bitmap = fakeBitmap();

    await expect(
      client.analyzePhoto(bitmap, DEFAULT_ANALYSIS_OPTIONS, MATCH),
    ).rejects.toThrow('models are not ready');
    expect(bitmap.closed).toBe(true);
  });

  test('requests in flight fail with a message when the worker restarts', async () => {
    const { client } = readyClient();
    const pending = client.rematch([new Float32Array(128)], MATCH);
    client.start(CONFIG);

    await expect(pending).rejects.toThrow('restarted');
  });

  test('a re-match resolves with the recognitions', async () => {
    const { client, worker } = readyClient();
    const pending = client.rematch([new Float32Array(128)], MATCH);
    const sent = worker.sent.at(-1) as Extract<ToWorker, { type: 'match' }>;
    worker.answer({
      type: 'match-result',
      requestId: sent.requestId,
      recognitions: [{ name: null, unknownReason: 'empty' }],
    });

    await expect(pending).resolves.toEqual([
      { name: null, unknownReason: 'empty' },
    ]);
  });
});
