import { Request, Response } from 'express';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as t from 'io-ts';
import * as TE from 'fp-ts/TaskEither';
import { LogSnapshot, TrackerError } from '../application/tracker';
import { LeanEvent } from '../domain';
import { NegotiationIdParam, decodeQuery, etagOf } from './http-inputs';
import { Problem, problemFromTrackerError, sendProblem, validationProblem } from './problem';

/** Pieces every negotiation route shares: id and query decoding, conditional GETs, 405 answers. */

export const methodNotAllowed = (allowed: string) => (req: Request, res: Response) =>
  sendProblem(
    res,
    {
      type: '/problems/method-not-allowed',
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

/** Runs a read: validates the id and the query, loads the log, answers with the stream revision as ETag. */
export const snapshotReader =
  <R extends LeanEvent>(
    load: (negotiationId: string, knownAt?: string) => TE.TaskEither<TrackerError, LogSnapshot<R>>,
  ) =>
  <P>(
    codec: t.Decoder<unknown, P>,
    knownAtOf: (params: P) => string | undefined,
    render: (snapshot: LogSnapshot<R>, params: P) => E.Either<Problem, object>,
  ) =>
  async (req: Request, res: Response): Promise<void> => {
    const id = negotiationIdOf(req);
    if (E.isLeft(id)) return sendProblem(res, id.left);
    const params = decodeQuery(codec, req.query);
    if (E.isLeft(params))
      return sendProblem(res, validationProblem(params.left, 'Invalid query parameters.'));
    const result = await load(id.right, knownAtOf(params.right))();
    if (E.isLeft(result)) return sendProblem(res, problemFromTrackerError(result.left));
    const rendered = render(result.right, params.right);
    if (E.isLeft(rendered)) return sendProblem(res, rendered.left);
    const etag = etagOf(result.right.revision);
    res.set('ETag', etag).set('Cache-Control', 'no-cache');
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    res.json({
      negotiationId: id.right,
      revision: result.right.revision,
      ...params.right,
      ...rendered.right,
    });
  };
