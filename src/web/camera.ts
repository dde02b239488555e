/**
 * Opening the camera, and turning the browser's errors into sentences a
 * person can act on. The <video> made here only feeds frames: it is never
 * put in the DOM (the canvas is the one view).
 */
import type { Resolution } from './settings';
import { resolutionSize } from './settings';

export type CameraErrorKind =
  'denied' | 'none' | 'busy' | 'ended' | 'unsupported' | 'other';

const MESSAGES: Record<Exclude<CameraErrorKind, 'other'>, string> = {
  denied:
    'Camera access was denied. Allow the camera for this site in the ' +
    "browser's address bar, then press Retry camera.",
  none:
    'No camera was found. Connect a camera (or choose another one), then ' +
    'press Retry camera.',
  busy:
    'The camera is in use by another application. Close that application, ' +
    'then press Retry camera.',
  ended:
    'The camera stopped sending video: it may have been unplugged or taken ' +
    'by another application. Press Retry camera.',
  unsupported:
    'This browser gives this page no camera access. Open it at ' +
    'http://127.0.0.1 or over HTTPS in a current browser.',
};

/** A camera failure the UI shows with a Retry camera button. */
export class CameraError extends Error {
  readonly kind: CameraErrorKind;

  constructor(kind: CameraErrorKind, message: string) {
    super(message);
    this.name = 'CameraError';
    this.kind = kind;
  }
}

/** The kind of failure behind a getUserMedia DOMException name. */
export function cameraErrorKind(errorName: string): CameraErrorKind {
  switch (errorName) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'none';
    case 'NotReadableError':
    case 'AbortError':
      return 'busy';
    case 'TypeError':
      return 'unsupported';
    default:
      return 'other';
  }
}

/** Wraps anything getUserMedia or play() threw in a CameraError. */
export function toCameraError(error: unknown): CameraError {
  if (error instanceof CameraError) return error;
  const name = error instanceof Error ? error.name : '';
  const kind = cameraErrorKind(name);
  if (kind !== 'other') return new CameraError(kind, MESSAGES[kind]);
  const detail = error instanceof Error ? error.message : String(error);

  return new CameraError(
    'other',
    `The camera could not start (${detail}). Press Retry camera.`,
  );
}

/** The error for a camera track that ended on its own. */
export function cameraEndedError(): CameraError {
  return new CameraError('ended', MESSAGES.ended);
}

/** Constraints for getUserMedia; soft, so a camera close enough is used. */
export function videoConstraints(
  resolution: Resolution,
  deviceId: string,
): MediaTrackConstraints {
  const { width, height } = resolutionSize(resolution);
  const constraints: MediaTrackConstraints = {
    width: { ideal: width },
    height: { ideal: height },
  };
  if (deviceId !== '') constraints.deviceId = { ideal: deviceId };

  return constraints;
}

export interface CameraDevice {
  deviceId: string;
  label: string;
}

/**
 * The video inputs. Labels are empty until the camera was allowed once, so
 * unnamed ones are numbered.
 */
export async function listCameras(): Promise<CameraDevice[]> {
  const devices = await navigator.mediaDevices.enumerateDevices();

  return devices
    .filter((device) => device.kind === 'videoinput')
    .map((device, index) => ({
      deviceId: device.deviceId,
      label: device.label || `Camera ${index + 1}`,
    }));
}

/** An open camera: the off-DOM video fed by it, and a way to close it. */
export interface OpenCamera {
  video: HTMLVideoElement;
  stream: MediaStream;
  /** The id of the camera the browser actually opened. */
  deviceId: string;
  stop(): void;
}

/**
 * Opens the camera and waits until the video plays. `onEnded` runs when
 * the camera goes away without stop() (unplugged, taken, revoked).
 */
export async function openCamera(
  resolution: Resolution,
  deviceId: string,
  onEnded: () => void,
): Promise<OpenCamera> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CameraError('unsupported', MESSAGES.unsupported);
  }

  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: videoConstraints(resolution, deviceId),
    });
  } catch (error) {
    throw toCameraError(error);
  }

  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;

  let stopped = false;
  const stop = (): void => {
    stopped = true;
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
  const [track] = stream.getVideoTracks();
  track?.addEventListener('ended', () => {
    if (!stopped) {
      stop();
      onEnded();
    }
  });

  try {
    await video.play();
  } catch (error) {
    stop();
    throw toCameraError(error);
  }

  return {
    video,
    stream,
    deviceId: track?.getSettings().deviceId ?? deviceId,
    stop,
  };
}
