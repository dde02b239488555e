/**
 * Model load failures as a person at this page should read them. A fetch to
 * an origin the page's Content-Security-Policy does not allow fails like an
 * unreachable host; only the page knows that is the likelier cause.
 */
import { MODEL_CDN_ORIGIN, ModelLoadError } from '../engine/models';

/** What to do about a damaged model file, where the engine says not. */
const CORRUPT_FIX =
  ' Download the models again, or choose another Model source (Local ' +
  'always works with npm start).';

/**
 * The error's sentence, with the fix for a blocked cross-origin URL, and
 * for a damaged file when the sentence has none.
 */
export function describeLoadError(error: unknown, pageOrigin: string): string {
  if (!(error instanceof Error)) return String(error);
  if (!(error instanceof ModelLoadError)) return error.message;
  if (error.code === 'corrupt') {
    return /model source/i.test(error.message)
      ? error.message
      : `${error.message}${CORRUPT_FIX}`;
  }
  if (error.code !== 'network') return error.message;

  let origin: string;
  try {
    origin = new URL(error.url).origin;
  } catch {
    return error.message;
  }
  if (origin === pageOrigin || origin === MODEL_CDN_ORIGIN) {
    return error.message;
  }
  return (
    `${error.message} If that host is up, this page's security policy ` +
    `blocked it: start the server with npm start -- --model-origin ` +
    `${origin} to allow it.`
  );
}
