/**
 * Answers for requests that never become a Fastify request: those Node's
 * HTTP parser refuses (an unknown method, a malformed or oversized head) and
 * CONNECT, which Node hands to a listener of its own. Written straight to
 * the socket, they carry the same security headers as every other response.
 */
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** The methods the server answers, for the Allow header of every 405. */
export const ALLOWED_METHODS = 'GET, HEAD';

/** The text of every 405. */
export const METHOD_NOT_ALLOWED = 'Method not allowed: use GET or HEAD.';

/**
 * A request line that starts with a method-shaped token (RFC 9110 `token`)
 * and a space: Node knows a fixed list of methods and refuses the rest as a
 * parse error, but such a request is well formed and gets a 405.
 */
const METHOD_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ /;

/** The parts of a `clientError` that the status is chosen from. */
interface ClientError {
  code?: string;
  rawPacket?: unknown;
}

/** The status and text for a request the parser refused. */
export function clientErrorReply(error: ClientError): {
  status: number;
  text: string;
} {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, text: 'Request timed out.' };
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        text: 'Request head too large: the URL and headers exceed 16 KB.',
      };
    case 'HPE_INVALID_METHOD': {
      const packet = error.rawPacket;
      const head = Buffer.isBuffer(packet) ? packet.toString('latin1') : '';
      if (METHOD_TOKEN.test(head)) {
        return { status: 405, text: METHOD_NOT_ALLOWED };
      }
      return { status: 400, text: 'Bad request.' };
    }
    default:
      return { status: 400, text: 'Bad request.' };
  }
}

/**
 * A whole HTTP/1.1 response that closes the connection, as raw text; a 405
 * gets its Allow header here.
 */
export function rawResponse(
  status: number,
  headers: Readonly<Record<string, string>>,
  text: string,
): string {
  const body = `${text}\n`;
  const all = status === 405 ? { ...headers, allow: ALLOWED_METHODS } : headers;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    ...Object.entries(all).map(([name, value]) => `${name}: ${value}`),
    'content-type: text/plain; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  ];

  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Writes `response` and closes the socket once it is sent. */
function endWith(socket: Duplex, response: string): void {
  if (socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(response, () => socket.destroy());
}

/**
 * The server's `clientError` handler: a plain-text answer with the security
 * headers, then the connection is closed. A reset connection is left alone.
 */
export function answerClientError(
  headers: Readonly<Record<string, string>>,
): (error: ClientError, socket: Duplex) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const { status, text } = clientErrorReply(error);
    endWith(socket, rawResponse(status, headers, text));
  };
}

/** The server's `connect` handler: CONNECT is a method like the rest, 405. */
export function answerConnect(
  headers: Readonly<Record<string, string>>,
): (request: IncomingMessage, socket: Duplex) => void {
  return (_request, socket) => {
    endWith(socket, rawResponse(405, headers, METHOD_NOT_ALLOWED));
  };
}
