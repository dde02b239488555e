/**
 * Builds the benchmark's peer pages (bench/pages/*.html) to .cache/bench/web,
 * which bench/compare/benchServer.ts serves with the app's own server code
 * (same isolation headers, so WASM threads run as they do in the app).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Where the pages are built; bench/compare/benchServer.ts serves it. */
export const BENCH_WEB_ROOT = fileURLToPath(
  new URL('../../.cache/bench/web', import.meta.url),
);

// tfjs-backend-wasm starts its pthreads from the source text of a bundled
// function, which minifying breaks (see the app's vite.config.ts); Human
// bundles the same backend. A benchmark page need not be small: no
// minifying at all, so every contender runs its library's code as shipped.
export default defineConfig({
  root: here,
  logLevel: 'warn',
  build: {
    outDir: BENCH_WEB_ROOT,
    emptyOutDir: true,
    minify: false,
    chunkSizeWarningLimit: 8_000,
    rolldownOptions: {
      input: {
        original: `${here}original.html`,
        human: `${here}human.html`,
        models: `${here}models.html`,
      },
    },
  },
  worker: { format: 'es', rolldownOptions: { output: { minify: false } } },
});
