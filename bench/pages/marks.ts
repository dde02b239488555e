/**
 * Names of the performance marks the benchmark reads, shared by the peer
 * pages and the Node side (bench/compare/live.ts).
 */

/** The app's mark for each drawn result (src/web/renderer.ts). */
export const APP_RESULT_MARK = 'visage:result';
/** The peer pages' mark for each drawn result, in the same shape. */
export const RESULT_MARK = 'bench:result';
/** Models loaded (and warmed up, where a library does). */
export const MODELS_READY_MARK = 'bench:models-ready';
/** Just before the camera is asked for. */
export const CAMERA_START_MARK = 'bench:camera-start';
