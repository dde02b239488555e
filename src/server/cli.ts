/**
 * The command line of the server, kept apart from main.ts so it can be tested
 * without starting anything: where to listen, and what to say when that
 * fails.
 */
import { parseArgs } from 'node:util';

/** Where the server listens. */
export interface ListenAddress {
  host: string;
  /** 0 asks the system for a free port. */
  port: number;
}

/** Loopback only by default: the app is for the person at this machine. */
export const DEFAULT_ADDRESS: ListenAddress = { host: '127.0.0.1', port: 5000 };

/** Printed for --help and after a bad argument. */
export const USAGE =
  'Usage: npm start -- [--port N] [--host H] [--model-origin URL]\n' +
  '  --port N  port to listen on (or PORT). Defaults to 5000.\n' +
  '  --host H  address to listen on (or HOST). Defaults to 127.0.0.1.\n' +
  '  --model-origin URL  let the page load models from this origin (for\n' +
  '            Model source: Custom URL on another host); repeatable.';

/** A command-line or environment value the server cannot use. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What the command line asks for. */
export type Command =
  | { kind: 'help' }
  | { kind: 'serve'; address: ListenAddress; modelOrigins: string[] };

/**
 * Reads `--port N`, `--host H` (or `--port=N`) and the PORT and HOST
 * variables. Flags win over the environment; an empty variable counts as
 * unset. Throws UsageError for anything it cannot use.
 */
export function parseCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Command {
  let values: {
    port?: string;
    host?: string;
    help?: boolean;
    'model-origin'?: string[];
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        'model-origin': { type: 'string', multiple: true },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) return { kind: 'help' };

  const port =
    values.port !== undefined
      ? parsePort(values.port, '--port')
      : env['PORT']
        ? parsePort(env['PORT'], 'PORT')
        : DEFAULT_ADDRESS.port;

  const host = values.host ?? (env['HOST'] || DEFAULT_ADDRESS.host);
  if (host === '') {
    throw new UsageError('--host is empty: give an address such as 127.0.0.1.');
  }

  const modelOrigins = (values['model-origin'] ?? []).map(parseOrigin);

  return { kind: 'serve', address: { host, port }, modelOrigins };
}

/** An http(s) origin as the CSP wants it: scheme, host and port only. */
function parseOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(
      `Invalid --model-origin "${text}": expected an http(s) origin such ` +
        'as https://models.example.org.',
    );
  }
  return url.origin;
}

function parsePort(text: string, source: string): number {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port > 65535) {
    throw new UsageError(
      `Invalid port "${text}" from ${source}: expected a whole number ` +
        'from 0 to 65535, e.g. --port 5001.',
    );
  }

  return port;
}

/** The address to open in a browser, with IPv6 hosts in brackets. */
export function formatUrl({ host, port }: ListenAddress): string {
  const name = host.includes(':') ? `[${host}]` : host;

  return `http://${name}:${port}/`;
}

/** Whether only this machine can reach the host. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * One line saying why listening failed and what to do, for the errors a
 * person can fix; undefined for the rest.
 */
export function describeListenError(
  error: unknown,
  { host, port }: ListenAddress,
): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const otherPort = port === 65535 ? port - 1 : port + 1;

  switch (code) {
    case 'EADDRINUSE':
      return (
        `Port ${port} on ${host} is already in use. Stop the other server ` +
        `or choose another port: npm start -- --port ${otherPort}`
      );
    case 'EACCES':
      return (
        `Port ${port} on ${host} needs privileges this user lacks. ` +
        'Choose a port above 1023: npm start -- --port 5000'
      );
    case 'EADDRNOTAVAIL':
      return (
        `${host} is not an address of this machine. ` +
        'Listen on loopback instead: npm start -- --host 127.0.0.1'
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return (
        `Host name "${host}" could not be resolved. ` +
        'Give an IP address instead: npm start -- --host 127.0.0.1'
      );
    default:
      return undefined;
  }
}
