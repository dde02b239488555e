/**
 * Stopping the server on SIGTERM or SIGINT: stop listening, let the
 * requests in flight finish, then exit; cut them off only when they take
 * longer than a grace period, so a stuck client cannot keep the process
 * alive.
 */
import type { FastifyInstance } from 'fastify';

/** How long requests in flight get to finish once a stop is asked for. */
export const DEFAULT_GRACE_MS = 10_000;

/** How a stop went: all requests finished, or some were cut off. */
export type StopOutcome = 'clean' | 'forced';

/**
 * Closes the server: no new connections, idle keep-alive connections closed
 * at once, requests in flight finished. After `graceMs` the connections
 * still open are destroyed. Resolves once the server is closed.
 */
export async function stopServer(
  app: FastifyInstance,
  graceMs = DEFAULT_GRACE_MS,
): Promise<StopOutcome> {
  const closed = app.close();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'forced'>((resolve) => {
    timer = setTimeout(() => resolve('forced'), graceMs);
  });

  const outcome = await Promise.race([
    closed.then(() => 'clean' as const),
    late,
  ]);
  clearTimeout(timer);
  if (outcome === 'forced') {
    app.server.closeAllConnections();
    await closed;
  }

  return outcome;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Stops the server on the first SIGINT or SIGTERM and exits: 0 when every
 * request finished, 1 when some were cut off or closing failed. A second
 * signal of either kind kills at once: the first one removes the handlers,
 * leaving Node's default behind.
 */
export function stopOnSignals(
  app: FastifyInstance,
  graceMs = DEFAULT_GRACE_MS,
): void {
  const onSignal = (): void => {
    for (const signal of SIGNALS) process.off(signal, onSignal);

    stopServer(app, graceMs).then(
      (outcome) => {
        if (outcome === 'forced') {
          console.error(
            `Stopped after ${graceMs / 1000} s with requests still in ` +
              'flight: they were cut off.',
          );
        }
        process.exit(outcome === 'clean' ? 0 : 1);
      },
      (error: unknown) => {
        console.error(`Could not stop cleanly: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };

  for (const signal of SIGNALS) process.on(signal, onSignal);
}
