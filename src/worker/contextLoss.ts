/**
 * Noticing that a GPU backend can no longer run: the browser took the WebGL
 * context away (a GPU reset, a driver crash, too many contexts) or lost the
 * WebGPU device. TensorFlow.js drops its cached context but keeps the
 * backend, whose every later operation fails or hangs, so the worker must
 * say so and be replaced.
 */
import type { Tf } from '../engine/runtime';
import type { GpuBackendName } from './protocol';

/** The parts of tfjs-backend-webgl and -webgpu's backends used here. */
interface GpuBackend {
  gpgpu?: { gl?: WebGLRenderingContext | WebGL2RenderingContext };
  device?: { lost?: Promise<unknown> };
}

/**
 * Calls `onLost` once if the running backend's GPU context is lost. Does
 * nothing on WASM and CPU.
 */
export function watchContextLoss(
  tf: Tf,
  onLost: (backend: GpuBackendName) => void,
): void {
  const name = tf.getBackend();
  const backend = tf.backend() as unknown as GpuBackend;
  let reported = false;
  const report = (lost: GpuBackendName): void => {
    if (reported) return;
    reported = true;
    onLost(lost);
  };

  if (name === 'webgl') {
    const gl = backend.gpgpu?.gl;
    if (!gl) return;
    if (gl.isContextLost()) {
      report('webgl');

      return;
    }
    const canvas = gl.canvas as EventTarget;
    canvas.addEventListener('webglcontextlost', () => report('webgl'), {
      once: true,
    });
  } else if (name === 'webgpu') {
    void backend.device?.lost?.then(() => report('webgpu'));
  }
}
