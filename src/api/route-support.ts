import { Request, RequestHandler, Response } from 'express';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { ReadPath, ReadQuery, answerKey } from '../application/read-path';
import { FieldViolation } from '../domain';
import { MomentParams, ViewQuery } from '../projections';
import { Admission, admitted } from './admission';
import { AnswerCache } from './answer-cache';
import { NegotiationIdParam, QueryCodec, decodeQuery, etagOf } from './http-inputs';
import { Problem, problemFromTrackerError, sendProblem, validationProblem } from './problem';
import { problemType } from './problem-types';

/** Pieces every negotiation route shares: id and query decoding, conditional GETs, 405 and 406 answers. */

export const JSON_ONLY = ['application/json'] as const;

/** The URL as asked: a mounted handler (express.static under /static) sees `req.url` without its mount. */
export const requestedUrl = (req: { url?: string; originalUrl?: string }): string =>
  req.originalUrl ?? req.url ?? '';

/** The page's files (scripts, styles, libraries): dozens a page view, logged at debug, labelled by folder. */
export const PAGE_FILES = /^\/(static|vendor|docs\/assets)\//;

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

export interface ReaderContext {
  readonly admission: Admission;
  readonly answers?: AnswerCache;
}

/** What a route asks the read path for: the moment's parameters and the view, or what is wrong with the query. */
export type ViewRequest<Q extends ViewQuery> = E.Either<
  FieldViolation[],
  { readonly moment: MomentParams; readonly view: Q }
>;

/** A read request decoded and resolved: its parameters, its read-path query, the stream's revision. */
export interface ResolvedRead<P, Q extends ViewQuery> {
  readonly params: P;
  readonly query: ReadQuery<Q>;
  readonly revision: number;
}

/**
 * The start every read of a negotiation shares: the id, the query parameters and the moment decoded (400 naming
 * the field), the stream's revision read (404 for no negotiation). Sends the problem and resolves undefined when
 * the request cannot be answered.
 */
export const resolveRead = async <P extends object, Q extends ViewQuery>(
  reads: ReadPath,
  req: Request,
  res: Response,
  codec: QueryCodec<P>,
  request: (params: P) => ViewRequest<Q>,
): Promise<ResolvedRead<P, Q> | undefined> => {
  const id = negotiationIdOf(req);
  if (E.isLeft(id)) return void sendProblem(res, id.left);
  const decoded = pipe(
    decodeQuery(codec, req.query),
    E.flatMap((params) =>
      pipe(
        request(params),
        E.flatMap(({ moment, view }) => reads.query(id.right, moment, view)),
        E.map((query) => ({ params, query })),
      ),
    ),
  );
  if (E.isLeft(decoded))
    return void sendProblem(res, validationProblem(decoded.left, 'Invalid query parameters.'));
  const revision = await reads.revision(id.right)();
  if (E.isLeft(revision)) return void sendProblem(res, problemFromTrackerError(revision.left));
  return { ...decoded.right, revision: revision.right };
};

/** Runs a read at once when it is cheap (no cost), else when admission control gives it a turn. */
export const runRead = (
  admission: Admission,
  res: Response,
  cost: number | undefined,
  work: () => Promise<void>,
): Promise<void> => (cost === undefined ? work() : admitted(admission, res, cost, work));

/**
 * Runs a read through the read path and answers with the revision the answer was built from as ETag. An answer
 * kept for that revision, or a 304, is sent without loading the log at all; a read that builds a whole log waits
 * for its turn (admission control).
 */
export const viewReader =
  (reads: ReadPath, context: ReaderContext) =>
  <P extends object, Q extends ViewQuery>(codec: QueryCodec<P>, request: (params: P) => ViewRequest<Q>) =>
  async (req: Request, res: Response): Promise<void> => {
    const resolved = await resolveRead(reads, req, res, codec, request);
    if (resolved === undefined) return;
    const { params, query, revision } = resolved;
    const { answers } = context;
    const key = answers === undefined ? undefined : answerKey(query, revision);
    const kept = key === undefined ? undefined : answers?.get(key);
    if (kept !== undefined) return sendAnswer(req, res, kept.revision, () => kept.body);
    if (query.moment.knownAt === undefined && req.headers['if-none-match'] === etagOf(revision))
      return sendAnswer(req, res, revision, () => notModifiedOnly);
    return runRead(context.admission, res, reads.cost(query, revision), async () => {
      const result = await reads.answer(query, revision)();
      if (E.isLeft(result)) return sendProblem(res, problemFromTrackerError(result.left));
      const { revision: answeredAt, body } = result.right;
      sendAnswer(req, res, answeredAt, () => {
        const built = ownBuffer(
          JSON.stringify({ negotiationId: query.negotiationId, revision: answeredAt, ...params, ...body }),
        );
        if (key !== undefined) answers?.set(key, { revision: answeredAt, body: built });
        return built;
      });
    });
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
