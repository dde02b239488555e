/**
 * Calls back once per new video frame: requestVideoFrameCallback where the
 * browser has it, else once per animation frame.
 */

/** Runs `callback` for every frame of `video` until the returned stop(). */
export function onVideoFrames(
  video: HTMLVideoElement,
  callback: () => void,
): () => void {
  let stopped = false;

  if (typeof video.requestVideoFrameCallback === 'function') {
    let handle = 0;
    const step = (): void => {
      if (stopped) return;
      callback();
      handle = video.requestVideoFrameCallback(step);
    };
    handle = video.requestVideoFrameCallback(step);

    return () => {
      stopped = true;
      video.cancelVideoFrameCallback(handle);
    };
  }

  let handle = 0;
  const step = (): void => {
    if (stopped) return;
    callback();
    handle = requestAnimationFrame(step);
  };
  handle = requestAnimationFrame(step);

  return () => {
    stopped = true;
    cancelAnimationFrame(handle);
  };
}
