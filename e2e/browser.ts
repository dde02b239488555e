/**
 * The real server and Chromium's flags, shared by the browser tests and the
 * benchmarks (so no test-runner import here).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** A running `build/server/main.js`. */
export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  origin: string;
  stop(): Promise<void>;
}

/**
 * Starts the production server on a free port (it binds port 0 and prints
 * the port it got) and resolves once it says where it runs.
 */
export async function startServer(): Promise<RunningServer> {
  const child = spawn(
    process.execPath,
    ['build/server/main.js', '--port', '0', '--host', '127.0.0.1'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(`printed no URL within 15 s. Output so far:\n${output}`);
    }, 15_000);
    function fail(why: string): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`The server (node build/server/main.js) ${why}`));
    }
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /https?:\/\/[^\s/]+/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      fail(`exited (${code ?? signal}) before it listened:\n${output}`);
    });
  });

  return { origin, stop: () => stopProcess(child) };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => resolve()),
  );
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** How the fake camera behaves. */
export type CameraMode =
  /** The clip plays and access is granted without a prompt. */
  | 'granted'
  /**
   * No auto-accept of the permission prompt: headless Chromium then denies
   * getUserMedia with NotAllowedError, as a person pressing Block would.
   */
  | 'denied';

/** Chromium flags for a quiet, offline, headless run with the fake camera. */
export function chromiumArgs(camera: CameraMode, clipPath: string): string[] {
  const args = [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${clipPath}`,
  ];
  if (camera === 'granted') args.push('--use-fake-ui-for-media-stream');

  return args;
}
