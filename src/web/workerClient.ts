/**
 * Owns the inference worker: starts it with a load-time config, sends it
 * frames (at most one in flight) and exposes what it says as signals.
 */
import { batch, signal } from '@preact/signals';
import type { BackendInfo, EngineConfig } from '../engine/config';
import type { ModelId, ModelProgress } from '../engine/models';
import type { AnalysisOptions } from '../engine/options';
import type { ErrorScope, FromWorker, ToWorker } from '../worker/protocol';
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
  ): void {
    if (this.#worker === null) {
      bitmap.close();
      this.#gate.release(frameId);

      return;
    }
    this.#post({ type: 'frame', frameId, bitmap, capturedAt, options }, [
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
