import { Request, RequestHandler, Response } from 'express';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as TE from 'fp-ts/TaskEither';
import { LogSnapshot, TrackerError } from '../application/tracker';
import { LeanEvent } from '../domain';
import { StoreFailure } from '../store';
import { Admission, admitted } from './admission';
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

/** Where a reader's log comes from, and what loading it costs. */
export interface SnapshotSource<R extends LeanEvent> {
  /** The log the view folds, for the stream revision just read. */
  readonly load: (
    negotiationId: string,
    revision: number,
    knownAt: string | undefined,
  ) => TE.TaskEither<TrackerError, LogSnapshot<R>>;
  /** Events the load holds when it folds a whole log, which then waits for a turn; undefined when cheap. */
  readonly cost: (negotiationId: string, revision: number, knownAt: string | undefined) => number | undefined;
}

export interface ReaderContext {
  readonly revisionOf: (negotiationId: string) => TE.TaskEither<StoreFailure, number>;
  readonly admission: Admission;
  readonly answers?: AnswerCache;
}

/**
 * Runs a read: validates the id and the query, reads the stream's revision, answers with it as ETag. An answer
 * kept for that revision (with a cache), or a 304, is sent without loading the log at all; a load that folds a
 * whole log waits for its turn (admission control).
 */
export const snapshotReader =
  <R extends LeanEvent>(source: SnapshotSource<R>, context: ReaderContext) =>
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
    const { answers } = context;
    const keyAt = (revision: number) =>
      answers !== undefined && cacheAs !== undefined && cacheAs.when(params.right)
        ? answerKey(cacheAs.view, id.right, revision, params.right)
        : undefined;
    const current = await context.revisionOf(id.right)();
    if (E.isLeft(current)) return sendProblem(res, problemFromTrackerError(current.left));
    if (current.right < 0)
      return sendProblem(
        res,
        problemFromTrackerError({ _tag: 'NegotiationNotFound', negotiationId: id.right }),
      );
    const revision = current.right;
    const key = keyAt(revision);
    const kept = key === undefined ? undefined : answers?.get(key);
    if (kept !== undefined || req.headers['if-none-match'] === etagOf(revision))
      return sendAnswer(req, res, revision, () => kept ?? notModifiedOnly);
    const knownAt = knownAtOf(params.right);
    const answer = async () => {
      const result = await source.load(id.right, revision, knownAt)();
      if (E.isLeft(result)) return sendProblem(res, problemFromTrackerError(result.left));
      const loaded = result.right;
      sendAnswer(req, res, loaded.revision, () => {
        const rendered = render(loaded, params.right);
        if (E.isLeft(rendered)) return rendered.left;
        const body = ownBuffer(
          JSON.stringify({
            negotiationId: id.right,
            revision: loaded.revision,
            ...params.right,
            ...rendered.right,
          }),
        );
        const keep = keyAt(loaded.revision);
        if (keep !== undefined) answers?.set(keep, body);
        return body;
      });
    };
    const cost = source.cost(id.right, revision, knownAt);
    return cost === undefined ? answer() : admitted(context.admission, res, cost, answer);
  };

/** Never sent: sendAnswer answers 304 before it asks for a body. */
const notModifiedOnly = Buffer.alloc(0);

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
