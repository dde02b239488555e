/**
 * The app's one logger: a level and an area prefix per line. Debug lines show
 * only with `?debug` in the page URL. Never pass frames, descriptors or names.
 */

export interface Logger {
  debug(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

function debugEnabled(): boolean {
  try {
    return new URLSearchParams(globalThis.location?.search).has('debug');
  } catch {
    return false;
  }
}

const showDebug = debugEnabled();

/** A logger whose lines start with `[visage:area]`. */
export function logger(area: string): Logger {
  const prefix = `[visage:${area}]`;

  return {
    debug(message, ...details) {
      if (showDebug) console.info(prefix, message, ...details);
    },
    info(message, ...details) {
      console.info(prefix, message, ...details);
    },
    warn(message, ...details) {
      console.warn(prefix, message, ...details);
    },
    error(message, ...details) {
      console.error(prefix, message, ...details);
    },
  };
}
