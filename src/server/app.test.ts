import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, defaultModelRoot } from './app.js';

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

const MANIFEST = '/models/tiny_face_detector_model-weights_manifest.json';
const SHARD = '/models/tiny_face_detector_model.bin';
const SCRIPT = '/assets/app-1a2b3c4d.js';
const SECRET = 'secret-outside-the-roots';

let dir: string;
let app: FastifyInstance;
let base: string;
let port: number;

// A stand-in for the Vite build, with a file beside it that must stay out of
// reach, so these tests need no dist/web.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'visage-server-'));
  const webRoot = join(dir, 'web');
  await mkdir(join(webRoot, 'assets'), { recursive: true });
  await mkdir(join(webRoot, 'empty'));
  await writeFile(join(dir, 'secret.txt'), SECRET);
  await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>t');
  await writeFile(join(webRoot, '.env'), SECRET);
  await writeFile(join(webRoot, SCRIPT), 'console.info(1);\n'.repeat(200));
  await writeFile(
    join(webRoot, 'assets/x.wasm'),
    Buffer.concat([Buffer.from('\0asm\x01\0\0\0'), Buffer.alloc(4096)]),
  );

  app = await buildServer({ webRoot });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  port = address.port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function get(path: string, init?: RequestInit): Promise<Response> {
  return fetch(base + path, init);
}

/**
 * Sends the request target byte for byte: fetch and inject both normalise
 * `..` and friends away before the server could see them.
 */
function rawGet(target: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(text.split(' ')[1]), text });
    });
    socket.write(
      `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
  });
}

describe('headers', () => {
  it.each([
    ['a page', 'GET', '/', 200],
    ['a model manifest', 'GET', MANIFEST, 200],
    ['a model shard', 'GET', SHARD, 200],
    ['a 404', 'GET', '/nope', 404],
    ['a 405', 'POST', '/', 405],
    ['a bad path', 'GET', '/%', 400],
    ['the health check', 'GET', '/healthz', 200],
  ])('are on %s', async (_name, method, path, status) => {
    const response = await get(path, { method });

    expect(response.status).toBe(status);
    for (const [name, value] of Object.entries(EXPECTED_HEADERS)) {
      expect(response.headers.get(name), name).toBe(value);
    }
  });
});

describe('files', () => {
  it.each([
    ['/', /^text\/html/],
    [SCRIPT, /^text\/javascript/],
    ['/assets/x.wasm', /^application\/wasm$/],
    [SHARD, /^application\/octet-stream$/],
    [MANIFEST, /^application\/json/],
  ])('serves %s with the right type', async (path, type) => {
    const response = await get(path);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(type);
  });

  it('serves model files as they are in the package', async () => {
    const response = await get(SHARD);
    const onDisk = await readFile(join(defaultModelRoot(), SHARD.slice(8)));

    expect(Buffer.from(await response.arrayBuffer()).equals(onDisk)).toBe(true);
  });

  it.each([
    [SCRIPT, 'public, max-age=31536000, immutable'],
    ['/assets/x.wasm', 'public, max-age=31536000, immutable'],
    [MANIFEST, 'public, max-age=86400'],
    [SHARD, 'public, max-age=86400'],
    ['/', 'no-cache'],
    ['/index.html', 'no-cache'],
  ])('caches %s as %s', async (path, cacheControl) => {
    const response = await get(path);

    expect(response.headers.get('cache-control')).toBe(cacheControl);
  });

  it.each(['/', MANIFEST])('revalidates %s with its ETag', async (path) => {
    const etag = (await get(path)).headers.get('etag');
    expect(etag).toBeTruthy();

    // As a browser revalidates; without a Cache-Control of its own, fetch
    // adds `no-cache`, which rightly forbids a 304.
    const again = await get(path, {
      headers: { 'if-none-match': etag ?? '', 'cache-control': 'max-age=0' },
    });
    expect(again.status).toBe(304);
  });

  it.each([SCRIPT, '/assets/x.wasm', MANIFEST])(
    'compresses %s',
    async (path) => {
      const response = await get(path, {
        headers: { 'accept-encoding': 'br' },
      });

      expect(response.headers.get('content-encoding')).toBe('br');
    },
  );

  it('sends model shards uncompressed, with their length', async () => {
    const response = await get(SHARD, {
      headers: { 'accept-encoding': 'br, gzip' },
    });

    expect(response.headers.get('content-encoding')).toBeNull();
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(0);
  });

  it('answers HEAD without a body', async () => {
    const response = await get('/', { method: 'HEAD' });

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('reports health', async () => {
    const response = await get('/healthz');

    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('works without listening, through inject', async () => {
    const response = await app.inject({ url: '/healthz' });

    expect(response.json()).toEqual({ status: 'ok' });
  });
});

describe('refusals', () => {
  it.each([
    '/nope',
    '/assets/',
    '/assets',
    '/empty/',
    '/models/',
    '/models',
    '/.env',
  ])('%s is a plain-text 404, never a listing', async (path) => {
    const response = await get(path);

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('Not found.\n');
  });

  it.each([
    ['POST', '/'],
    ['PUT', SHARD],
    ['DELETE', MANIFEST],
    ['OPTIONS', '/nope'],
  ])('%s %s is 405', async (method, path) => {
    const response = await get(path, { method });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/%252e%252e/secret.txt',
    '/%25252e%25252e%25252fsecret.txt',
    '/..%5csecret.txt',
    '/assets\\..\\..\\secret.txt',
    '/%c0%ae%c0%ae/secret.txt',
    '/index.html%00',
    '/models/../package.json',
    '/models/%2e%2e/package.json',
    '/models/..%2fpackage.json',
    '/models/%2e%2e%5cpackage.json',
    '//etc/passwd',
  ])('%s never leaves the roots', async (target) => {
    const { status, text } = await rawGet(target);

    expect([400, 404]).toContain(status);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('@vladmandic/face-api');
  });
});

describe('extra model origins', () => {
  it('are allowed by the CSP for fetches and nothing else', async () => {
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
