/**
 * Owns the inference worker: starts it with a load-time config, sends it
 * frames (at most one in flight) and exposes what it says as signals.
 */
import { batch, signal } from '@preact/signals';
import type { BackendInfo, EngineConfig } from '../engine/config';
import type { EnrolledPerson, MatchOptions } from '../engine/gallery/matcher';
import type { ModelId, ModelProgress } from '../engine/models';
import type { AnalysisOptions } from '../engine/options';
import type {
  ErrorScope,
  FromWorker,
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

  readonly #createWorker: WorkerFactory;
  readonly #gate = new FrameGate();
  readonly #resultListeners = new Set<(result: AnalysisResult) => void>();
  #worker: WorkerLike | null = null;
  #resetAfterFrame = 0;
  #gallery: EnrolledPerson[] = [];
  #nextRequestId = 1;
  readonly #pending = new Map<number, Pending>();

  constructor(createWorker: WorkerFactory = createInferenceWorker) {
    this.#createWorker = createWorker;
  }

  /**
   * (Re)starts the worker: an old one is terminated with whatever it was
   * loading or analysing, and the models load again with `config`.
   */
  start(config: EngineConfig): void {
    this.stop();
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
      if (this.#worker === worker) this.#handle(event.data);
    };
    worker.onerror = (event) => {
      if (this.#worker !== worker) return;
      event.preventDefault();
      this.#fail(
        'backend',
        'The analysis worker stopped unexpectedly' +
          (event.message ? ` (${event.message})` : '') +
          '. Press Load models to start it again.',
      );
    };
    this.#worker = worker;
    this.#post({ type: 'init', config });
    this.#post({ type: 'gallery', people: this.#gallery });
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
      case 'ready':
        batch(() => {
          this.backend.value = message.backend;
          this.phase.value = 'ready';
        });
        log.debug(`models ready on ${message.backend.name}`);
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
