/**
 * How much load does the server take? Starts the production server (built
 * first when stale), then loads it over loopback with autocannon, one target
 * at a time: the page (/) and the largest model shard under /models/. Each
 * target gets a short warm-up, then the measured run. Prints requests per
 * second, latency p50 and p99, errors (any fails the run) and the server's
 * resident memory (RSS) sampled through the measured runs: at their start,
 * at their peak and at their end.
 *
 *   npm run bench:load -- [--seconds 10] [--connections 50]
 *                         [--warmup 2] [--out FILE.json]
 *
 * The load generator runs in this process and shares the machine's cores
 * with the server, so the figures are those of both together.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureBuilt } from '../e2e/setup/build';
import { defaultModelRoot } from '../src/server/app';

const root = fileURLToPath(new URL('..', import.meta.url));

/** How often the server's memory is read. */
const SAMPLE_MS = 100;

/** What a browser sends; the page is then compressed as it would be. */
const REQUEST_HEADERS = { 'accept-encoding': 'gzip, deflate, br' };

const USAGE = `Visage server load: the page and a model shard over loopback.

  npm run bench:load -- [options]

  --seconds N      seconds measured per target (default 10)
  --connections N  concurrent connections (default 50)
  --warmup N       seconds of unmeasured load before each target (default 2)
  --out FILE       write the results as JSON
  --help           this text`;

/** The part of autocannon's result this bench reads. */
interface AutocannonResult {
  requests: { total: number; sent: number };
  latency: { p50: number; p99: number; average: number; max: number };
  throughput: { total: number };
  duration: number;
  errors: number;
  non2xx: number;
}

type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
  timeout: number;
}) => PromiseLike<AutocannonResult>;

// autocannon ships no types; this is the one call made to it.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

interface Options {
  seconds: number;
  connections: number;
  warmup: number;
  out: string | null;
}

interface Target {
  name: string;
  path: string;
  /** Bytes of the body as sent, for checking that every answer was whole. */
  bodyBytes: number;
}

interface TargetResult {
  target: string;
  path: string;
  seconds: number;
  connections: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; average: number; max: number };
  megabytesPerSecond: number;
  errors: number;
  /** The server's CPU time over the run, in % of one core; null off Linux. */
  serverCpuPercent: number | null;
  /** The server's RSS in MB through the measured run. */
  rssMb: { start: number; peak: number; end: number };
}

function positive(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(
      `--${name} must be a positive whole number, not "${text}".`,
    );
  }

  return value;
}

