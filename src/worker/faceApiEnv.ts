/**
 * face-api's idea of the platform, for a Web Worker. face-api only detects
 * a window (with DOM image and video classes) or Node; in a worker it finds
 * neither and every call fails with "getEnv - environment is not defined".
 * Frames reach it as tensors, so canvases are all it may need: those are
 * OffscreenCanvases. Images and videos do not exist here.
 */
import type { Environment } from '@vladmandic/face-api';

/** A class nothing is an instance of, for face-api's instanceof checks. */
class Unavailable {}

function unavailable(what: string): () => never {
  return () => {
    throw new Error(
      `face-api asked for ${what}, which a worker does not have.`,
    );
  };
}

/** The environment to pass to faceapi.env.setEnv() inside the worker. */
export function workerEnvironment(): Environment {
  // The DOM types are what face-api's typing names; the worker's stand-ins
  // answer the same calls it makes (drawImage, getImageData, instanceof).
  return {
    Canvas: OffscreenCanvas as unknown as Environment['Canvas'],
    CanvasRenderingContext2D:
      OffscreenCanvasRenderingContext2D as unknown as Environment['CanvasRenderingContext2D'],
    Image: Unavailable as unknown as Environment['Image'],
    ImageData,
    Video: Unavailable as unknown as Environment['Video'],
    createCanvasElement: () =>
      new OffscreenCanvas(1, 1) as unknown as HTMLCanvasElement,
    createImageElement: unavailable('an <img> element'),
    createVideoElement: unavailable('a <video> element'),
    fetch: (url, init) => fetch(url, init),
    readFile: unavailable('the file system'),
  };
}
