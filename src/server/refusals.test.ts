import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { METHODS } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from './app.js';
import { securityHeaders } from './headers.js';

const SECRET = 'secret-outside-the-roots';
const VERSION = '1.2.3';
const SHARD = '/models/tiny.bin';

let dir: string;
let app: FastifyInstance;
let port: number;

// The served folders in a temp dir, with secrets planted beside them (and a
// sibling folder whose name starts like the web root's), so any escape
// shows up as the secret in a response.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'visage-refusals-'));
  const webRoot = join(dir, 'web');
  const modelRoot = join(dir, 'models');
  await mkdir(join(webRoot, 'assets'), { recursive: true });
  await mkdir(join(webRoot, 'empty'));
  await mkdir(modelRoot);
  await mkdir(join(dir, 'web-private'));
  await writeFile(join(dir, 'secret.txt'), SECRET);
  await writeFile(join(dir, 'web-private', 'secret.txt'), SECRET);
  await writeFile(join(webRoot, '.env'), SECRET);
  await writeFile(join(modelRoot, '.secret'), SECRET);
  await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>t');
  await writeFile(join(webRoot, 'assets', 'app-1a2b3c4d.js'), 'void 0;\n');
  await writeFile(join(modelRoot, 'tiny.bin'), Buffer.alloc(1024, 1));

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

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The whole response as received, head and body. */
  text: string;
}

/**
 * Sends bytes as they are and reads until the server closes: fetch, inject
 * and node:http all normalise or refuse `..`, backslashes and odd methods
 * before the server could see them.
 */
function raw(request: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => {
      socket.destroy();
      reject(new Error('the server neither answered nor closed in 5 s'));
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => {
          const colon = line.indexOf(':');
          return [
            line.slice(0, colon).toLowerCase(),
            line.slice(colon + 1).trim(),
          ];
        }),
      );
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: text.slice(split + 4),
        text,
      });
    });
    socket.write(request);
  });
}

/** A request line, a Host and Connection: close, plus `extra` lines. */
function requestText(line: string, extra: string[] = []): string {
  return [line, 'Host: x', 'Connection: close', ...extra, '', ''].join('\r\n');
}

function get(target: string): Promise<RawAnswer> {
  return raw(requestText(`GET ${target} HTTP/1.1`));
}

function expectSecurityHeaders(answer: RawAnswer): void {
  expect(answer.headers).toMatchObject(securityHeaders());
}

describe('methods', () => {
  const others = METHODS.filter(
    (method) => !['GET', 'HEAD', 'CONNECT'].includes(method),
  );

  it.each(others)('%s is 405 with Allow and the headers', async (method) => {
    const answer = await raw(requestText(`${method} / HTTP/1.1`));

    expect(answer.status).toBe(405);
    expect(answer.headers['allow']).toBe('GET, HEAD');
    expect(answer.body).toBe('Method not allowed: use GET or HEAD.\n');
    expectSecurityHeaders(answer);
  });

  it.each([
    ['CONNECT', 'CONNECT example.org:443 HTTP/1.1'],
    ['a method Node does not know', 'BREW /pot HTTP/1.1'],
    ['a lower-case get', 'get / HTTP/1.1'],
    ['a PUT onto a model file', 'PUT /models/tiny.bin HTTP/1.1'],
  ])('%s is 405 with Allow and the headers', async (_name, line) => {
    const answer = await raw(requestText(line));

    expect(answer.status).toBe(405);
    expect(answer.headers['allow']).toBe('GET, HEAD');
    expectSecurityHeaders(answer);
  });

  it('a POST with a body changes nothing and serves nothing', async () => {
    const body = SECRET.repeat(100);
    const answer = await raw(
      requestText('POST /models/tiny.bin HTTP/1.1', [
        `Content-Length: ${body.length}`,
      ]) + body,
    );
    const after = await get(SHARD);

    expect(answer.status).toBe(405);
    expect(after.status).toBe(200);
    expect(after.headers['content-length']).toBe('1024');
  });
});

