import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { IncomingMessage, RequestListener, Server, ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { FieldViolation, toFieldViolations } from '../domain';
import type { Logger } from 'pino';
import { capConnections } from './connection-caps';
import { PROBLEM_CONTENT_TYPE, Problem } from './problem';
import { problemType } from './problem-types';
import { Notices, createNotices } from './throttled-log';

/**
 * How long a client may take, so a slow or stalled one (trickling headers or a body) is cut off with a 408
 * instead of holding a connection and its buffers for ever, while every other client keeps being served.
 */
export interface ServerLimits {
  /** Time to receive the complete request headers. */
  readonly headersTimeoutMs: number;
  /** Time to receive the complete request, body included. */
  readonly requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open after a response. */
  readonly keepAliveTimeoutMs: number;
  /** A socket with no traffic in either direction for this long is closed. */
  readonly socketTimeoutMs: number;
  /** Connections open at once, over all clients. */
  readonly maxConnections: number;
  /** Connections open at once from one address (a trusted proxy is not one client, and is not counted). */
  readonly maxConnectionsPerClient: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  socketTimeoutMs: 60_000,
  maxConnections: 4096,
  maxConnectionsPerClient: 256,
};

const positiveWhole = (name: string, reason: string) =>
  new t.Type<number, string, unknown>(
    name,
    (u): u is number => typeof u === 'number',
    (u, c) => {
      const n = typeof u === 'string' && /^\d{1,9}$/.test(u) ? Number(u) : Number.NaN;
      return n >= 1 ? t.success(n) : t.failure(u, c, reason);
    },
    String,
  );

const Milliseconds = positiveWhole('Milliseconds', 'must be a positive whole number of milliseconds');
const Count = positiveWhole('Count', 'must be a positive whole number');

const LimitsEnvironment = t.partial({
  HEADERS_TIMEOUT_MS: Milliseconds,
  REQUEST_TIMEOUT_MS: Milliseconds,
  KEEP_ALIVE_TIMEOUT_MS: Milliseconds,
  SOCKET_TIMEOUT_MS: Milliseconds,
  MAX_CONNECTIONS: Count,
  MAX_CONNECTIONS_PER_CLIENT: Count,
});

/** The limits from the environment (HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS, ...), every bad variable named. */
export const serverLimitsFrom = (env: NodeJS.ProcessEnv): E.Either<FieldViolation[], ServerLimits> => {
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key in LimitsEnvironment.props && value !== ''),
  );
  const decoded = LimitsEnvironment.decode(present);
  if (E.isLeft(decoded)) return E.left(toFieldViolations(decoded.left));
  const limits: ServerLimits = {
    headersTimeoutMs: decoded.right.HEADERS_TIMEOUT_MS ?? DEFAULT_SERVER_LIMITS.headersTimeoutMs,
    requestTimeoutMs: decoded.right.REQUEST_TIMEOUT_MS ?? DEFAULT_SERVER_LIMITS.requestTimeoutMs,
    keepAliveTimeoutMs: decoded.right.KEEP_ALIVE_TIMEOUT_MS ?? DEFAULT_SERVER_LIMITS.keepAliveTimeoutMs,
    socketTimeoutMs: decoded.right.SOCKET_TIMEOUT_MS ?? DEFAULT_SERVER_LIMITS.socketTimeoutMs,
    maxConnections: decoded.right.MAX_CONNECTIONS ?? DEFAULT_SERVER_LIMITS.maxConnections,
    maxConnectionsPerClient:
      decoded.right.MAX_CONNECTIONS_PER_CLIENT ?? DEFAULT_SERVER_LIMITS.maxConnectionsPerClient,
  };
  // Node refuses a headers timeout longer than the request timeout.
  return limits.headersTimeoutMs > limits.requestTimeoutMs
    ? E.left([{ field: 'HEADERS_TIMEOUT_MS', reason: 'must not exceed REQUEST_TIMEOUT_MS' }])
    : E.right(limits);
};

/** What a connection-level failure (before express sees a request) is answered with. */
const clientErrorProblem = (error: NodeJS.ErrnoException, limits: ServerLimits): Problem => {
  switch (error.code ?? '') {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        type: problemType('request-timeout'),
        title: 'Request timeout',
        status: 408,
        detail: `The request was not received in time (headers within ${limits.headersTimeoutMs} ms, the whole request within ${limits.requestTimeoutMs} ms).`,
        errors: [{ field: '(request)', reason: 'was not received in time' }],
      };
    case 'HPE_HEADER_OVERFLOW':
      return {
        type: problemType('headers-too-large'),
        title: 'Request headers too large',
        status: 431,
        detail: 'The request headers exceed the size limit.',
        errors: [{ field: '(headers)', reason: 'exceed the size limit' }],
      };
    default:
      return {
        type: problemType('malformed-request'),
        title: 'Malformed HTTP request',
        status: 400,
        detail: 'The request is not valid HTTP/1.1.',
        errors: [{ field: '(request)', reason: `is not valid HTTP (${error.code ?? 'parse error'})` }],
      };
  }
};

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/**
 * Answers a request the HTTP parser refused, or one that timed out, with a problem document, then closes the
 * connection. Like Node's own handler, it writes only when no response has started on the socket.
 */
