import {
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  writeFile,
} from 'node:fs/promises';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, defaultModelRoot, defaultModelVersion } from './app.js';

/** What every response must carry, files and refusals alike. */
const EXPECTED_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(self), microphone=(), geolocation=()',
  'content-security-policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' blob:; " +
    "worker-src 'self' blob:; connect-src 'self' https://cdn.jsdelivr.net; " +
    "img-src 'self' blob: data:; media-src 'self' blob: mediastream:; " +
    "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; " +
    "frame-ancestors 'none'; form-action 'none'",
};

const TINY = 'tiny_face_detector_model';
const MANIFEST = `/models/${TINY}-weights_manifest.json`;
const SHARD = `/models/${TINY}.bin`;
const VERSION = '1.2.3';
const VERSIONED_SHARD = `/models/${VERSION}/${TINY}.bin`;
const VERSIONED_MANIFEST = `/models/${VERSION}/${TINY}-weights_manifest.json`;
const SCRIPT = '/assets/app-1a2b3c4d.js';
const STYLE = '/assets/index-Bq_x-9Zz.css';
const WASM = '/assets/backend-C0ffee42.wasm';
const IMAGE = '/assets/logo-D3adBeef.png';
const UNHASHED = '/assets/plain.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const A_DAY = 'public, max-age=86400';

let dir: string;
let app: FastifyInstance;
let port: number;

// A stand-in for the Vite build and a copy of one model, so these tests
// need no dist/web.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'visage-app-'));
  const webRoot = join(dir, 'web');
  const modelRoot = join(dir, 'models');
  await mkdir(join(webRoot, 'assets'), { recursive: true });
  await mkdir(modelRoot);
  await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>t');
  await writeFile(join(webRoot, SCRIPT), 'console.info(1);\n'.repeat(200));
  await writeFile(join(webRoot, UNHASHED), 'console.info(2);\n');
  await writeFile(join(webRoot, STYLE), 'body { margin: 0; }\n'.repeat(100));
  await writeFile(
    join(webRoot, WASM),
    Buffer.concat([Buffer.from('\0asm\x01\0\0\0'), Buffer.alloc(4096)]),
  );
  await writeFile(
    join(webRoot, IMAGE),
    Buffer.concat([
      Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
      Buffer.alloc(4096, 7),
    ]),
  );
  for (const path of [MANIFEST, SHARD]) {
    const name = path.slice('/models/'.length);
    await copyFile(join(defaultModelRoot(), name), join(modelRoot, name));
  }

  app = await buildServer({ webRoot, modelRoot, modelVersion: VERSION });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  port = address.port;
});

