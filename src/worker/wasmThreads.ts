/**
 * Lets tfjs-backend-wasm use one thread per core. Its C++ side (4.22) clamps
 * the XNNPACK thread pool to navigator.hardwareConcurrency / 2, assuming two
 * hyper-threads per core, so setThreadsCount(cores) alone yields half the
 * cores (1 on a 2-core machine; tfjs issues 6081 and 8513). Showing the
 * WASM module a doubled count in this worker lifts the clamp to `threads`.
 * Measured here (2 cores, bench/live.ts): no slower than one thread.
 */

/** Call before the WASM backend starts; affects this worker only. */
export function allowWasmThreads(threads: number): void {
  const nav = self.navigator as { hardwareConcurrency: number };
  if (nav.hardwareConcurrency >= threads * 2) return;
  Object.defineProperty(nav, 'hardwareConcurrency', {
    value: threads * 2,
    configurable: true,
  });
}
