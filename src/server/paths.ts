/**
 * A guard in front of the static file routes. @fastify/static already keeps
 * to its root; this refuses suspicious request paths before any file lookup,
 * so an escape attempt gets a plain 400 and never reaches the file system.
 */

/**
 * Rounds of percent-decoding undone before a path is judged. Honest paths
 * need one at most; anything still changing after this many is refused.
 */
const MAX_DECODE_ROUNDS = 3;

/**
 * Whether a request target should be refused: not a plain path (`*`, a full
 * URL), a `..` segment (plain or percent-encoded, once or several times), a
 * backslash, a NUL byte, or percent-encoding that does not decode. No file
 * we serve has `%` or `\` in its name, so refusing these costs nothing.
 */
export function isUnsafePath(target: string): boolean {
  if (!target.startsWith('/')) return true;
  let path = target.split(/[?#]/, 1)[0] ?? '';

  for (let round = 0; round <= MAX_DECODE_ROUNDS; round++) {
    if (hasEscapeParts(path)) return true;

    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return true;
    }
    if (decoded === path) return false;
    path = decoded;
  }

  return true;
}

function hasEscapeParts(path: string): boolean {
  return (
    path.includes('\\') ||
    path.includes('\0') ||
    path.split('/').some((segment) => segment === '..')
  );
}