afterAll(async () => {
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One request through node:http, which adds no Accept-Encoding or caching
 * headers of its own (fetch does), and gives the body as sent.
 */
function get(
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port, path, agent: false, ...options },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

async function etagOf(path: string): Promise<string> {
  const { headers } = await get(path);
  expect(headers.etag).toBeTruthy();

  return String(headers.etag);
}

describe('headers', () => {
  it.each([
    ['a page', '/', {}, 200],
    ['a compressed script', SCRIPT, { 'accept-encoding': 'gzip' }, 200],
    ['a model shard', SHARD, {}, 200],
    ['a versioned model shard', VERSIONED_SHARD, {}, 200],
    ['a byte range', SHARD, { range: 'bytes=0-9' }, 206],
    ['a range past the end', SHARD, { range: 'bytes=999999999-' }, 416],
    ['a 404', '/nope', {}, 404],
    ['a bad path', '/%', {}, 400],
    ['the health check', '/healthz', {}, 200],
  ])('are on %s', async (_name, path, headers, status) => {
    const response = await get(path, { headers });

    expect(response.status).toBe(status);
    expect(response.headers).toMatchObject(EXPECTED_HEADERS);
  });

  it('are on a 304', async () => {
    const etag = await etagOf('/');
    const response = await get('/', { headers: { 'if-none-match': etag } });

    expect(response.status).toBe(304);
    expect(response.headers).toMatchObject(EXPECTED_HEADERS);
  });

  it('are on HEAD, 405 and health check answers', async () => {
    for (const [method, path, status] of [
      ['HEAD', '/', 200],
      ['HEAD', '/healthz', 200],
      ['POST', '/healthz', 405],
      ['DELETE', SHARD, 405],
    ] as const) {
      const response = await get(path, { method });

      expect(response.status, `${method} ${path}`).toBe(status);
      expect(response.headers).toMatchObject(EXPECTED_HEADERS);
    }
  });

  it('let extra model origins fetch and nothing else', async () => {
    const server = await buildServer({
      webRoot: dir,
      modelOrigins: ['https://models.example.org'],
    });
    const response = await server.inject({ method: 'GET', url: '/healthz' });
    await server.close();
    const csp = String(response.headers['content-security-policy']);

    expect(csp).toContain(
      "connect-src 'self' https://cdn.jsdelivr.net https://models.example.org;",
    );
    expect(csp.match(/models\.example\.org/g)).toHaveLength(1);
  });
});

describe('files', () => {
  it.each([
    ['/', /^text\/html; charset=utf-8$/],
    ['/index.html', /^text\/html; charset=utf-8$/],
    [SCRIPT, /^text\/javascript; charset=utf-8$/],
    [STYLE, /^text\/css; charset=utf-8$/],
    [WASM, /^application\/wasm$/],
    [IMAGE, /^image\/png$/],
    [SHARD, /^application\/octet-stream$/],
    [VERSIONED_SHARD, /^application\/octet-stream$/],
    [MANIFEST, /^application\/json; charset=utf-8$/],
    [VERSIONED_MANIFEST, /^application\/json; charset=utf-8$/],
    ['/healthz', /^application\/json; charset=utf-8$/],
  ])('serves %s as %s, not to be sniffed', async (path, type) => {
    const response = await get(path);

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(type);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each([SHARD, VERSIONED_SHARD])('serves %s byte for byte', async (path) => {
    const response = await get(path);
    const onDisk = await readFile(join(defaultModelRoot(), `${TINY}.bin`));

    expect(response.body.equals(onDisk)).toBe(true);
  });

  it('answers HEAD without a body', async () => {
    const response = await get('/', { method: 'HEAD' });

    expect(response.status).toBe(200);
    expect(response.body).toHaveLength(0);
  });

  it('reports health, never cached', async () => {
    const response = await get('/healthz');

    expect(JSON.parse(response.body.toString())).toEqual({ status: 'ok' });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('works without listening, through inject', async () => {
    const response = await app.inject({ url: '/healthz' });

    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('serves the installed face-api models by default, also by version', async () => {
    const server = await buildServer({ webRoot: dir });
    const version = defaultModelVersion();
    const plain = await server.inject({ url: MANIFEST });
    const versioned = await server.inject({
      url: `/models/${version}/${TINY}-weights_manifest.json`,
    });
    await server.close();
    const onDisk = await readFile(
      join(defaultModelRoot(), `${TINY}-weights_manifest.json`),
      'utf8',
    );

    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(plain.body).toBe(onDisk);
    expect(versioned.body).toBe(onDisk);
    expect(versioned.headers['cache-control']).toBe(IMMUTABLE);
  });

  it('refuses a model version that is not one path segment', async () => {
    await expect(
      buildServer({ webRoot: dir, modelVersion: '../1' }),
    ).rejects.toThrow('Invalid model version "../1"');
  });
});

describe('caching', () => {
  it.each([
    [SCRIPT, IMMUTABLE],
    [STYLE, IMMUTABLE],
    [WASM, IMMUTABLE],
    [IMAGE, IMMUTABLE],
    [VERSIONED_MANIFEST, IMMUTABLE],
    [VERSIONED_SHARD, IMMUTABLE],
    [MANIFEST, A_DAY],
    [SHARD, A_DAY],
    [UNHASHED, 'no-cache'],
    ['/', 'no-cache'],
    ['/index.html', 'no-cache'],
  ])('caches %s as %s', async (path, cacheControl) => {
    const response = await get(path);

    expect(response.headers['cache-control']).toBe(cacheControl);
  });

  it.each(['/', '/index.html', MANIFEST])(
    'revalidates %s with its ETag: 304, no body',
    async (path) => {
      const etag = await etagOf(path);
      const again = await get(path, { headers: { 'if-none-match': etag } });

      expect(again.status).toBe(304);
      expect(again.body).toHaveLength(0);
    },
  );

  it('answers a stale ETag with the page', async () => {
    const response = await get('/', {
      headers: { 'if-none-match': 'W/"stale"' },
    });

    expect(response.status).toBe(200);
    expect(response.body.toString()).toContain('<!doctype html>');
  });
});

describe('compression', () => {
  it.each([
    ['/', 'br'],
    ['/', 'gzip'],
    [SCRIPT, 'br'],
    [STYLE, 'gzip'],
    [WASM, 'br'],
    [MANIFEST, 'gzip'],
  ])('compresses %s with %s when asked', async (path, encoding) => {
    const response = await get(path, {
      headers: { 'accept-encoding': encoding },
    });

    expect(response.headers['content-encoding']).toBe(encoding);
    expect(response.headers.vary).toMatch(/accept-encoding/i);
  });

  it('sends gzip that unpacks to the file', async () => {
    const plain = await get(SCRIPT);
    const packed = await get(SCRIPT, {
      headers: { 'accept-encoding': 'gzip' },
    });

    expect(packed.body.length).toBeLessThan(plain.body.length / 10);
    expect(gunzipSync(packed.body).equals(plain.body)).toBe(true);
  });

  it.each(['/', SCRIPT])('sends %s as it is when not asked', async (path) => {
    const response = await get(path);

    expect(response.headers['content-encoding']).toBeUndefined();
  });

  it.each([SHARD, VERSIONED_SHARD, IMAGE])(
    'leaves %s, compressed already, as it is, with its length',
    async (path) => {
      const response = await get(path, {
        headers: { 'accept-encoding': 'br, gzip' },
      });

      expect(response.headers['content-encoding']).toBeUndefined();
      expect(Number(response.headers['content-length'])).toBe(
        response.body.length,
      );
    },
  );
});
