/**
 * The Visage file server: the built web app, the face-api model files and a
 * health check, nothing else. Analysis runs in the browser, so no image or
 * face data ever reaches this process.
 */
import { STATUS_CODES } from 'node:http';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCompress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { securityHeaders } from './headers.js';
import { isUnsafePath } from './paths.js';
import {
  ALLOWED_METHODS,
  METHOD_NOT_ALLOWED,
  answerClientError,
  answerConnect,
} from './socketReplies.js';

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
  /**
   * The version of the model files. They are served a second time under
   * `/models/<version>/`, cached for good, since a new version is a new
   * URL. Defaults to the installed @vladmandic/face-api's version when
   * `modelRoot` is left to its default, and to none otherwise.
   */
  modelVersion?: string;
}

/** Where `webRoot` points unless told otherwise (same from src or build). */
export const DEFAULT_WEB_ROOT = fileURLToPath(
  new URL('../../dist/web', import.meta.url),
);

const FACE_API_PACKAGE = '@vladmandic/face-api/package.json';
// A model version is one path segment: digits, letters, dots, plus, minus.
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+-]*$/;

/** Where `modelRoot` points unless told otherwise. */
export function defaultModelRoot(): string {
  const packageJson = createRequire(import.meta.url).resolve(FACE_API_PACKAGE);

  return join(dirname(packageJson), 'model');
}

/** The installed @vladmandic/face-api's version, e.g. 1.7.15. */
export function defaultModelVersion(): string {
  const { version } = createRequire(import.meta.url)(FACE_API_PACKAGE) as {
    version: string;
  };

  return version;
}

const PLAIN_TEXT = 'text/plain; charset=utf-8';

// Vite puts a content hash in every name under assets/ (name-HASH.ext, 8
// characters of base64url), so a changed file is a new URL and the old one
// can be cached for good. A file without one there is revalidated instead.
const HASHED_NAME = /-[\w-]{8}\.\w+$/;
const CACHE_HASHED = 'public, max-age=31536000, immutable';
// Under /models/<version>/ a new version is a new URL: cached for good.
const CACHE_VERSIONED = CACHE_HASHED;
// Under /models/ model files keep their names across versions: a day, then
// revalidate.
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
  const modelVersion =
    options.modelVersion ??
    (options.modelRoot === undefined ? defaultModelVersion() : undefined);
  if (modelVersion !== undefined && !VERSION.test(modelVersion)) {
    throw new Error(
      `Invalid model version "${modelVersion}": expected one path segment ` +
        'such as 1.7.15.',
    );
  }
  const assetsDir = join(webRoot, 'assets') + sep;
  const headers = securityHeaders(options.modelOrigins);

  const app = Fastify({
    // Requests that arrive on an open connection while the server stops are
    // still answered (with Connection: close), rather than with Fastify's
    // bare 503 that has none of the headers below.
    return503OnClosing: false,
    // Requests Node's parser refuses get the headers too, in plain text.
    clientErrorHandler: answerClientError(headers),
    // Node would answer a missing Host with a bare 400 of its own; the hook
    // below answers it with the headers.
    http: { requireHostHeader: false },
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
      return sendText(reply, 405, METHOD_NOT_ALLOWED);
    }
    // RFC 9112: an HTTP/1.1 request without Host is a 400.
    if (
      request.raw.httpVersion === '1.1' &&
      request.headers.host === undefined
    ) {
      return sendText(reply, 400, 'Bad request: no Host header.');
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
      const hashed =
        filePath.startsWith(assetsDir) && HASHED_NAME.test(basename(filePath));
      res.setHeader('cache-control', hashed ? CACHE_HASHED : CACHE_REVALIDATE);
    },
  });

  const modelPrefixes = [
    { prefix: '/models/', cacheControl: CACHE_MODELS },
    ...(modelVersion === undefined
      ? []
      : [
          { prefix: `/models/${modelVersion}/`, cacheControl: CACHE_VERSIONED },
        ]),
  ];
  for (const { prefix, cacheControl } of modelPrefixes) {
    await app.register(fastifyStatic, {
      root: modelRoot,
      prefix,
      decorateReply: false,
      index: false,
      list: false,
      redirect: false,
      dotfiles: 'ignore',
      cacheControl: false,
      // Without an index file send answers a folder with 403; a 404 says
      // less.
      allowedPath: (pathname) => !pathname.endsWith('/'),
      setHeaders: (res) => res.setHeader('cache-control', cacheControl),
    });
  }

  app.setNotFoundHandler((_request, reply) =>
    sendText(reply, 404, 'Not found.'),
  );

  // CONNECT never reaches a route: Node hands it to this listener instead.
  app.server.on('connect', answerConnect(headers));

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
