import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import * as E from 'fp-ts/Either';
import { Tracker } from '../application/tracker';
import { Clock, systemClock } from '../store';
import { negotiationRoutes } from './negotiation-routes';
import { PROBLEM_CONTENT_TYPE, Problem, sendProblem } from './problem';

/** Who is making the request. Writes record this principal as `recordedBy`; a body can never set it. */
export interface Principal {
  readonly id: string;
}

/** Resolves the caller of a request, or refuses it with a problem (401/403). */
export type Authenticate = (req: Request) => E.Either<Problem, Principal>;

export const anonymousPrincipal: Authenticate = () => E.right({ id: 'anonymous' });

export interface AppOptions {
  readonly tracker: Tracker;
  readonly authenticate?: Authenticate;
  readonly clock?: Clock;
  /** Largest accepted request body. */
  readonly bodyLimit?: string;
  readonly storeName?: string;
  /** Extra routes mounted before the API (e.g. the web page). */
  readonly extraRoutes?: (app: express.Express) => void;
}

const bodyParserProblem = (error: {
  type?: string;
  status?: number;
  message?: string;
}): Problem | undefined => {
  switch (error.type ?? '') {
    case 'entity.parse.failed':
      return {
        type: '/problems/malformed-json',
        title: 'Malformed JSON',
        status: 400,
        detail: `The body is not valid JSON: ${error.message ?? 'parse error'}.`,
        errors: [{ field: '(body)', reason: 'is not valid JSON' }],
      };
    case 'entity.too.large':
      return {
        type: '/problems/body-too-large',
        title: 'Body too large',
        status: 413,
        detail: 'The request body exceeds the size limit; split the batch.',
        errors: [{ field: '(body)', reason: 'exceeds the size limit' }],
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return {
        type: '/problems/unsupported-encoding',
        title: 'Unsupported encoding',
        status: 415,
        detail: error.message ?? 'Unsupported body encoding.',
        errors: [{ field: 'Content-Type', reason: 'charset or encoding is not supported' }],
      };
    default:
      return undefined;
  }
};

/** The HTTP edge: parses, authenticates, calls the tracker, maps results to JSON and errors to problem+json. */
export const createApp = (options: AppOptions): express.Express => {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(
    express.json({
      limit: options.bodyLimit ?? '2mb',
      strict: false,
      type: ['application/json', 'application/*+json'],
    }),
  );

  app.get('/health', (_req, res) => {
    res.json({
      status: 'ok',
      store: options.storeName ?? 'unknown',
      time: (options.clock ?? systemClock)().toISOString(),
    });
  });

  options.extraRoutes?.(app);
  app.use(
    negotiationRoutes(
      options.tracker,
      options.authenticate ?? anonymousPrincipal,
      options.clock ?? systemClock,
    ),
  );

  const notFound: RequestHandler = (req, res) =>
    sendProblem(res, {
      type: '/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: `No resource at ${req.method} ${req.path}.`,
    });
  app.use(notFound);

  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const parsed = typeof error === 'object' && error !== null ? bodyParserProblem(error) : undefined;
    if (parsed) return sendProblem(res, parsed);
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500)
      return sendProblem(res, {
        type: '/problems/bad-request',
        title: 'Bad request',
        status,
        detail: (error as { message?: string }).message ?? 'The request could not be processed.',
      });
    console.error(`unhandled error on ${req.method} ${req.path}`, error);
    return sendProblem(res, {
      type: '/problems/internal-error',
      title: 'Internal error',
      status: 500,
      detail: 'The server failed to handle the request. Nothing partial was stored.',
    });
  });
  return app;
};

export { PROBLEM_CONTENT_TYPE };