describe('paths', () => {
  const tooLongToName = 'a'.repeat(10_000);

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/../web-private/secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/.%2e/secret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/%252e%252e/secret.txt',
    '/%252e%252e%252fsecret.txt',
    '/%25252e%25252e%25252fsecret.txt',
    '/..%5csecret.txt',
    '/..%255csecret.txt',
    '/..\\secret.txt',
    '/assets\\..\\..\\secret.txt',
    '/%c0%ae%c0%ae/secret.txt',
    '/%ef%bc%8e%ef%bc%8e/secret.txt',
    '/%u002e%u002e/secret.txt',
    '/..;/secret.txt',
    '/index.html%00',
    '/%00/../secret.txt',
    '/secret.txt%00.html',
    '/index.html%2500',
    '/models/../secret.txt',
    '/models/%2e%2e/secret.txt',
    '/models/..%2fsecret.txt',
    '/models/%2e%2e%5csecret.txt',
    `/models/${VERSION}/../../secret.txt`,
    `/models/${VERSION}/%2e%2e/%2e%2e/secret.txt`,
    `/models/${VERSION}/%252e%252e/secret.txt`,
    '//secret.txt',
    `//${dir}/secret.txt`,
    '/.env',
    '/models/.secret',
    `/models/${VERSION}/.secret`,
    `/${tooLongToName}`,
    `/models/${tooLongToName}`,
    `/assets/${'../'.repeat(3_000)}secret.txt`,
    `/${'%2e%2e/'.repeat(1_400)}secret.txt`,
    `/${'a/'.repeat(4_000)}../../secret.txt`,
  ])('%s is refused, never a file outside', async (target) => {
    const answer = await get(target);

    expect([400, 404]).toContain(answer.status);
    expect(answer.body).toMatch(/^(Not found|Bad request path)\.\n$/);
    expect(answer.text).not.toContain(SECRET);
    expectSecurityHeaders(answer);
  });

  it('a NUL byte or raw space in the request line is a 400', async () => {
    for (const target of ['/index.html\0', '/\0../secret.txt', '/a b']) {
      const answer = await get(target);

      expect(answer.status, JSON.stringify(target)).toBe(400);
      expect(answer.text).not.toContain(SECRET);
      expectSecurityHeaders(answer);
    }
  });

  it('a path longer than the 16 KB head limit is a 431', async () => {
    const answer = await get(`/${'%2e%2e/'.repeat(3_000)}secret.txt`);

    expect(answer.status).toBe(431);
    expect(answer.text).not.toContain(SECRET);
    expectSecurityHeaders(answer);
  });

  it.each([
    '/nope',
    '/assets/',
    '/assets',
    '/empty/',
    '/empty',
    '/models/',
    '/models',
    `/models/${VERSION}/`,
    `/models/${VERSION}`,
    '/models/9.9.9/tiny.bin',
  ])('%s is a plain-text 404, never a listing', async (path) => {
    const answer = await get(path);

    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toMatch(/^text\/plain/);
    expect(answer.body).toBe('Not found.\n');
    expectSecurityHeaders(answer);
  });

  it('the files beside the refusals are served', async () => {
    for (const path of ['/', SHARD, `/models/${VERSION}/tiny.bin`]) {
      expect((await get(path)).status, path).toBe(200);
    }
  });
});

describe('malformed requests', () => {
  it.each([
    ['a TLS handshake', Buffer.from('160301020001000001fc0303', 'hex')],
    ['HTTP/1.1 without Host', 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n'],
    ['a header without a colon', requestText('GET / HTTP/1.1', ['Oops'])],
    [
      'Content-Length with Transfer-Encoding',
      requestText('GET / HTTP/1.1', [
        'Content-Length: 5',
        'Transfer-Encoding: chunked',
      ]),
    ],
    ['an unknown HTTP version', requestText('GET / HTTP/7.1')],
  ])('%s is a plain-text 400 with the headers', async (_name, request) => {
    const answer = await raw(request);

    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toMatch(/^text\/plain/);
    expectSecurityHeaders(answer);
  });

  it('a 20 KB header is a 431 with the headers', async () => {
    const answer = await raw(
      requestText('GET / HTTP/1.1', [`X-Big: ${'b'.repeat(20_000)}`]),
    );

    expect(answer.status).toBe(431);
    expectSecurityHeaders(answer);
  });

  it('HTTP/1.0 without Host is served', async () => {
    const answer = await raw('GET / HTTP/1.0\r\n\r\n');

    expect(answer.status).toBe(200);
    expectSecurityHeaders(answer);
  });
});
