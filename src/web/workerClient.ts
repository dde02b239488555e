/**
 * Owns the inference worker: starts it with a load-time config, sends it
 * frames (at most one in flight) and exposes what it says as signals. A
 * worker that dies (an error event, an end without one, or silence while
 * it owes an answer) is replaced with the same config, a few times a
 * minute at most; one whose GPU context is lost is replaced on WASM.
 */
import { batch, signal } from '@preact/signals';
import type { BackendInfo, EngineConfig } from '../engine/config';
import type { EnrolledPerson, MatchOptions } from '../engine/gallery/matcher';
import type { ModelId, ModelProgress } from '../engine/models';
import type { AnalysisOptions } from '../engine/options';
import type {
  ErrorScope,
  FromWorker,
  GpuBackendName,
  PhotoResult,
  Recognition,
  ToWorker,
} from '../worker/protocol';
import { FrameGate } from './frameGate';
import { logger } from './log';

const log = logger('worker');

/** One analysed frame as the UI keeps it. */
export type AnalysisResult = Omit<
  Extract<FromWorker, { type: 'result' }>,
  'type'
>;

export type LoadPhase = 'idle' | 'loading' | 'ready' | 'failed';

export interface LoadError {
  scope: Exclude<ErrorScope, 'frame'>;
  message: string;
}

