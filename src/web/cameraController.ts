/**
 * The camera's life: open, feed frames to the worker and the canvas, stop,
 * and recover from failures with a message and Retry camera.
 */
import type { Signal } from '@preact/signals';
import { batch, effect, signal } from '@preact/signals';
import type { TrackedFace } from '../engine/types';
import type { PhotoResult } from '../worker/protocol';
import type { CameraDevice, CameraError, OpenCamera } from './camera';
import {
  cameraEndedError,
  listCameras,
  openCamera,
  toCameraError,
} from './camera';
import { logger } from './log';
import type { OverlaySwitches } from './overlay';
import { faceAt } from './overlay';
import { CanvasRenderer } from './renderer';
import type { Settings } from './settings';
import type { SettingsStore } from './settingsStore';
import type { Still, StillController } from './stillView';
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

  /** The face drawn highlighted: a track id live, a face id on a still. */
  readonly selectedId: Signal<number | null> = signal(null);

  readonly #client: WorkerClient;
  readonly #store: SettingsStore;
  readonly #stills: StillController | null;
  #renderer: CanvasRenderer | null = null;
  #camera: OpenCamera | null = null;
  #stopFrames: (() => void) | null = null;
  /** Bumped by every start and stop, so a slow start cannot win late. */
  #generation = 0;

  constructor(
    client: WorkerClient,
    store: SettingsStore,
    stills: StillController | null = null,
  ) {
    this.#client = client;
    this.#store = store;
    this.#stills = stills;
  }

  /** Gives the controller the view canvas; returns a detach function. */
  attachCanvas(canvas: HTMLCanvasElement): () => void {
    this.#renderer = new CanvasRenderer(canvas);
    this.#paintIdle();
    const onDeviceChange = (): void => void this.refreshDevices();
    navigator.mediaDevices?.addEventListener('devicechange', onDeviceChange);
    void this.refreshDevices();

    // A still is drawn whenever it, the selection or the settings change;
    // back to the live view (or the idle picture) when it closes.
    let hadStill = false;
    const stopStills = effect(() => {
      const still = this.#stills?.still.value ?? null;
      const selectedId = this.selectedId.value;
      const settings = this.#store.settings.value;
      if (still !== null) {
        this.#drawStill(still, selectedId, overlaySwitches(settings));
      } else if (hadStill && this.phase.peek() !== 'on') {
        this.#paintIdle();
      }
      if ((still !== null) !== hadStill) this.selectedId.value = null;
      hadStill = still !== null;
    });

    return () => {
      stopStills();
      navigator.mediaDevices?.removeEventListener(
        'devicechange',
        onDeviceChange,
      );
      this.stop();
      this.#renderer = null;
    };
  }

  /** The faces the view shows now: the still's, else the live result's. */
  get faces(): readonly TrackedFace[] {
    const still = this.#stills?.still.peek() ?? null;
    if (still !== null) return still.photo?.faces ?? [];

    return this.#client.result.peek()?.faces ?? [];
  }

  /** The face under a pointer event on the canvas, if any. */
  faceAtPointer(event: {
    offsetX: number;
    offsetY: number;
  }): TrackedFace | null {
    const renderer = this.#renderer;
    if (renderer === null) return null;
    const still = this.#stills?.still.peek() ?? null;
    const frame = still?.photo ?? this.#client.result.peek();
    if (!frame) return null;
    const mirror = still
      ? still.mirror
      : this.#store.settings.peek().display.mirror;
    const point = renderer.sourcePoint(event, frame, mirror);

    return faceAt(this.faces, point);
  }

  /** Whether the live view is mirrored (selfie view). */
  get mirror(): boolean {
    return this.#store.settings.peek().display.mirror;
  }

  /** Analyses a snapshot as a still, without showing it. */
  analyzeSnapshot(bitmap: ImageBitmap): Promise<PhotoResult> {
    const { analysis, match } = this.#store.settings.peek();

    return this.#client.analyzePhoto(bitmap, analysis, match);
  }

  /** The camera's current frame as a bitmap, for enrolment. */
  async snapshot(): Promise<ImageBitmap> {
    const camera = this.#camera;
    if (camera === null || this.phase.peek() !== 'on') {
      throw new Error('The camera is off: press Start camera first.');
    }

    return createImageBitmap(camera.video);
  }

  #drawStill(
    still: Still,
    selectedId: number | null,
    overlays: OverlaySwitches,
  ): void {
    const renderer = this.#renderer;
    if (renderer === null) return;
    renderer.drawStill(still.bitmap, {
      width: still.bitmap.width,
      height: still.bitmap.height,
      faces: still.photo?.faces ?? [],
      overlays,
      mirror: still.mirror,
      selectedId,
    });
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
    if (this.#stills?.still.peek()) return;
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
    // A still on show pauses the live view: nothing drawn or analysed.
    if (this.#stills?.still.peek()) return;
    const settings = this.#store.settings.peek();

    renderer.draw(camera.video, {
      result: this.#client.result.peek(),
      overlays: overlaySwitches(settings),
      mirror: settings.display.mirror,
      selectedId: this.selectedId.peek(),
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
