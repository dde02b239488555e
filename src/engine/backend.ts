/**
 * Starting a TensorFlow.js backend. 'auto' times a small convolution on each
 * backend that starts here and keeps the fastest: a GPU is not always faster
 * (WebGL on a software rasteriser loses to WASM SIMD by a wide margin).
 */
import type { BackendInfo, BackendName, BackendPreference } from './config';
import type { Runtime, Tf } from './runtime';
import { tfOf } from './runtime';

export interface StartBackendOptions {
  /** WASM threads; must be set before the WASM backend first starts. */
  wasmThreads: number;
  /** Prefix or file map for tfjs-backend-wasm's .wasm binaries. */
  wasmPaths?: string | Record<string, string>;
}

/** Order 'auto' tries backends in; ties go to the earlier one. */
const AUTO_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm'];

/** Where an explicit choice falls back to when it cannot start. */
const FALLBACK_ORDER: readonly BackendName[] = ['wasm', 'webgl', 'cpu'];

/**
 * Starts the preferred backend, falling back when it cannot start, and says
 * what runs. Throws only when no backend at all starts.
 */
export async function startBackend(
  runtime: Runtime,
  preference: BackendPreference,
  options: StartBackendOptions,
): Promise<BackendInfo> {
  const tf = tfOf(runtime);

  // The WASM module reads both settings once, when it is first created.
  if (options.wasmPaths !== undefined) {
    runtime.wasm.setWasmPaths(options.wasmPaths);
  }
  runtime.wasm.setThreadsCount(Math.max(1, Math.floor(options.wasmThreads)));

  const fallbacks: BackendInfo['fallbacks'] = [];
  if (preference === 'auto') {
    const probeMs: Partial<Record<BackendName, number>> = {};
    for (const name of AUTO_ORDER.filter((n) => isRegistered(tf, n))) {
      const started = await tryStart(tf, name);
      if (started !== true) {
        fallbacks.push({ name, reason: started });
        continue;
      }
      probeMs[name] = await probe(tf);
    }
    const best = fastest(probeMs);
    if (best && (await tryStart(tf, best)) === true) {
      return describeBackend(runtime, best, fallbacks, probeMs);
    }
  } else {
    const started = await tryStart(tf, preference);
    if (started === true) {
      return describeBackend(runtime, preference, fallbacks);
    }
    fallbacks.push({ name: preference, reason: started });
  }

  for (const name of FALLBACK_ORDER) {
    if (fallbacks.some((f) => f.name === name) || !isRegistered(tf, name)) {
      continue;
    }
    const started = await tryStart(tf, name);
    if (started === true) return describeBackend(runtime, name, fallbacks);
    fallbacks.push({ name, reason: started });
  }
  const tried = fallbacks.map((f) => `${f.name}: ${f.reason}`).join('; ');
  throw new Error(`No TensorFlow.js backend could start here (${tried}).`);
}

function isRegistered(tf: Tf, name: BackendName): boolean {
  return tf.findBackendFactory(name) !== null;
}

/** True when `name` runs now, else the reason it does not. */
async function tryStart(tf: Tf, name: BackendName): Promise<true | string> {
  if (!isRegistered(tf, name)) return 'not available in this build';
  try {
    if (tf.getBackend() === name) return true;
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name ? true : 'failed to initialise';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Median milliseconds of a detector-sized convolution stack, after a warm-up
 * run that absorbs shader compilation and WASM start-up.
 */
async function probe(tf: Tf): Promise<number> {
  const run = async (): Promise<number> => {
    const start = performance.now();
    const out = tf.tidy(() => {
      let x = tf.zeros([1, 160, 160, 3]) as ReturnType<Tf['zeros']>;
      let channels = 3;
      for (const width of [16, 32, 64]) {
        const filter = tf.ones([3, 3, channels, width]);
        x = tf.relu(tf.conv2d(x as never, filter as never, 2, 'same'));
        channels = width;
      }
      return tf.mean(x);
    });
    await out.data();
    out.dispose();
    return performance.now() - start;
  };

  await run();
  const times = [await run(), await run(), await run()].sort((a, b) => a - b);
  return times[1] ?? Infinity;
}

function fastest(
  probeMs: Partial<Record<BackendName, number>>,
): BackendName | undefined {
  let best: BackendName | undefined;
  for (const name of AUTO_ORDER) {
    const ms = probeMs[name];
    if (ms === undefined) continue;
    if (best === undefined || ms < (probeMs[best] ?? Infinity)) best = name;
  }
  return best;
}

function describeBackend(
  runtime: Runtime,
  name: BackendName,
  fallbacks: BackendInfo['fallbacks'],
  probeMs?: Partial<Record<BackendName, number>>,
): BackendInfo {
  const tf = tfOf(runtime);
  const info: BackendInfo = { name, fallbacks };
  if (probeMs) info.probeMs = probeMs;
  if (name === 'wasm') {
    const threaded = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
    info.simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    info.threads = threaded ? (runtime.wasm.getThreadsCount?.() ?? 1) : 1;
  }
  return info;
}
