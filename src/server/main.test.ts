import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';

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
});
