import cors from 'cors';
import { RequestHandler } from 'express';
import rateLimit from 'express-rate-limit';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { sendProblem } from './problem';

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
    customLogLevel: (_req, res, error) =>
      error !== undefined || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    // Tokens never reach the logs.
    redact: ['req.headers.authorization', 'req.headers["x-api-key"]'],
  });
};

/** Security headers; the web page is served from this origin only, so the policy allows nothing else. */
export const securityHeaders = (): RequestHandler =>
  helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: { 'script-src': ["'self'"], 'connect-src': ["'self'"], 'img-src': ["'self'", 'data:'] },
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

/** A per-client budget of writes; beyond it, 429 problem+json with Retry-After. */
export const writeRateLimit = (perMinute: number): RequestHandler =>
  rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) =>
      sendProblem(res, {
        type: '/problems/rate-limited',
        title: 'Too many writes',
        status: 429,
        detail: `At most ${perMinute} write requests a minute per client; retry after the Retry-After delay.`,
        errors: [{ field: '(request)', reason: `write rate limit of ${perMinute} a minute reached` }],
      }),
  });