function parseOptions(argv: readonly string[]): Options | null {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
      warmup: { type: 'string', default: '2' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;

  return {
    seconds: positive('seconds', values.seconds),
    connections: positive('connections', values.connections),
    warmup: Number(values.warmup) === 0 ? 0 : positive('warmup', values.warmup),
    out: values.out ?? null,
  };
}

/** The production server as `npm start` runs it, on a free port. */
async function startServer(): Promise<{ origin: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['build/server/main.js', '--port', '0', '--host', '127.0.0.1'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The server printed no URL in 15 s:\n${output}`));
    }, 15_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /http:\/\/[^\s/]+/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`The server exited (${code ?? signal}):\n${output}`));
    });
  });

  return { origin, child };
}

/** Stops the server as a supervisor would; resolves with its exit code. */
function stopServer(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

/** A process's resident memory in bytes: /proc on Linux, else ps. */
function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    if (kb !== undefined) return Number(kb) * 1024;
  } catch {
    // Not Linux: ask ps below.
  }
  const kb = execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], {
    encoding: 'utf8',
  });

  return Number(kb.trim()) * 1024;
}

/** Clock ticks a second, the unit of CPU times in /proc/PID/stat. */
let clockTicks: number | undefined;

/** CPU seconds (user and system) a process has used, or null off Linux. */
function cpuSeconds(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  clockTicks ??= Number(
    execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }),
  );
  // Fields after the command name, which is in parentheses: utime is the
  // 12th of them, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');

  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** Reads a process's RSS every SAMPLE_MS until stopped. */
function sampleMemory(pid: number): { stop: () => number[] } {
  const samples = [rssBytes(pid)];
  const timer = setInterval(() => samples.push(rssBytes(pid)), SAMPLE_MS);

  return {
    stop: () => {
      clearInterval(timer);
      samples.push(rssBytes(pid));

      return samples;
    },
  };
}

/** The largest .bin in the model folder: the heaviest file the page loads. */
function largestShard(): { name: string; bytes: number } {
  const modelRoot = defaultModelRoot();
  const shards = readdirSync(modelRoot)
    .filter((name) => name.endsWith('.bin'))
    .map((name) => ({ name, bytes: statSync(join(modelRoot, name)).size }))
    .sort((a, b) => b.bytes - a.bytes);
  const largest = shards[0];
  if (!largest) throw new Error(`No .bin model file in ${modelRoot}.`);

  return largest;
}

/** Checks a target answers 200 before loading it; returns its body size. */
async function probe(origin: string, path: string): Promise<number> {
  const response = await fetch(origin + path, { headers: REQUEST_HEADERS });
  const body = await response.arrayBuffer();
  if (response.status !== 200) {
    throw new Error(`${path} answered ${response.status}, not 200.`);
  }

  return Number(response.headers.get('content-length') ?? body.byteLength);
}

const megabytes = (bytes: number): number => bytes / 2 ** 20;
const round = (value: number, digits = 1): number =>
  Number(value.toFixed(digits));

async function loadTarget(
  origin: string,
  pid: number,
  target: Target,
  options: Options,
): Promise<TargetResult> {
  const run = (duration: number): PromiseLike<AutocannonResult> =>
    autocannon({
      url: origin + target.path,
      connections: options.connections,
      duration,
      headers: REQUEST_HEADERS,
      // 50 downloads of a 6 MB shard share the bandwidth: each takes
      // seconds, which is not a failure.
      timeout: 30,
    });

  if (options.warmup > 0) await run(options.warmup);

  const memory = sampleMemory(pid);
  const cpuBefore = cpuSeconds(pid);
  const result = await run(options.seconds);
  const cpuAfter = cpuSeconds(pid);
  const samples = memory.stop();

  const requests = result.requests.total;
  // autocannon counts timeouts among its errors.
  const errors = result.errors + result.non2xx;
  // Response heads are a few hundred bytes; a body cut short shows here.
  if (
    target.bodyBytes > 100_000 &&
    result.throughput.total < requests * target.bodyBytes
  ) {
    throw new Error(
      `${target.path}: ${result.throughput.total} bytes for ${requests} ` +
        `answers of ${target.bodyBytes}: some came back short.`,
    );
  }

  return {
    target: target.name,
    path: target.path,
    seconds: options.seconds,
    connections: options.connections,
    requests,
    requestsPerSecond: round(requests / result.duration, 0),
    latencyMs: {
      p50: result.latency.p50,
      p99: result.latency.p99,
      average: round(result.latency.average, 2),
      max: result.latency.max,
    },
    megabytesPerSecond: round(
      megabytes(result.throughput.total) / result.duration,
    ),
    errors,
    serverCpuPercent:
      cpuBefore === null || cpuAfter === null
        ? null
        : round((100 * (cpuAfter - cpuBefore)) / result.duration, 0),
    rssMb: {
      start: round(megabytes(samples[0] ?? 0)),
      peak: round(megabytes(Math.max(...samples))),
      end: round(megabytes(samples.at(-1) ?? 0)),
    },
  };
}

function printTable(results: readonly TargetResult[]): void {
  const rows = [
    [
      'target',
      'req/s',
      'p50 ms',
      'p99 ms',
      'MB/s',
      'errors',
      'server CPU',
      'RSS MB start / peak / end',
    ],
    ...results.map((r) => [
      `${r.target} (${r.path})`,
      String(r.requestsPerSecond),
      String(r.latencyMs.p50),
      String(r.latencyMs.p99),
      String(r.megabytesPerSecond),
      String(r.errors),
      r.serverCpuPercent === null ? '-' : `${r.serverCpuPercent}%`,
      `${r.rssMb.start} / ${r.rssMb.peak} / ${r.rssMb.end}`,
    ]),
  ];
  const widths = rows[0]?.map((_, i) =>
    Math.max(...rows.map((row) => row[i]?.length ?? 0)),
  );
  for (const row of rows) {
    console.info(
      row
        .map((cell, i) =>
          i === 0
            ? cell.padEnd(widths?.[i] ?? 0)
            : cell.padStart(widths?.[i] ?? 0),
        )
        .join('  '),
    );
  }
}

function machine() {
  const cpus = os.cpus();

  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

function loadAverage(): number[] {
  return os.loadavg().map((value) => round(value, 2));
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) {
    console.info(USAGE);
    return 0;
  }

  ensureBuilt(root);
  const loadBefore = loadAverage();
  const { origin, child } = await startServer();
  if (child.pid === undefined) throw new Error('The server has no pid.');

  try {
    const shard = largestShard();
    const targets: Target[] = [
      { name: 'page', path: '/', bodyBytes: 0 },
      { name: 'model shard', path: `/models/${shard.name}`, bodyBytes: 0 },
    ];
    for (const target of targets) {
      target.bodyBytes = await probe(origin, target.path);
    }

    const idleRssMb = round(megabytes(rssBytes(child.pid)));
    const { cores, cpu, node } = machine();
    console.info(
      `Server ${origin} (node build/server/main.js, pid ${child.pid}), ` +
        `idle RSS ${idleRssMb} MB. Load: autocannon, ` +
        `${options.connections} connections, ${options.warmup} s warm-up ` +
        `then ${options.seconds} s per target, Accept-Encoding: ` +
        `${REQUEST_HEADERS['accept-encoding']}. ${cores} x ${cpu}, ` +
        `Node ${node}, load average ${loadBefore.join(' ')}.`,
    );

    const results: TargetResult[] = [];
    for (const target of targets) {
      results.push(await loadTarget(origin, child.pid, target, options));
    }
    const loadAfter = loadAverage();
    const afterRssMb = round(megabytes(rssBytes(child.pid)));

    console.info('');
    printTable(results);
    console.info('');
    console.info(
      `Server RSS idle ${idleRssMb} MB before, ${afterRssMb} MB after. ` +
        `Load average before ${loadBefore.join(' ')}, ` +
        `after ${loadAfter.join(' ')} (1, 5, 15 min).`,
    );

    const exitCode = await stopServer(child);
    console.info(`Server stopped on SIGTERM, exit code ${exitCode}.`);

    if (options.out) {
      const report = {
        command: ['npm run bench:load --', ...process.argv.slice(2)].join(' '),
        date: new Date().toISOString(),
        machine: machine(),
        loadAverage: { before: loadBefore, after: loadAfter },
        requestHeaders: REQUEST_HEADERS,
        warmupSeconds: options.warmup,
        serverRssMb: { idle: idleRssMb, after: afterRssMb },
        results,
        serverExitCode: exitCode,
      };
      await writeFile(options.out, `${JSON.stringify(report, null, 2)}\n`);
      console.info(`Wrote ${options.out}.`);
    }

    const errors = results.reduce((sum, r) => sum + r.errors, 0);
    if (errors > 0) {
      console.error(`${errors} requests failed: the run does not count.`);
      return 1;
    }

    return exitCode === 0 ? 0 : 1;
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
