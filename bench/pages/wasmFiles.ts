/**
 * tfjs-backend-wasm's binaries as Vite emits them (content-hashed, same
 * origin), by the names the backend asks for: how the app's worker serves
 * them too (src/worker/inference.worker.ts).
 */
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** File name to absolute URL, for setWasmPaths. */
export function wasmFiles(base: string): Record<string, string> {
  return {
    'tfjs-backend-wasm.wasm': new URL(wasmPlainUrl, base).href,
    'tfjs-backend-wasm-simd.wasm': new URL(wasmSimdUrl, base).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreadedUrl, base).href,
  };
}
