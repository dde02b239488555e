import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';

// The CDN model source pins the face-api version installed here, so the
// weights match the code that runs them.
const faceApiVersion = (
  JSON.parse(
    readFileSync(
      new URL(
        './node_modules/@vladmandic/face-api/package.json',
        import.meta.url,
      ),
      'utf8',
    ),
  ) as { version: string }
).version;

export default defineConfig({
  root: 'src/web',
  build: { outDir: '../../dist/web', emptyOutDir: true },
  worker: {
    format: 'es',
    rolldownOptions: {
      output: {
        // tfjs-backend-wasm starts its pthreads from the source text of a
        // bundled function (Function.prototype.toString). Compressing or
        // renaming breaks that text: the minifier drops a `typeof` guard on
        // a variable that only exists in the bundle, and every WASM thread
        // dies with "ReferenceError: e is not defined". Whitespace only.
        minify: {
          compress: false,
          mangle: false,
          codegen: { removeWhitespace: true },
        },
      },
    },
  },
  define: { __FACE_API_VERSION__: JSON.stringify(faceApiVersion) },
});
