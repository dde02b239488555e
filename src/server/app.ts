/**
 * The Visage file server: the built web app, the face-api model files and a
 * health check, nothing else. Analysis runs in the browser, so no image or
 * face data ever reaches this process.
 */
import { STATUS_CODES } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCompress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { securityHeaders } from './headers.js';
import { isUnsafePath } from './paths.js';

/** Load-time settings of the server. */
export interface ServerOptions {
  /** The Vite build to serve at `/`. Defaults to dist/web of the repo. */
  webRoot?: string;
  /**
   * Model manifests and shards to serve at `/models/`. Defaults to the
   * model/ folder of the installed @vladmandic/face-api.
   */
  modelRoot?: string;
  /**
   * Log requests (method and URL only, never the client address) and
   * errors to stdout. Defaults to false.
   */
  logger?: boolean;
  /**
   * Origins (e.g. https://models.example.org) the page may fetch models
   * from besides its own and the CDN: the Content-Security-Policy blocks
   * every other. Defaults to none.
   */
  modelOrigins?: readonly string[];
}

/** Where `webRoot` points unless told otherwise (same from src or build). */
export const DEFAULT_WEB_ROOT = fileURLToPath(
  new URL('../../dist/web', import.meta.url),
);

/** Where `modelRoot` points unless told otherwise. */
export function defaultModelRoot(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('@vladmandic/face-api/package.json');

  return join(dirname(packageJson), 'model');
}

const ALLOWED_METHODS = 'GET, HEAD';
const PLAIN_TEXT = 'text/plain; charset=utf-8';

// Vite puts a content hash in every name under assets/, so a changed file is
// a new URL and the old one can be cached for good.
const CACHE_HASHED = 'public, max-age=31536000, immutable';
// Model files keep their names across versions: a day, then revalidate.
const CACHE_MODELS = 'public, max-age=86400';
// index.html and other unhashed files: always revalidate (ETag makes it 304).
const CACHE_REVALIDATE = 'no-cache';

// Text shrinks 3-7x, and so does .wasm (~3x for ~10 ms at brotli level 4,
// once per browser since assets/ is cached for good). Model shards are left
// out (application/octet-stream): they are uint8-quantized already, so
// compression saves only ~37% for ~15 ms per MB, redone on every request as
// nothing caches the result, while the server mostly runs on loopback where
// bytes are free. Sent as they are, they keep Content-Length and Range.
const COMPRESSIBLE =
  /^(?:text\/|image\/svg\+xml|application\/(?:javascript|json|wasm))/;

/** Builds the server without listening, for `inject` in tests or `listen`. */
export async function buildServer(
  options: ServerOptions = {},
): Promise<FastifyInstance> {
  const webRoot = resolve(options.webRoot ?? DEFAULT_WEB_ROOT);
  const modelRoot = resolve(options.modelRoot ?? defaultModelRoot());
  const assetsDir = join(webRoot, 'assets') + sep;
  const headers = securityHeaders(options.modelOrigins);

  const app = Fastify({
    logger: options.logger
      ? {
          serializers: { req: (req) => ({ method: req.method, url: req.url }) },
        }
      : false,
    frameworkErrors: (_error, _request, reply) => {
      // Malformed URLs never reach a route or its hooks: answer them here.
      void sendText(reply.headers(headers), 400, 'Bad request path.');
    },
  });

  // Every response, including 404s and errors, carries the security headers.
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(headers);

    if (request.method !== 'GET' && request.method !== 'HEAD') {
      reply.header('allow', ALLOWED_METHODS);
      return sendText(reply, 405, 'Method not allowed: use GET or HEAD.');
    }
    if (isUnsafePath(request.url)) {
      return sendText(reply, 400, 'Bad request path.');
    }
  });

  // send's MIME table still says application/javascript; RFC 9239 made
  // text/javascript the one to use.
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/javascript')) {
      reply.header('content-type', 'text/javascript; charset=utf-8');
    }

    return payload;
  });

  await app.register(fastifyCompress, {
    global: true,
    encodings: ['br', 'gzip'],
    customTypes: COMPRESSIBLE,
  });

  app.get('/healthz', async (_request, reply) => {
    reply.header('cache-control', 'no-store');

    return { status: 'ok' };
  });

  await app.register(fastifyStatic, {
    root: webRoot,
    prefix: '/',
    index: ['index.html'],
    list: false,
    redirect: false,
    dotfiles: 'ignore',
    cacheControl: false,
    setHeaders: (res, filePath) => {
      const hashed = filePath.startsWith(assetsDir);
      res.setHeader('cache-control', hashed ? CACHE_HASHED : CACHE_REVALIDATE);
    },
  });

  await app.register(fastifyStatic, {
    root: modelRoot,
    prefix: '/models/',
    decorateReply: false,
    index: false,
    list: false,
    redirect: false,
    dotfiles: 'ignore',
    cacheControl: false,
    // Without an index file send answers a folder with 403; a 404 says less.
    allowedPath: (pathname) => !pathname.endsWith('/'),
    setHeaders: (res) => res.setHeader('cache-control', CACHE_MODELS),
  });

  app.setNotFoundHandler((_request, reply) =>
    sendText(reply, 404, 'Not found.'),
  );

  app.setErrorHandler((error, request, reply) => {
    const status = errorStatus(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');

    // The status text only: an error message may hold a file path.
    return sendText(reply, status, `${STATUS_CODES[status] ?? 'Error'}.`);
  });

  return app;
}

function sendText(
  reply: FastifyReply,
  status: number,
  text: string,
): FastifyReply {
  return reply.code(status).type(PLAIN_TEXT).send(`${text}\n`);
}

/** The HTTP status an error asks for; 500 when it names none. */
function errorStatus(error: unknown): number {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;

  return typeof status === 'number' && status >= 400 && status < 600
    ? status
    : 500;
}
