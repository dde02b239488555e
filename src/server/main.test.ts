import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, statSync } from 'node:fs';
import { get } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { defaultModelRoot } from './app.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Starts the real entry point through tsx, as `npm start` would. */
function startMain(args: string[], env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/server/main.ts', ...args],
    { cwd: repoRoot, env: { ...process.env, HOST: '', PORT: '', ...env } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
  const exited = once(child, 'exit').then(([code]) => ({
    code: code as number | null,
    stdout,
    stderr,
  }));

  return { child, exited, output: () => stdout };
}

/** Starts the entry point on a free port; resolves with its URL. */
async function startListening() {
  const started = startMain(['--port', '0']);
  onTestFinished(() => void started.child.kill('SIGKILL'));
  while (!started.output().includes('\n') && started.child.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = /running at (\S+)/.exec(started.output())?.[1];
  if (!url) throw new Error(`no URL printed: ${started.output()}`);

  return { ...started, url };
}

/** The largest model shard the server sends: the slowest download. */
function largestShard(): { name: string; bytes: number } {
  const root = defaultModelRoot();
  const shards = readdirSync(root)
    .filter((name) => name.endsWith('.bin'))
    .map((name) => ({ name, bytes: statSync(join(root, name)).size }));

  return shards.sort((a, b) => b.bytes - a.bytes)[0] ?? { name: '', bytes: 0 };
}

/** Starts a download and stops reading it once its head has arrived. */
function pausedDownload(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      response.pause();
      resolve(response);
    }).on('error', reject);
  });
}

/** Reads the rest of a response slowly, 64 KB every 5 ms. */
function drainSlowly(response: IncomingMessage): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const timer = setInterval(() => {
      let chunk: Buffer | null;
      let read = 0;
      while (read < 65_536 && (chunk = response.read() as Buffer | null)) {
        read += chunk.length;
      }
      bytes += read;
    }, 5);
    response.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    response.on('end', () => {
      clearInterval(timer);
      resolve(bytes);
    });
  });
}

describe('main', () => {
  it('says a taken port is taken, in one line, and exits 1', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as AddressInfo;

    try {
      const { code, stderr } = await startMain(['--port', String(port)]).exited;

      expect(code).toBe(1);
      expect(stderr.trim()).toBe(
        `Port ${port} on 127.0.0.1 is already in use. Stop the other ` +
          `server or choose another port: npm start -- --port ${port + 1}`,
      );
    } finally {
      blocker.close();
    }
  });

  it('exits 2 for a bad port', async () => {
    const { code, stderr } = await startMain(['--port', '99999']).exited;

    expect(code).toBe(2);
    expect(stderr).toContain('Invalid port "99999" from --port');
  });

  it('prefers --port to PORT, prints its URL, stops on SIGTERM', async () => {
    const { child, exited, output } = startMain(['--port', '0'], {
      PORT: 'not-a-port',
    });
    onTestFinished(() => void child.kill());
    while (!output().includes('\n') && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const url = /running at (\S+)/.exec(output())?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const response = await fetch(`${url}healthz`);
    expect(response.status).toBe(200);

    child.kill('SIGTERM');
    expect((await exited).code).toBe(0);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s finishes slow model downloads, then exits 0',
    async (signal) => {
      const { child, exited, url } = await startListening();
      const shard = largestShard();
      // Three at once, so socket buffers cannot take all of them whole.
      const responses = await Promise.all(
        [1, 2, 3].map(() => pausedDownload(`${url}models/${shard.name}`)),
      );
      expect(responses.map((response) => response.statusCode)).toEqual([
        200, 200, 200,
      ]);

      child.kill(signal);
      // Still running a while later: it is waiting for the downloads.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(child.exitCode).toBeNull();
      await expect(fetch(`${url}healthz`)).rejects.toThrow();

      const received = await Promise.all(responses.map(drainSlowly));
      expect(received).toEqual([shard.bytes, shard.bytes, shard.bytes]);
      expect(responses.every((response) => response.complete)).toBe(true);
      const { code, stderr } = await exited;
      expect(code).toBe(0);
      // A checkout without a build warns that the page is missing; nothing
      // else may reach stderr on a clean stop.
      expect(stderr.replace(/^No web app in .*\n/, '')).toBe('');
    },
  );
});
