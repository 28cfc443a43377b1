import cors from 'cors';
import { RequestHandler } from 'express';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { bodyTooLargeProblem, sendProblem } from './problem';
import { PAGE_FILES, requestedUrl } from './route-support';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Gives every request an id (the caller's X-Request-Id when it is sane, a fresh UUID otherwise), echoes it in the
 * response, and logs one structured line per request when a logger is given.
 */
export const requestContext = (logger: Logger | undefined): RequestHandler => {
  const idFor = (incoming: string | undefined) =>
    incoming !== undefined && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  if (logger === undefined)
    return (req, res, next) => {
      const id = idFor(req.get('x-request-id'));
      res.locals['requestId'] = id;
      res.setHeader('X-Request-Id', id);
      next();
    };
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const header = req.headers['x-request-id'];
      const id = idFor(typeof header === 'string' ? header : undefined);
      res.setHeader('X-Request-Id', id);
      (res as unknown as { locals: Record<string, unknown> }).locals['requestId'] = id;
      return id;
    },
    // Refusals that say when to retry (429, 503 with Retry-After) are the server doing its job: a warning. The
    // page's files (dozens a page view) are debug: at info they would bury everything else.
    customLogLevel: (req, res, error) =>
      error !== undefined || (res.statusCode >= 500 && res.getHeader('retry-after') === undefined)
        ? 'error'
        : res.statusCode >= 400
          ? 'warn'
          : PAGE_FILES.test(requestedUrl(req))
            ? 'debug'
            : 'info',
    // The line says it all without its fields: what was asked, the answer, how long it took.
    customSuccessMessage: (req, res, responseTime) =>
      `${req.method} ${redactedUrl(requestedUrl(req))} ${res.statusCode} ${Math.round(responseTime)} ms`,
    customErrorMessage: (req, res, error) =>
      `${req.method} ${redactedUrl(requestedUrl(req))} ${res.statusCode} failed: ${error.message}`,
    // One short line per request: what was asked, by whom, and the answer's status; never a header's value.
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactedUrl(req.url),
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
};

/**
 * Names that may carry a secret, by pattern rather than by list: compared without case or punctuation and after
 * decoding, so `api_token`, `X-Api-Key`, `accessToken`, `token%00` and `session_id` are all caught.
 */
const SECRET_NAME = /token|key|secret|passw|pwd|auth|bearer|jwt|session|cookie|credential|signature|sig$/;

/** Path segments that are credentials themselves: this server's tokens, and JWT-shaped values. */
const SECRET_SEGMENT = /^(nt_[A-Za-z0-9_-]+|ey[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

const decoded = (raw: string): string => {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    // An undecodable name is compared as it came.
    return raw;
  }
};

const isSecretName = (raw: string): boolean =>
  SECRET_NAME.test(
    decoded(raw)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, ''),
  );

/**
 * The URL with the values of secret-looking query parameters (split at & and ;) and any credential-shaped path
 * segment replaced by [Redacted].
 */
export const redactedUrl = (url: string): string => {
  const query = url.indexOf('?');
  const path = (query < 0 ? url : url.slice(0, query))
    .split('/')
    .map((segment) => (SECRET_SEGMENT.test(decoded(segment)) ? '[Redacted]' : segment))
    .join('/');
  if (query < 0) return path;
  const redacted = url
    .slice(query + 1)
    .split(/([&;])/)
    .map((part) => {
      if (part === '&' || part === ';') return part;
      const equals = part.indexOf('=');
      const rawName = equals < 0 ? part : part.slice(0, equals);
      return isSecretName(rawName) ? `${rawName}=[Redacted]` : part;
    });
  return `${path}?${redacted.join('')}`;
};

/** Security headers; the web page is served from this origin only, so the policy allows nothing else. */
export const securityHeaders = (): RequestHandler =>
  helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'script-src': ["'self'"],
        'connect-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        // The server speaks plain HTTP unless a proxy terminates TLS: upgrading the page's own requests to
        // https would break it when opened from another machine.
        'upgrade-insecure-requests': null,
      },
    },
  });

/**
 * Explicit CORS: only the configured origins may call the API from a browser; with none configured, no
 * cross-origin access is granted (same-origin use, like the web page, needs none).
 */
export const corsPolicy = (allowedOrigins: readonly string[]): RequestHandler =>
  cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowedOrigins.includes(origin)),
    methods: ['GET', 'POST'],
    allowedHeaders: [
      'Authorization',
      'X-API-Key',
      'Content-Type',
      'If-Match',
      'If-None-Match',
      'X-Request-Id',
    ],
    exposedHeaders: ['ETag', 'Location', 'X-Request-Id', 'RateLimit', 'RateLimit-Policy', 'Retry-After'],
    maxAge: 600,
  });

const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** The bytes of a size limit such as "2mb" (1024-based, as the body parser reads it), or undefined. */
export const limitInBytes = (limit: string): number | undefined => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(limit);
  const unit = BYTE_UNITS[(match?.[2] ?? 'b').toLowerCase()];
  return match?.[1] === undefined || unit === undefined ? undefined : Math.floor(Number(match[1]) * unit);
};

/**
 * Refuses a body whose declared Content-Length is over the limit before reading any of it, and closes the
 * connection, so the client learns at once and the rest is never received. (The body parser would read the
 * whole body to discard it before answering.) Bodies of undeclared length are limited by the body parser.
 */
export const declaredBodyLimit = (limit: string): RequestHandler => {
  const max = limitInBytes(limit);
  return (req, res, next) => {
    const declared = Number(req.headers['content-length']);
    if (max === undefined || !(declared > max)) return next();
    res.set('Connection', 'close');
    return sendProblem(res, bodyTooLargeProblem);
  };
};
