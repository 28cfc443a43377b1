import { Request, Response, Router } from 'express';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as t from 'io-ts';
import { FieldViolation, NewEvent, decodeNewEvent, decodeNewEvents, endOfDateOrDateTime } from '../domain';
import { LogSnapshot, Tracker } from '../application/tracker';
import { issuesView, phasesView, stateAsOf, statusView, timelineView } from '../projections';
import { Clock } from '../store';
import type { Authenticate } from './app';
import {
  AsOfParams,
  EventsPageParams,
  IssuesParams,
  MAX_PAGE,
  NegotiationIdParam,
  TimelineParams,
  decodeQuery,
  etagOf,
  expectedRevisionFrom,
} from './http-inputs';
import { Problem, problemFromTrackerError, sendProblem, validationProblem } from './problem';

export const MAX_EVENTS_PER_APPEND = 1000;

const methodNotAllowed = (allowed: string) => (req: Request, res: Response) =>
  sendProblem(
    res,
    {
      type: '/problems/method-not-allowed',
      title: 'Method not allowed',
      status: 405,
      detail: `${req.method} is not supported here; use ${allowed}.`,
    },
    { Allow: allowed },
  );

const negotiationIdOf = (req: Request): E.Either<Problem, string> =>
  pipe(
    NegotiationIdParam.decode(req.params['negotiationId']),
    E.mapLeft(() =>
      validationProblem([
        { field: 'negotiationId', reason: 'must be 1-128 characters of a-z, 0-9, ".", "_" or "-"' },
      ]),
    ),
  );

/** Reads the body: one event, or `{"events": [...]}` for an atomic batch. */
const eventsFromBody = (body: unknown, negotiationId: string): E.Either<FieldViolation[], NewEvent[]> => {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return E.left([{ field: '(body)', reason: 'must be an event object or {"events": [...]}' }]);
  const isBatch = Object.prototype.hasOwnProperty.call(body, 'events');
  let decoded: E.Either<FieldViolation[], NewEvent[]>;
  if (isBatch) {
    const { events, ...rest } = body as { events: unknown };
    const extra = Object.keys(rest).map((field) => ({
      field,
      reason: 'is not a field of a batch (only "events")',
    }));
    if (extra.length > 0) return E.left(extra);
    if (!Array.isArray(events)) return E.left([{ field: 'events', reason: 'must be an array of events' }]);
    if (events.length === 0) return E.left([{ field: 'events', reason: 'must not be empty' }]);
    if (events.length > MAX_EVENTS_PER_APPEND)
      return E.left([
        { field: 'events', reason: `must have at most ${MAX_EVENTS_PER_APPEND} events per request` },
      ]);
    decoded = decodeNewEvents(events);
  } else {
    decoded = E.map((event: NewEvent) => [event])(decodeNewEvent(body));
  }
  return E.flatMap((events: NewEvent[]) => {
    const mismatched = events.flatMap((event, index) =>
      event.negotiationId !== undefined && event.negotiationId !== negotiationId
        ? [
            {
              field: isBatch ? `events.${index}.negotiationId` : 'negotiationId',
              reason: `must match the URL ("${negotiationId}")`,
            },
          ]
        : [],
    );
    return mismatched.length > 0
      ? E.left(mismatched)
      : E.right(events.map((event) => ({ ...event, negotiationId })));
  })(decoded);
};