const answerClientError =
  (limits: ServerLimits, notices: Notices) =>
  (error: NodeJS.ErrnoException, socket: Duplex): void => {
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    const problem = clientErrorProblem(error, limits);
    const remoteAddress = (socket as Partial<Socket>).remoteAddress;
    if (error.code !== 'ECONNRESET')
      notices.notice(
        `${problem.status} answers to connections`,
        { status: problem.status, code: error.code, remoteAddress },
        `${problem.status} ${problem.title}: closed a connection from ${remoteAddress ?? 'an unknown address'} (${problem.errors?.[0]?.reason ?? error.code ?? 'client error'})`,
      );
    if (socket.writable && inFlight?.headersSent !== true) {
      const body = JSON.stringify(problem);
      socket.write(
        `HTTP/1.1 ${problem.status} ${REASONS[problem.status] ?? 'Error'}\r\n` +
          `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          'Connection: close\r\n\r\n' +
          body,
      );
    }
    socket.destroy();
  };

/** An app that re-parents every request and response it handles (express sets these as their prototypes). */
export interface Reparenting {
  readonly request?: object;
  readonly response?: object;
}

const isPlainFunction = (constructor: unknown): boolean =>
  typeof constructor === 'function' && !/^class\b/.test(Function.prototype.toString.call(constructor));

/**
 * Request and response constructors whose objects are born with the app's prototypes. Express re-parents each
 * request and response it handles (`Object.setPrototypeOf` to `app.request` and `app.response`); done to objects
 * Node's own constructors built, that is a slow path in V8, and under load it filled the old generation.
 * Measured here with a one-route express app under load: 112 µs of CPU a request and a full collection every
 * 0.4 s; with objects born with those prototypes express's call changes nothing (the prototype is already the one
 * asked for), and the same app took 32 µs a request with no full collection. Node's constructors are plain
 * functions, called on the new object as their own subclasses do. Node's own objects are kept when the app's
 * prototypes do not inherit from Node's, or if Node's constructors ever become classes: the same behaviour,
 * without the saving.
 */
const bornWithPrototypes = ({ request, response }: Reparenting) => {
  if (
    request === undefined ||
    response === undefined ||
    !Object.prototype.isPrototypeOf.call(IncomingMessage.prototype, request) ||
    !Object.prototype.isPrototypeOf.call(ServerResponse.prototype, response) ||
    !isPlainFunction(IncomingMessage) ||
    !isPlainFunction(ServerResponse)
  )
    return {};
  const initRequest = IncomingMessage as unknown as (this: IncomingMessage, socket: Socket) => void;
  const initResponse = ServerResponse as unknown as (
    this: ServerResponse,
    req: IncomingMessage,
    options?: object,
  ) => void;
  function AppRequest(this: IncomingMessage, socket: Socket) {
    initRequest.call(this, socket);
  }
  AppRequest.prototype = request;
  function AppResponse(this: ServerResponse, req: IncomingMessage, options?: object) {
    initResponse.call(this, req, options);
  }
  AppResponse.prototype = response;
  return {
    IncomingMessage: AppRequest as unknown as typeof IncomingMessage,
    ServerResponse: AppResponse as unknown as typeof ServerResponse,
  };
};

export interface HttpServerOptions {
  /** Where 408s, refused connections and other connection-level events are logged. */
  readonly logger?: Logger;
  /** Whether a connection's peer is a trusted proxy (express's 'trust proxy'): it is many clients, not one. */
  readonly trustedPeer?: (address: string) => boolean;
}

/** The HTTP server for the app, with the limits applied and parser-level errors answered as problem+json. */
export const createHttpServer = (
  app: RequestListener & Reparenting,
  limits: ServerLimits = DEFAULT_SERVER_LIMITS,
  options: HttpServerOptions = {},
): Server => {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Timeouts are only noticed when Node checks the open connections; the default check runs every 30 s.
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 2))),
      ...bornWithPrototypes(app),
    },
    app,
  );
  const notices = createNotices(options.logger);
  server.setTimeout(limits.socketTimeoutMs);
  server.on('clientError', answerClientError(limits, notices));
  capConnections(server, limits, notices, options.trustedPeer ?? (() => false));
  return server;
};
