/**
 * Command-line entry: `node build/server/main.js [--port N] [--host H]`.
 * Exit codes: 0 after a clean stop, 1 when it cannot listen or had to cut
 * requests off to stop, 2 for a bad argument. Failures print one line a
 * person can act on, never a stack.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_WEB_ROOT, buildServer } from './app.js';
import {
  USAGE,
  UsageError,
  describeListenError,
  formatUrl,
  isLoopback,
  parseCommand,
} from './cli.js';
import type { Command } from './cli.js';
import { stopOnSignals } from './shutdown.js';

let command: Command;
try {
  command = parseCommand(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(error.message);
  process.exit(2);
}

if (command.kind === 'help') {
  console.info(USAGE);
  process.exit(0);
}

const { address, modelOrigins } = command;
const app = await buildServer({ modelOrigins });

try {
  await app.listen(address);
} catch (error) {
  const message = describeListenError(error, address);
  console.error(
    message ??
      `Could not listen on ${formatUrl(address)}: ${(error as Error).message}`,
  );
  process.exit(1);
}

// Port 0 means "any free port": print the one the system gave.
const bound = app.server.address();
const port = typeof bound === 'object' && bound ? bound.port : address.port;
console.info(`Visage is running at ${formatUrl({ ...address, port })}`);

if (!existsSync(join(DEFAULT_WEB_ROOT, 'index.html'))) {
  console.warn(`No web app in ${DEFAULT_WEB_ROOT}: run npm run build.`);
}
if (!isLoopback(address.host)) {
  // Browsers give camera access and cross-origin isolation only to secure
  // contexts: localhost or HTTPS.
  console.warn(
    'Other machines reaching this over plain HTTP get no camera: ' +
      'put HTTPS in front of it, or use it from this machine.',
  );
}

// Requests in flight finish (10 s at most), then the process exits.
stopOnSignals(app);
