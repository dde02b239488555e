/**
 * The camera's life: open, feed frames to the worker and the canvas, stop,
 * and recover from failures with a message and Retry camera.
 */
import { batch, signal } from '@preact/signals';
import type { CameraDevice, CameraError, OpenCamera } from './camera';
import {
  cameraEndedError,
  listCameras,
  openCamera,
  toCameraError,
} from './camera';
import { logger } from './log';
import type { OverlaySwitches } from './overlay';
import { CanvasRenderer } from './renderer';
import type { Settings } from './settings';
import type { SettingsStore } from './settingsStore';
import { onVideoFrames } from './videoFrames';
import type { WorkerClient } from './workerClient';

const log = logger('camera');

export type CameraPhase = 'off' | 'starting' | 'on' | 'failed';

/** The overlay switches as the current settings have them. */
export function overlaySwitches(settings: Settings): OverlaySwitches {
  return {
    boxes: settings.display.boxes,
    landmarks: settings.analysis.landmarks,
    expressions: settings.analysis.expressions,
    'age-gender': settings.analysis.ageGender,
    names: settings.analysis.recognition,
  };
}

export class CameraController {
  readonly phase = signal<CameraPhase>('off');
  readonly error = signal<CameraError | null>(null);
  readonly devices = signal<CameraDevice[]>([]);

  readonly #client: WorkerClient;
  readonly #store: SettingsStore;
  #renderer: CanvasRenderer | null = null;
  #camera: OpenCamera | null = null;
  #stopFrames: (() => void) | null = null;
  /** Bumped by every start and stop, so a slow start cannot win late. */
  #generation = 0;

  constructor(client: WorkerClient, store: SettingsStore) {
    this.#client = client;
    this.#store = store;
  }

  /** Gives the controller the view canvas; returns a detach function. */
  attachCanvas(canvas: HTMLCanvasElement): () => void {
    this.#renderer = new CanvasRenderer(canvas);
    this.#paintIdle();
    const onDeviceChange = (): void => void this.refreshDevices();
    navigator.mediaDevices?.addEventListener('devicechange', onDeviceChange);
    void this.refreshDevices();

    return () => {
      navigator.mediaDevices?.removeEventListener(
        'devicechange',
        onDeviceChange,
      );
      this.stop();
      this.#renderer = null;
    };
  }

  async start(): Promise<void> {
    this.#close();
    const generation = ++this.#generation;
    batch(() => {
      this.phase.value = 'starting';
      this.error.value = null;
    });
    this.#paintIdle();
    const { resolution, cameraId } = this.#store.settings.peek().display;

    let camera: OpenCamera;
    try {
      camera = await openCamera(resolution, cameraId, () =>
        this.#onEnded(generation),
      );
    } catch (error) {
      if (generation !== this.#generation) return;
      const cameraError = toCameraError(error);
      log.warn(`camera failed: ${cameraError.kind}`);
      batch(() => {
        this.phase.value = 'failed';
        this.error.value = cameraError;
      });
      this.#paintIdle();

      return;
    }
    if (generation !== this.#generation) {
      camera.stop();

      return;
    }

    this.#camera = camera;
    this.#client.reset();
    this.#stopFrames = onVideoFrames(camera.video, () => this.#onFrame());
    this.phase.value = 'on';
    void this.refreshDevices();
  }

  stop(): void {
    this.#generation++;
    this.#close();
    batch(() => {
      this.phase.value = 'off';
      this.error.value = null;
    });
    this.#paintIdle();
  }

  /** Restarts a running camera so a new device or resolution applies. */
  async restartIfOn(): Promise<void> {
    const phase = this.phase.peek();
    if (phase === 'on' || phase === 'starting') await this.start();
  }

  async refreshDevices(): Promise<void> {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    try {
      this.devices.value = await listCameras();
    } catch (error) {
      log.warn('could not list cameras', error);
    }
  }

  #close(): void {
    this.#stopFrames?.();
    this.#stopFrames = null;
    this.#camera?.stop();
    if (this.#camera !== null) this.#client.reset();
    this.#camera = null;
  }

  #onEnded(generation: number): void {
    if (generation !== this.#generation) return;
    this.#generation++;
    this.#close();
    batch(() => {
      this.phase.value = 'failed';
      this.error.value = cameraEndedError();
    });
    this.#paintIdle();
  }

  #paintIdle(): void {
    const message =
      this.phase.peek() === 'starting'
        ? 'Starting camera…'
        : 'Camera is off: press Start camera';
    this.#renderer?.clear(message);
  }

  /** Per video frame: draw, then send the frame if the worker is free. */
  #onFrame(): void {
    const camera = this.#camera;
    const renderer = this.#renderer;
    if (camera === null || renderer === null) return;
    const settings = this.#store.settings.peek();

    renderer.draw(camera.video, {
      result: this.#client.result.peek(),
      overlays: overlaySwitches(settings),
      mirror: settings.display.mirror,
    });

    const frameId = this.#client.reserveFrame();
    if (frameId === null) return;
    const capturedAt = performance.now();
    createImageBitmap(camera.video).then(
      (bitmap) => {
        if (this.#camera !== camera) {
          bitmap.close();
          this.#client.cancel(frameId);

          return;
        }
        this.#client.send(
          frameId,
          bitmap,
          capturedAt,
          settings.analysis,
          settings.match,
        );
      },
      (error: unknown) => {
        this.#client.cancel(frameId);
        log.warn('could not capture a frame', error);
      },
    );
  }
}