export const negotiationRoutes = (tracker: Tracker, authenticate: Authenticate, clock: Clock): Router => {
  const router = Router();

  /** Runs a read: validates the id and the query, loads the log, answers with the stream revision as ETag. */
  const read =
    <P>(
      codec: t.Decoder<unknown, P>,
      knownAtOf: (params: P) => string | undefined,
      render: (snapshot: LogSnapshot, params: P) => unknown,
    ) =>
    async (req: Request, res: Response): Promise<void> => {
      const id = negotiationIdOf(req);
      if (E.isLeft(id)) return sendProblem(res, id.left);
      const params = decodeQuery(codec, req.query);
      if (E.isLeft(params))
        return sendProblem(res, validationProblem(params.left, 'Invalid query parameters.'));
      const result = await tracker.snapshot(id.right, knownAtOf(params.right))();
      if (E.isLeft(result)) return sendProblem(res, problemFromTrackerError(result.left));
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
        ...(render(result.right, params.right) as object),
      });
    };

  const asOfResult = (
    snapshot: LogSnapshot,
    params: { asOf?: string; knownAt?: string; include?: 'possible' | 'certain' },
  ) => stateAsOf(snapshot.log, params);

  router.get('/negotiations', async (_req, res) => {
    const streams = await tracker.listNegotiations()();
    if (E.isLeft(streams)) return sendProblem(res, problemFromTrackerError(streams.left));
    const negotiations = await Promise.all(
      streams.right.map(async (stream) => {
        const snapshot = await tracker.snapshot(stream.negotiationId)();
        const state = E.isRight(snapshot) ? stateAsOf(snapshot.right.log, {}).state : undefined;
        return {
          negotiationId: stream.negotiationId,
          title: state?.title ?? stream.negotiationId,
          revision: stream.revision,
          eventCount: stream.eventCount,
          lastRecordedAt: stream.lastRecordedAt,
          stage: state?.stage,
          activity: state?.activity,
          lastDevelopment: state?.lastDevelopment,
        };
      }),
    );
    res.json({ negotiations });
  });
  router.all('/negotiations', methodNotAllowed('GET'));

  router.post('/negotiations/:negotiationId/events', async (req, res) => {
    const id = negotiationIdOf(req);
    if (E.isLeft(id)) return sendProblem(res, id.left);
    if (!req.is(['application/json', 'application/*+json']))
      return sendProblem(res, {
        type: '/problems/unsupported-media-type',
        title: 'Unsupported media type',
        status: 415,
        detail: 'Send events as application/json.',
        errors: [{ field: 'Content-Type', reason: 'must be application/json' }],
      });
    const principal = authenticate(req);
    if (E.isLeft(principal)) return sendProblem(res, principal.left);
    const expected = expectedRevisionFrom(req.get('if-match'), req.get('if-none-match'));
    if (E.isLeft(expected))
      return sendProblem(res, validationProblem(expected.left, 'Invalid conditional header.'));
    const events = eventsFromBody(req.body, id.right);
    if (E.isLeft(events)) return sendProblem(res, validationProblem(events.left));
    const result = await tracker.append({
      negotiationId: id.right,
      events: events.right,
      expectedRevision: expected.right,
      recordedBy: principal.right.id,
    })();
    if (E.isLeft(result)) {
      const problem = problemFromTrackerError(result.left);
      const headers: Record<string, string> =
        result.left._tag === 'RevisionConflict' && result.left.actual >= 0
          ? { ETag: etagOf(result.left.actual) }
          : {};
      return sendProblem(res, problem, headers);
    }
    const appended = result.right;
    const first = appended.events[0]?.revision ?? 0;
    res
      .status(appended.replayed ? 200 : 201)
      .set('ETag', etagOf(appended.revision))
      .set(
        'Location',
        `/negotiations/${id.right}/events?fromRevision=${first}&limit=${appended.events.length}`,
      )
      .json(appended);
  });

  router.get('/negotiations/:negotiationId/events', async (req, res) => {
    const id = negotiationIdOf(req);
    if (E.isLeft(id)) return sendProblem(res, id.left);
    const params = decodeQuery(EventsPageParams, req.query);
    if (E.isLeft(params))
      return sendProblem(res, validationProblem(params.left, 'Invalid query parameters.'));
    const fromRevision = params.right.fromRevision ?? 0;
    const limit = params.right.limit ?? 100;
    const page = await tracker.readEvents(id.right, fromRevision, limit)();
    if (E.isLeft(page)) return sendProblem(res, problemFromTrackerError(page.left));
    const last = page.right.events[page.right.events.length - 1];
    const next = last !== undefined && last.revision < page.right.revision ? last.revision + 1 : undefined;
    res.set('ETag', etagOf(page.right.revision)).json({
      negotiationId: id.right,
      revision: page.right.revision,
      events: page.right.events,
      ...(next === undefined
        ? {}
        : { next: `/negotiations/${id.right}/events?fromRevision=${next}&limit=${limit}` }),
      maxLimit: MAX_PAGE,
    });
  });
  router.all('/negotiations/:negotiationId/events', methodNotAllowed('GET, POST'));

  router.get(
    '/negotiations/:negotiationId/status',
    read(
      AsOfParams,
      (p) => p.knownAt,
      (snapshot, params) => {
        const asOfMs = params.asOf === undefined ? clock().getTime() : endOfDateOrDateTime(params.asOf);
        return { status: statusView(asOfResult(snapshot, params), asOfMs) };
      },
    ),
  );
  router.get(
    '/negotiations/:negotiationId/issues',
    read(
      IssuesParams,
      (p) => p.knownAt,
      (snapshot, params) => issuesView(asOfResult(snapshot, params), (params.state ?? 'open') === 'open'),
    ),
  );
  router.get(
    '/negotiations/:negotiationId/phases',
    read(
      AsOfParams,
      (p) => p.knownAt,
      (snapshot, params) => phasesView(asOfResult(snapshot, params)),
    ),
  );
  router.get(
    '/negotiations/:negotiationId/timeline',
    read(
      TimelineParams,
      (p) => p.knownAt,
      (snapshot, params) => ({ timeline: timelineView(snapshot.log, params) }),
    ),
  );
  for (const view of ['status', 'issues', 'phases', 'timeline'])
    router.all(`/negotiations/:negotiationId/${view}`, methodNotAllowed('GET'));

  return router;
};
