import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, get } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from './app.js';
import { stopServer } from './shutdown.js';

// Large enough that socket buffers cannot take it all while nobody reads.
const BIG_BYTES = 32 * 1024 * 1024;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'visage-shutdown-'));
  await mkdir(join(dir, 'web'));
  await mkdir(join(dir, 'models'));
  await writeFile(join(dir, 'web', 'index.html'), '<!doctype html>');
  await writeFile(join(dir, 'models', 'big.bin'), Buffer.alloc(BIG_BYTES, 3));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function listening(): Promise<{ app: FastifyInstance; port: number }> {
  const app = await buildServer({
    webRoot: join(dir, 'web'),
    modelRoot: join(dir, 'models'),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');

  return { app, port: address.port };
}

/** Starts a download and stops reading it once its head has arrived. */
function pausedDownload(port: number, path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      response.pause();
      resolve(response);
    }).on('error', reject);
  });
}

/** Reads the rest of a response; resolves with its size and whether whole. */
function drain(
  response: IncomingMessage,
): Promise<{ bytes: number; complete: boolean }> {
  return new Promise((resolve) => {
    let bytes = 0;
    response.on('data', (chunk: Buffer) => (bytes += chunk.length));
    response.on('error', () => undefined);
    response.on('close', () => resolve({ bytes, complete: response.complete }));
    response.resume();
  });
}

function settledWithin(promise: Promise<unknown>, ms: number) {
  return Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms)),
  ]);
}

describe('stopServer', () => {
  it('waits for a slow download to finish, refusing new connections', async () => {
    const { app, port } = await listening();
    const response = await pausedDownload(port, '/models/big.bin');

    const stopping = stopServer(app, 30_000);
    expect(await settledWithin(stopping, 300)).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();

    expect(await drain(response)).toEqual({ bytes: BIG_BYTES, complete: true });
    expect(await stopping).toBe('clean');
  });

  it('does not wait for idle keep-alive connections', async () => {
    const { app, port } = await listening();
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/healthz', agent }, (response) => {
        response.resume().on('end', resolve);
      }).on('error', reject);
    });

    expect(await settledWithin(stopServer(app, 30_000), 2_000)).toBe(true);
    agent.destroy();
  });

  it('cuts off what is still in flight after the grace period', async () => {
    const { app, port } = await listening();
    const response = await pausedDownload(port, '/models/big.bin');
    const started = Date.now();

    expect(await stopServer(app, 300)).toBe('forced');
    expect(Date.now() - started).toBeLessThan(5_000);

    const { bytes, complete } = await drain(response);
    expect(complete).toBe(false);
    expect(bytes).toBeLessThan(BIG_BYTES);
  });
});
