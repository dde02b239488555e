/**
 * Response headers the server puts on everything it sends: the isolation
 * headers that unlock WASM threads, and a Content Security Policy that lets
 * the page talk to nothing but its own origin and the model CDN.
 */

/** The CDN the UI offers as a model source ("CDN (jsDelivr)"). */
export const MODEL_CDN_ORIGIN = 'https://cdn.jsdelivr.net';

/**
 * Each CSP directive and its sources. Notes on the ones TensorFlow.js's WASM
 * backend needs (read in @tensorflow/tfjs-backend-wasm 4.22's source, and
 * tried in Chromium by taking each one out):
 * - 'wasm-unsafe-eval': compiling WebAssembly (instantiateStreaming) counts
 *   as eval under CSP; this allows WASM only, not JavaScript eval.
 * - worker-src blob: the multi-threaded build starts its pthread workers
 *   from a blob: URL holding the Emscripten worker script.
 * - script-src blob: each pthread worker then importScripts() the main
 *   module from a second blob: URL; without it each thread dies with a
 *   NetworkError. Only code already running on this origin can mint a
 *   blob: URL, so this opens no way in for a third-party script.
 * The inference worker is a file of ours, so a worker gets its policy from
 * its own response: that is one reason the headers go on every response.
 */
const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'", 'blob:'],
  'worker-src': ["'self'", 'blob:'],
  // A "Custom URL" model source on another origin needs that origin here:
  // securityHeaders() adds the ones given with --model-origin.
  'connect-src': ["'self'", MODEL_CDN_ORIGIN],
  'img-src': ["'self'", 'blob:', 'data:'],
  'media-src': ["'self'", 'blob:', 'mediastream:'],
  'style-src': ["'self'", "'unsafe-inline'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'none'"],
};

/**
 * The Content-Security-Policy header value; `modelOrigins` are extra origins
 * the page may fetch models from (a custom model host).
 */
export function contentSecurityPolicy(
  modelOrigins: readonly string[] = [],
): string {
  return Object.entries(CSP_DIRECTIVES)
    .map(([name, sources]) =>
      name === 'connect-src'
        ? [name, [...sources, ...modelOrigins]]
        : [name, sources],
    )
    .map(([name, sources]) => `${name} ${(sources as string[]).join(' ')}`)
    .join('; ');
}

/** The policy with no extra model origins. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/** Headers sent with every response, for the given extra model origins. */
export function securityHeaders(
  modelOrigins: readonly string[] = [],
): Readonly<Record<string, string>> {
  return {
    ...SECURITY_HEADERS,
    'content-security-policy': contentSecurityPolicy(modelOrigins),
  };
}

/** Headers sent with every response: files, 404s and errors alike. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // COOP + COEP make the page cross-origin isolated, which is what gives it
  // SharedArrayBuffer and so WASM threads. CDN fetches still work: jsDelivr
  // answers CORS requests, and require-corp accepts CORS responses.
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(self), microphone=(), geolocation=()',
  'content-security-policy': CONTENT_SECURITY_POLICY,
};
