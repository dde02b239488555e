/**
 * Gallery matching at 1k to 1M samples: bench/matcher.ts run as it is
 * (`npm run bench:matcher`), its table kept as printed and read into rows.
 * It exports no function, and its owner changes it, so it runs as a child
 * process and a table it no longer prints in this layout is kept as text.
 */
import { spawn } from 'node:child_process';

/** One row of bench:matcher's table. */
export interface MatcherRow {
  size: number;
  matcher: string;
  medianMs: number;
  p90Ms: number;
}

export interface MatcherResult {
  command: string;
  /** Its standard output, as printed. */
  output: string;
  rows: MatcherRow[];
  error?: string;
}

/** Runs bench:matcher with `sizes`; never throws (a failure is reported). */
export async function runMatcherBench(
  root: string,
  sizes: string,
  timeoutMs = 20 * 60_000,
): Promise<MatcherResult> {
  const args = ['run', '--silent', 'bench:matcher', '--', '--sizes', sizes];
  const command = `npm ${args.join(' ')}`;
  const child = spawn('npm', args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    process.stdout.write(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
  const code = await new Promise<number | string>((resolve) =>
    child.once('exit', (status, signal) => resolve(status ?? signal ?? -1)),
  );
  clearTimeout(timer);

  const result: MatcherResult = { command, output, rows: parseRows(output) };
  if (code !== 0) {
    result.error =
      `${command} exited with ${code}` +
      (errors.trim()
        ? `: ${errors.trim().split('\n').slice(-5).join(' ')}`
        : '');
  }

  return result;
}

/**
 * Rows of the table as bench/matcher.ts prints it now: fixed columns of
 * 9 (samples), 22 (matcher), 9, 9, 10 (median ms), 10 (p90 ms), 7, each
 * followed by a space. Lines that do not fit are skipped.
 */
export function parseRows(output: string): MatcherRow[] {
  const rows: MatcherRow[] = [];
  for (const line of output.split('\n')) {
    const size = Number(line.slice(0, 9));
    const matcher = line.slice(10, 32).trim();
    const medianMs = Number(line.slice(53, 63));
    const p90Ms = Number(line.slice(64, 74));
    if (!Number.isInteger(size) || size <= 0 || matcher === '') continue;
    if (line.slice(53, 63).trim() === '' || Number.isNaN(medianMs)) continue;
    rows.push({ size, matcher, medianMs, p90Ms });
  }

  return rows;
}
