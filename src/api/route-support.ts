import { Request, RequestHandler, Response } from 'express';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as TE from 'fp-ts/TaskEither';
import { LogSnapshot, TrackerError } from '../application/tracker';
import { LeanEvent } from '../domain';
import { AnswerCache, answerKey } from './answer-cache';
import { NegotiationIdParam, QueryCodec, decodeQuery, etagOf } from './http-inputs';
import { Problem, problemFromTrackerError, sendProblem, validationProblem } from './problem';
import { problemType } from './problem-types';

/** Pieces every negotiation route shares: id and query decoding, conditional GETs, 405 and 406 answers. */

export const JSON_ONLY = ['application/json'] as const;

/**
 * Refuses with 406 a request whose Accept header names none of the media types the route answers with. The
 * problem itself is still sent as problem+json, as RFC 9110 allows.
 */
export const produces =
  (types: readonly string[]): RequestHandler =>
  (req, res, next) => {
    if (req.get('accept') === undefined || req.accepts([...types]) !== false) return next();
    return sendProblem(res, {
      type: problemType('not-acceptable'),
      title: 'Not acceptable',
      status: 406,
      detail: `This resource answers with ${types.join(' or ')}; the request accepts none of them.`,
      errors: [{ field: 'Accept', reason: `must accept ${types.join(' or ')}` }],
    });
  };

/** An RFC 8288 Link header for a paged answer: its first page and, while there is one, the next. */
export const pageLinks = (first: string, next: string | undefined): string =>
  [`<${first}>; rel="first"`, ...(next === undefined ? [] : [`<${next}>; rel="next"`])].join(', ');

export const methodNotAllowed = (allowed: string) => (req: Request, res: Response) =>
  sendProblem(
    res,
    {
      type: problemType('method-not-allowed'),
      title: 'Method not allowed',
      status: 405,
      detail: `${req.method} is not supported here; use ${allowed}.`,
      errors: [{ field: '(method)', reason: `${req.method} is not allowed here (only ${allowed})` }],
    },
    { Allow: allowed },
  );

export const negotiationIdOf = (req: Request): E.Either<Problem, string> =>
  pipe(
    NegotiationIdParam.decode(req.params['negotiationId']),
    E.mapLeft(() =>
      validationProblem([
        { field: 'negotiationId', reason: 'must be 1-128 characters of a-z, 0-9, ".", "_" or "-"' },
      ]),
    ),
  );

/** Where a reader keeps its serialised answers: the view's name, and which queries may be kept. */
export interface CacheAs<P> {
  readonly view: string;
  /** False for answers that depend on something besides the log and the query (the clock). */
  readonly when: (params: P) => boolean;
}

/**
 * Runs a read: validates the id and the query, loads the log, answers with the stream revision as ETag. With a
 * cache, an answer already built for the same view, query and revision is sent as it was built.
 */
export const snapshotReader =
  <R extends LeanEvent>(
    load: (negotiationId: string, knownAt?: string) => TE.TaskEither<TrackerError, LogSnapshot<R>>,
    cache?: {
      readonly answers: AnswerCache;
      readonly revisionOf: (negotiationId: string) => TE.TaskEither<unknown, number>;
    },
  ) =>
  <P extends object>(
    codec: QueryCodec<P>,
    knownAtOf: (params: P) => string | undefined,
    render: (snapshot: LogSnapshot<R>, params: P) => E.Either<Problem, object>,
    cacheAs?: CacheAs<P>,
  ) =>
  async (req: Request, res: Response): Promise<void> => {
    const id = negotiationIdOf(req);
    if (E.isLeft(id)) return sendProblem(res, id.left);
    const params = decodeQuery(codec, req.query);
    if (E.isLeft(params))
      return sendProblem(res, validationProblem(params.left, 'Invalid query parameters.'));
    const keyAt = (revision: number) =>
      cache !== undefined && cacheAs !== undefined && cacheAs.when(params.right)
        ? answerKey(cacheAs.view, id.right, revision, params.right)
        : undefined;
    // An answer kept for the stream's current revision is sent without loading the log at all.
    if (cache !== undefined) {
      const current = await cache.revisionOf(id.right)();
      const key = E.isRight(current) && current.right >= 0 ? keyAt(current.right) : undefined;
      const kept = key === undefined ? undefined : cache.answers.get(key);
      if (E.isRight(current) && kept !== undefined) return sendAnswer(req, res, current.right, () => kept);
    }
    const result = await load(id.right, knownAtOf(params.right))();
    if (E.isLeft(result)) return sendProblem(res, problemFromTrackerError(result.left));
    const { revision } = result.right;
    sendAnswer(req, res, revision, () => {
      const rendered = render(result.right, params.right);
      if (E.isLeft(rendered)) return rendered.left;
      const body = ownBuffer(
        JSON.stringify({ negotiationId: id.right, revision, ...params.right, ...rendered.right }),
      );
      const key = keyAt(revision);
      if (key !== undefined) cache?.answers.set(key, body);
      return body;
    });
  };

/**
 * The answer at a revision, with that revision as ETag: 304 to a client that already has it (the body is then
 * never built), else the body, or the problem building it ran into.
 */
const sendAnswer = (req: Request, res: Response, revision: number, body: () => Buffer | Problem): void => {
  const etag = etagOf(revision);
  res.set('ETag', etag).set('Cache-Control', 'no-cache');
  if (req.headers['if-none-match'] === etag) {
    res.status(304).end();
    return;
  }
  const built = body();
  if (Buffer.isBuffer(built)) sendJson(res, built);
  else sendProblem(res, built);
};

/**
 * The text in a buffer of its own. Buffer.from places small ones in a shared 8 KB pool slab, which a kept
 * answer would hold whole: the cache's byte budget would then understate what it keeps alive.
 */
const ownBuffer = (text: string): Buffer => {
  const body = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  body.write(text);
  return body;
};

const sendJson = (res: Response, body: Buffer): void => {
  res.set('Content-Type', 'application/json; charset=utf-8').send(body);
};