/** Something that can stand in for a Worker (tests pass a fake). */
export interface WorkerLike {
  postMessage(message: ToWorker, transfer?: Transferable[]): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

export type WorkerFactory = () => WorkerLike;

/**
 * Notices a worker's end that raises no error event. The worker holds a
 * lock named `lock` for its whole life; `onGone` runs once it is released.
 */
export interface Lifeline {
  /** Starts watching; the returned function stops it. */
  watch(lock: string, onGone: () => void): () => void;
}

/**
 * The Web Locks lifeline: a lock held by a worker is released when the
 * worker ends, however it ends. Null where the browser has no Web Locks.
 */
export function webLockLifeline(): Lifeline | null {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return null;

  return {
    watch(lock, onGone) {
      const abort = new AbortController();
      locks
        .request(lock, { signal: abort.signal }, () => onGone())
        .catch(() => undefined);

      return () => abort.abort();
    },
  };
}

export interface WorkerClientOptions {
  /**
   * Automatic restarts allowed within restartWindowMs; the next death is
   * shown as a failure instead. Defaults to 3.
   */
  maxRestarts?: number;
  /** Defaults to 60,000 ms. */
  restartWindowMs?: number;
  /**
   * How long the worker may stay silent while a frame or request waits for
   * its answer before it counts as hung and is replaced. Defaults to
   * 60,000 ms: a photo with many faces on a slow backend takes seconds.
   */
  hangMs?: number;
  /** The same while the backend starts and models load. Defaults to 180,000 ms. */
  loadHangMs?: number;
  /** Defaults to webLockLifeline(); null for none. */
  lifeline?: Lifeline | null;
}

/** How often the hang watchdog looks. */
const WATCHDOG_TICK_MS = 1_000;

const GPU_LABELS: Record<GpuBackendName, string> = {
  webgl: 'WebGL',
  webgpu: 'WebGPU',
};

/** The real module worker; Vite bundles it from this exact expression. */
export function createInferenceWorker(): WorkerLike {
  return new Worker(new URL('../worker/inference.worker.ts', import.meta.url), {
    type: 'module',
    name: 'visage-inference',
  }) as WorkerLike;
}

/** A request (photo, re-match) waiting for the worker's answer. */
interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class WorkerClient {
  readonly phase = signal<LoadPhase>('idle');
  readonly progress = signal<Partial<Record<ModelId, ModelProgress>>>({});
  readonly backend = signal<BackendInfo | null>(null);
  readonly loadError = signal<LoadError | null>(null);
  /** The latest frame failure; cleared by the next good result. */
  readonly frameError = signal<string | null>(null);
  readonly result = signal<AnalysisResult | null>(null);
  /**
   * What happened to the worker that a person should know: it stopped and
   * was restarted, or its GPU context was lost. Cleared by start().
   */
  readonly notice = signal<string | null>(null);

  readonly #createWorker: WorkerFactory;
  readonly #maxRestarts: number;
  readonly #restartWindowMs: number;
  readonly #hangMs: number;
  readonly #loadHangMs: number;
  readonly #lifeline: Lifeline | null;
  /** The config the worker runs with, for a restart. */
  #config: EngineConfig | null = null;
  /** Times of automatic restarts since the last start(). */
  #restarts: number[] = [];
  /** A GPU backend given up on since the last start(), and why. */
  #lostBackend: BackendInfo['fallbacks'][number] | null = null;
  /** When the worker last spoke, or was last owed nothing. */
  #lastHeard = 0;
  #watchdog: ReturnType<typeof setInterval> | null = null;
  /** The lock the current worker was asked to hold. */
  #lifelineLock: string | null = null;
  #stopLifeline: (() => void) | null = null;
  #nextLock = 1;
  readonly #gate = new FrameGate();
  readonly #resultListeners = new Set<(result: AnalysisResult) => void>();
  #worker: WorkerLike | null = null;
  #resetAfterFrame = 0;
  #gallery: EnrolledPerson[] = [];
  #nextRequestId = 1;
  readonly #pending = new Map<number, Pending>();

  constructor(
    createWorker: WorkerFactory = createInferenceWorker,
    options: WorkerClientOptions = {},
  ) {
    this.#createWorker = createWorker;
    this.#maxRestarts = options.maxRestarts ?? 3;
    this.#restartWindowMs = options.restartWindowMs ?? 60_000;
    this.#hangMs = options.hangMs ?? 60_000;
    this.#loadHangMs = options.loadHangMs ?? 180_000;
    this.#lifeline =
      options.lifeline === undefined ? webLockLifeline() : options.lifeline;
  }

  /**
   * (Re)starts the worker: an old one is terminated with whatever it was
   * loading or analysing, and the models load again with `config`.
   */
  start(config: EngineConfig): void {
    this.#restarts = [];
    this.#lostBackend = null;
    this.notice.value = null;
    this.#launch(config);
  }

  #launch(config: EngineConfig): void {
    this.stop();
    this.#config = config;
    batch(() => {
      this.phase.value = 'loading';
      this.progress.value = {};
      this.backend.value = null;
      this.loadError.value = null;
      this.frameError.value = null;
      this.result.value = null;
    });

    const worker = this.#createWorker();
    worker.onmessage = (event) => {
      if (this.#worker !== worker) return;
      this.#lastHeard = Date.now();
      this.#handle(event.data);
    };
    worker.onerror = (event) => {
      if (this.#worker !== worker) return;
      event.preventDefault();
      this.#restartAfterDeath(event.message || 'an error without a message');
    };
    this.#worker = worker;
    this.#lastHeard = Date.now();
    if (this.#lifeline !== null) {
      const lock = `visage-worker-${lockSuffix()}-${this.#nextLock++}`;
      this.#lifelineLock = lock;
      this.#post({ type: 'lifeline', lock });
    }
    this.#post({ type: 'init', config });
    this.#post({ type: 'gallery', people: this.#gallery });
    this.#watchdog = setInterval(() => this.#checkHang(), WATCHDOG_TICK_MS);
  }

  /** The worker holds its lifeline: watch for its release. */
  #watchLifeline(): void {
    const lock = this.#lifelineLock;
    const worker = this.#worker;
    if (this.#lifeline === null || lock === null || worker === null) return;
    this.#stopLifeline?.();
    this.#stopLifeline = this.#lifeline.watch(lock, () => {
      if (this.#worker === worker) this.#restartAfterDeath('it closed');
    });
  }

  /**
   * The worker owes an answer (models, a frame, a request) and has said
   * nothing for too long: it is hung, or gone without a trace.
   */
  #checkHang(): void {
    const loading = this.phase.peek() === 'loading';
    const owed = loading || this.#gate.busy || this.#pending.size > 0;
    const now = Date.now();
    if (!owed) {
      this.#lastHeard = now;

      return;
    }
    const limit = loading ? this.#loadHangMs : this.#hangMs;
    if (now - this.#lastHeard > limit) {
      this.#restartAfterDeath(`no answer for ${Math.round(limit / 1000)} s`);
    }
  }

  /**
   * Replaces a worker that died with one on the same config, unless it has
   * been restarted maxRestarts times within the window already.
   */
  #restartAfterDeath(why: string): void {
    if (!this.#allowRestart()) {
      this.stop();
      this.#fail(
        'backend',
        `The analysis worker stopped again (${why}) after ` +
          `${this.#maxRestarts} restarts within ` +
          `${Math.round(this.#restartWindowMs / 1000)} s. Press Load ` +
          'models to start it again.',
      );
      log.error('the worker keeps stopping; gave up restarting it');

