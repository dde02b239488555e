/**
 * Command-line options of the smaller bench scripts: `--help` prints the
 * script's usage, and an unknown or malformed option prints what was wrong
 * and the usage instead of a stack trace.
 */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses `process.argv` against `options`. Exits (0 after `--help`, 2 after
 * a bad option) rather than returning when there is nothing to run.
 */
export function benchArgs<const T extends Options>(
  usage: string,
  options: T,
): ReturnType<typeof parseArgs<{ options: T; strict: true }>>['values'] {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.info(usage);
    process.exit(0);
  }
  try {
    return parseArgs({ args: argv, options, strict: true }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}
