import { afterEach, describe, expect, test, vi } from 'vitest';
import type { EngineConfig } from '../engine/config';
import { DEFAULT_MATCH_OPTIONS } from '../engine/gallery/matcher';
import { DEFAULT_ANALYSIS_OPTIONS } from '../engine/options';
import type { FromWorker, ToWorker } from '../worker/protocol';
import type { Lifeline, WorkerClientOptions, WorkerLike } from './workerClient';
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

function setUp(options: WorkerClientOptions = {}) {
  const workers: FakeWorker[] = [];
  const client = new WorkerClient(
    () => {
      const worker = new FakeWorker();
      workers.push(worker);

      return worker;
    },
    { lifeline: null, ...options },
  );

  return { client, workers };
}

/** A lifeline whose locks the test releases by hand. */
class FakeLifeline implements Lifeline {
  readonly watched = new Map<string, () => void>();

  watch(lock: string, onGone: () => void): () => void {
    this.watched.set(lock, onGone);

    return () => this.watched.delete(lock);
  }

  /** The worker holding `lock` ended. */
  release(lock: string): void {
    const onGone = this.watched.get(lock);
    this.watched.delete(lock);
    onGone?.();
  }
}

function readyClient(options: WorkerClientOptions = {}) {
  const { client, workers } = setUp(options);
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

afterEach(() => {
  vi.useRealTimers();
});

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

  test('a crashed worker is replaced on the same config, with the gallery', () => {
    const { client, worker, workers } = readyClient();
    const descriptor = new Float32Array(128).fill(0.2);
    client.setGallery([{ id: 'p1', name: 'Ada', descriptors: [descriptor] }]);
    const id = client.reserveFrame()!;
    client.send(id, fakeBitmap(), 5, DEFAULT_ANALYSIS_OPTIONS, MATCH);
    worker.crash('out of memory');

    expect(worker.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(workers[1]!.sent).toEqual([
      { type: 'init', config: CONFIG },
      {
        type: 'gallery',
        people: [{ id: 'p1', name: 'Ada', descriptors: [descriptor] }],
      },
    ]);
    expect(client.phase.value).toBe('loading');
    expect(client.notice.value).toContain('out of memory');
    expect(client.notice.value).toContain('restarted');
    expect(client.loadError.value).toBeNull();

    // Frames flow again once the new worker is ready.
    workers[1]!.answer({
      type: 'ready',
      backend: { name: 'wasm', fallbacks: [] },
    });
    expect(client.reserveFrame()).not.toBeNull();
  });

  test('requests in flight fail with the reason when the worker dies', async () => {
    const { client, worker } = readyClient();
    const pending = client.rematch([new Float32Array(128)], MATCH);
    worker.crash('boom');

    await expect(pending).rejects.toThrow(/stopped \(boom\).*try again/);
  });

  test('after three restarts within a minute it gives up and says so', () => {
    vi.useFakeTimers();
    const { client, workers } = readyClient();
    for (let i = 0; i < 3; i++) {
      workers.at(-1)!.crash(`crash ${i}`);
      vi.advanceTimersByTime(5_000);
    }
    expect(workers).toHaveLength(4);
    expect(client.phase.value).toBe('loading');

    workers.at(-1)!.crash('crash 3');
    expect(workers).toHaveLength(4);
    expect(workers.at(-1)!.terminated).toBe(true);
    expect(client.phase.value).toBe('failed');
    expect(client.loadError.value?.message).toContain('crash 3');
    expect(client.loadError.value?.message).toContain('Load models');

    // Load models starts afresh, with a fresh allowance.
    client.start(CONFIG);
    expect(client.notice.value).toBeNull();
    workers.at(-1)!.crash('again');
    expect(client.phase.value).toBe('loading');
  });

  test('restarts older than a minute do not count', () => {
    vi.useFakeTimers();
    const { client, workers } = readyClient();
    for (let i = 0; i < 6; i++) {
      workers.at(-1)!.crash(`crash ${i}`);
      vi.advanceTimersByTime(25_000);
    }
    expect(workers).toHaveLength(7);
    expect(client.phase.value).toBe('loading');
  });

  test('a worker that ends without an error is noticed by its lifeline', () => {
    const lifeline = new FakeLifeline();
    const { client, workers } = setUp({ lifeline });
    client.start(CONFIG);
    const first = workers[0]!;
    const ask = first.sent[0] as Extract<ToWorker, { type: 'lifeline' }>;
    expect(ask.type).toBe('lifeline');
    // Watched only once the worker says it holds the lock.
    expect(lifeline.watched.size).toBe(0);
    first.answer({ type: 'lifeline' });
    expect(lifeline.watched.has(ask.lock)).toBe(true);

    lifeline.release(ask.lock);
    expect(first.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(client.notice.value).toContain('it closed');
    const next = workers[1]!.sent[0] as Extract<ToWorker, { type: 'lifeline' }>;
    expect(next.lock).not.toBe(ask.lock);
  });

  test('a worker terminated on purpose is not restarted', () => {
    const lifeline = new FakeLifeline();
    const { client, workers } = setUp({ lifeline });
    client.start(CONFIG);
    const ask = workers[0]!.sent[0] as Extract<ToWorker, { type: 'lifeline' }>;
    workers[0]!.answer({ type: 'lifeline' });
    client.stop();

    expect(lifeline.watched.size).toBe(0);
    lifeline.release(ask.lock);
    expect(workers).toHaveLength(1);
    expect(client.phase.value).toBe('idle');
  });

  test('a frame unanswered for hangMs counts as a hung worker', () => {
    vi.useFakeTimers();
    const { client, worker, workers } = readyClient({ hangMs: 10_000 });
    // Idle silence is fine.
    vi.advanceTimersByTime(60_000);
    expect(workers).toHaveLength(1);

    const id = client.reserveFrame()!;
    client.send(id, fakeBitmap(), 5, DEFAULT_ANALYSIS_OPTIONS, MATCH);
    vi.advanceTimersByTime(9_000);
    expect(workers).toHaveLength(1);
    vi.advanceTimersByTime(2_000);
    expect(worker.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(client.notice.value).toContain('no answer for 10 s');
  });

  test('a worker that keeps talking is not hung', () => {
    vi.useFakeTimers();
    const { client, worker, workers } = readyClient({ hangMs: 10_000 });
    for (let i = 0; i < 5; i++) {
      const id = client.reserveFrame()!;
      client.send(id, fakeBitmap(), 5, DEFAULT_ANALYSIS_OPTIONS, MATCH);
      vi.advanceTimersByTime(8_000);
      worker.answer(result(id));
    }
    expect(workers).toHaveLength(1);
  });

  test('a lost WebGL context restarts on WASM and says why', () => {
    const { client, workers } = setUp();
    client.start({ ...CONFIG, backend: 'webgl' });
    workers[0]!.answer({
      type: 'ready',
      backend: { name: 'webgl', fallbacks: [] },
    });
    workers[0]!.answer({ type: 'context-lost', backend: 'webgl' });

    expect(workers[0]!.terminated).toBe(true);
    expect(workers[1]!.sent[0]).toEqual({
      type: 'init',
      config: { ...CONFIG, backend: 'wasm' },
    });
    expect(client.notice.value).toContain('WebGL context was lost');
    workers[1]!.answer({
      type: 'ready',
      backend: { name: 'wasm', threads: 2, simd: true, fallbacks: [] },
    });
    expect(client.backend.value?.fallbacks).toEqual([
      { name: 'webgl', reason: 'its context was lost' },
    ]);

    // A later crash restarts on WASM too, still saying why.
    workers[1]!.crash('boom');
    expect(workers[2]!.sent[0]).toMatchObject({
      config: { backend: 'wasm' },
    });
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
