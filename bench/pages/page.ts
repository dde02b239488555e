/**
 * What every peer page shares: the result mark the benchmark reads (the
 * same shape as the app's `visage:result`), the start-up marks for the cold
 * start, the camera, and the page state the benchmark polls.
 */
import { CAMERA_START_MARK, RESULT_MARK } from './marks';

/** What a page says about itself, read by the benchmark from outside. */
export interface PageState {
  /** Library, version, backend and threads, as the page found them. */
  info: Record<string, string | number | boolean>;
  /** Set when start-up failed; the benchmark reports it and moves on. */
  error?: string;
}

declare global {
  interface Window {
    benchState?: PageState;
  }
}

/** The page state, made on first use. */
export function pageState(): PageState {
  window.benchState ??= { info: {} };

  return window.benchState;
}

/** Records why the page stopped, for the benchmark and on the page. */
export function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  pageState().error = message;
  document.body.append(
    Object.assign(document.createElement('p'), {
      role: 'alert',
      textContent: message,
    }),
  );
}

/** Marks one drawn result; `capturedAt` is when its frame was taken. */
export function markResult(
  capturedAt: number,
  faces: number,
  tensors: number,
  named?: number,
): void {
  performance.mark(RESULT_MARK, {
    detail: {
      faces,
      latencyMs: performance.now() - capturedAt,
      tensors,
      ...(named !== undefined && { named }),
    },
  });
}

/**
 * Starts the camera at 640x480 as the app asks for it (soft constraints) and
 * resolves with a playing <video> that is never put in the page, as in the
 * app.
 */
export async function startCamera(): Promise<HTMLVideoElement> {
  performance.mark(CAMERA_START_MARK);
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 640 }, height: { ideal: 480 } },
    audio: false,
  });
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  await video.play();
  if (video.videoWidth === 0) {
    await new Promise((resolve) =>
      video.addEventListener('loadedmetadata', resolve, { once: true }),
    );
  }

  return video;
}

/** The one canvas a page draws on, sized to the video. */
export function viewCanvas(video: HTMLVideoElement): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', 'Camera view');
  document.body.append(canvas);

  return canvas;
}