      return;
    }
    log.warn(`the worker stopped (${why}); restarting it`);
    this.#rejectPending(
      `The analysis worker stopped (${why}) before it answered: try again.`,
    );
    this.notice.value =
      `The analysis worker stopped (${why}) and was restarted; ` +
      'the gallery and settings are as they were.';
    this.#launch(this.#config as EngineConfig);
  }

  /** The GPU context is gone: the same config again, on WASM. */
  #restartOnWasm(backend: GpuBackendName): void {
    const label = GPU_LABELS[backend];
    if (!this.#allowRestart()) {
      this.stop();
      this.#fail(
        'backend',
        `The ${label} context was lost and the analysis worker was ` +
          'restarted too often. Choose Backend: WASM, then press Load models.',
      );

      return;
    }
    log.warn(`the ${label} context was lost; restarting on WASM`);
    this.#lostBackend = { name: backend, reason: 'its context was lost' };
    this.#rejectPending(
      `The ${label} context was lost before the answer came: try again.`,
    );
    this.notice.value =
      `The ${label} context was lost (the GPU was reset or its driver ` +
      'failed), so analysis was restarted on WASM.';
    this.#launch({ ...(this.#config as EngineConfig), backend: 'wasm' });
  }

  /** Counts a restart if the window allows one more. */
  #allowRestart(): boolean {
    if (this.#config === null) return false;
    const now = Date.now();
    this.#restarts = this.#restarts.filter(
      (time) => now - time < this.#restartWindowMs,
    );
    if (this.#restarts.length >= this.#maxRestarts) return false;
    this.#restarts.push(now);

    return true;
  }

  /**
   * The people faces are matched against, sent to the worker now and again
   * whenever it restarts. Copies the descriptors: the caller's stay put.
   */
  setGallery(people: readonly EnrolledPerson[]): void {
    this.#gallery = people.map((person) => ({
      id: person.id,
      name: person.name,
      descriptors: person.descriptors.map((d) => Float32Array.from(d)),
    }));
    this.#post({ type: 'gallery', people: this.#gallery });
  }

  /**
   * Analyses a still picture in the worker (it takes and closes `bitmap`).
   * Rejects with a sentence when models are not ready or analysis fails.
   */
  analyzePhoto(
    bitmap: ImageBitmap,
    options: AnalysisOptions,
    match: MatchOptions,
  ): Promise<PhotoResult> {
    return this.#request<PhotoResult>(
      (requestId) => ({ type: 'photo', requestId, bitmap, options, match }),
      [bitmap],
      () => bitmap.close(),
    );
  }

  /** Matches descriptors again, e.g. with a new threshold. */
  rematch(
    descriptors: readonly Float32Array[],
    match: MatchOptions,
  ): Promise<Recognition[]> {
    return this.#request<Recognition[]>((requestId) => ({
      type: 'match',
      requestId,
      descriptors: descriptors.map((d) => Float32Array.from(d)),
      match,
    }));
  }

  #request<T>(
    message: (requestId: number) => ToWorker,
    transfer: Transferable[] = [],
    discard: () => void = () => undefined,
  ): Promise<T> {
    if (this.#worker === null || this.phase.peek() !== 'ready') {
      discard();

      return Promise.reject(
        new Error(
          'The models are not ready yet: wait for "Models ready", or press ' +
            'Load models.',
        ),
      );
    }
    const requestId = this.#nextRequestId++;

    return new Promise<T>((resolve, reject) => {
      this.#pending.set(requestId, {
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.#post(message(requestId), transfer);
    });
  }

  #settle(requestId: number, outcome: { value: unknown } | Error): void {
    const pending = this.#pending.get(requestId);
    if (!pending) return;
    this.#pending.delete(requestId);
    if (outcome instanceof Error) pending.reject(outcome);
    else pending.resolve(outcome.value);
  }

  #rejectPending(why: string): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const request of pending) request.reject(new Error(why));
  }

  /** Shows a load failure found before the worker could start. */
  failToStart(scope: LoadError['scope'], message: string): void {
    this.stop();
    this.#fail(scope, message);
  }

  /** Terminates the worker, if any. */
  stop(): void {
    if (this.#watchdog !== null) clearInterval(this.#watchdog);
    this.#watchdog = null;
    this.#stopLifeline?.();
    this.#stopLifeline = null;
    this.#lifelineLock = null;
    this.#worker?.terminate();
    this.#worker = null;
    this.#rejectPending(
      'The analysis worker was restarted before it answered: try again.',
    );
    this.#gate.reset();
    this.phase.value = 'idle';
  }

  /** Whether a frame sent now would be analysed rather than dropped. */
  get canSend(): boolean {
    return this.phase.peek() === 'ready' && !this.#gate.busy;
  }

  /**
   * Reserves the single in-flight slot; null means drop this frame. Call
   * send() or cancel() with the id afterwards.
   */
  reserveFrame(): number | null {
    return this.phase.peek() === 'ready' ? this.#gate.tryAcquire() : null;
  }

  /** Transfers `bitmap` to the worker (it closes it) for analysis. */
  send(
    frameId: number,
    bitmap: ImageBitmap,
    capturedAt: number,
    options: AnalysisOptions,
    match: MatchOptions,
  ): void {
    if (this.#worker === null) {
      bitmap.close();
      this.#gate.release(frameId);

      return;
    }
    this.#post({ type: 'frame', frameId, bitmap, capturedAt, options, match }, [
      bitmap,
    ]);
  }

  /** Gives back a reserved slot whose frame could not be captured. */
  cancel(frameId: number): void {
    this.#gate.release(frameId);
  }

  /** Forgets tracked faces and the last result (camera stopped). */
  reset(): void {
    this.#resetAfterFrame = this.#gate.lastId;
    this.result.value = null;
    this.frameError.value = null;
    if (this.#worker !== null) this.#post({ type: 'reset' });
  }

  /** Runs `listener` for every result, at frame rate (not a signal). */
  onResult(listener: (result: AnalysisResult) => void): () => void {
    this.#resultListeners.add(listener);

    return () => this.#resultListeners.delete(listener);
  }

  #post(message: ToWorker, transfer: Transferable[] = []): void {
    this.#worker?.postMessage(message, transfer);
  }

  #fail(scope: LoadError['scope'], message: string): void {
    this.#rejectPending(message);
    batch(() => {
      this.phase.value = 'failed';
      this.loadError.value = { scope, message };
    });
  }

  #handle(message: FromWorker): void {
    switch (message.type) {
      case 'progress': {
        const { progress } = message;
        this.progress.value = {
          ...this.progress.peek(),
          [progress.model]: progress,
        };
        break;
      }
      case 'ready': {
        const lost = this.#lostBackend;
        const backend = lost
          ? {
              ...message.backend,
              fallbacks: [lost, ...message.backend.fallbacks],
            }
          : message.backend;
        batch(() => {
          this.backend.value = backend;
          this.phase.value = 'ready';
        });
        log.debug(`models ready on ${message.backend.name}`);
        break;
      }
      case 'lifeline':
        this.#watchLifeline();
        break;
      case 'context-lost':
        this.#restartOnWasm(message.backend);
        break;
      case 'result': {
        if (!this.#gate.release(message.frameId)) break;
        // A frame sent before reset() shows faces that are gone now.
        if (message.frameId <= this.#resetAfterFrame) break;
        const { type: _type, ...result } = message;
        batch(() => {
          this.result.value = result;
          if (this.frameError.peek() !== null) this.frameError.value = null;
        });
        for (const listener of this.#resultListeners) listener(result);
        break;
      }
      case 'photo-result':
        this.#settle(message.requestId, { value: message.photo });
        break;
      case 'match-result':
        this.#settle(message.requestId, { value: message.recognitions });
        break;
      case 'request-error':
        this.#settle(message.requestId, new Error(message.message));
        break;
      case 'error':
        if (message.scope === 'frame') {
          if (message.frameId !== undefined) {
            this.#gate.release(message.frameId);
          } else {
            this.#gate.reset();
          }
          // Log a repeated failure once, not at frame rate.
          if (this.frameError.peek() !== message.message) {
            log.warn(message.message);
          }
          this.frameError.value = message.message;
        } else {
          this.#fail(message.scope, message.message);
          log.error(message.message);
        }
        break;
      default: {
        const unexpected: never = message;
        log.warn('ignored an unknown worker message', unexpected);
      }
    }
  }
}

/** Lock names are shared by every tab of the origin: make them unique. */
function lockSuffix(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : Math.random().toString(36).slice(2);
}
