import { Router } from 'express';
import * as E from 'fp-ts/Either';
import {
  FieldViolation,
  NewEvent,
  Uuid,
  StoredEvent,
  decodeNewEvent,
  decodeNewEvents,
  endOfDateOrDateTime,
} from '../domain';
import { ListedNegotiation, LogSnapshot, Tracker } from '../application/tracker';
import { issuesView, phasesView, stateAsOf, statusView, timelineView } from '../projections';
import { Clock } from '../store';
import { principalOf } from './access';
import {
  AppendParams,
  AsOfParams,
  EventsPageParams,
  IssuesParams,
  StatusParams,
  MAX_PAGE,
  TimelineParams,
  decodeQuery,
  etagOf,
  expectedRevisionFrom,
} from './http-inputs';
import { notFoundProblem, problemFromTrackerError, sendProblem, validationProblem } from './problem';
import {
  JSON_ONLY,
  methodNotAllowed,
  negotiationIdOf,
  pageLinks,
  produces,
  snapshotReader,
} from './route-support';
import { problemType } from './problem-types';
import { admitted } from './admission';
import { ReadControls, asOfSource, readerContext, writerFor } from './read-controls';
import { streamJsonObject } from './streaming';
import { nextTurn } from '../application/slices';

/** Events read per page of an events answer (each page is a few milliseconds of work). */
const EVENTS_SLICE = 100;

export const MAX_EVENTS_PER_APPEND = 1000;
/** Pages of the event log read while looking for one event by id. */
const EVENT_SEARCH_PAGE = 1000;

const listEntry = ({ stream, state }: ListedNegotiation) => ({
  negotiationId: stream.negotiationId,
  title: state?.talks.title ?? stream.negotiationId,
  revision: stream.revision,
  eventCount: stream.eventCount,
  lastRecordedAt: stream.lastRecordedAt,
  stage: state?.stage,
  activity: state?.talks.activity,
  lastDevelopment: state?.lastDevelopment,
});

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

/**
 * Strict mode refuses a development that names what no development defines by its date (422, naming the field);
 * asked for with `?strict=true` or RFC 7240's `Prefer: handling=strict`.
 */
const strictnessOf = (query: unknown, prefer: string | undefined): E.Either<FieldViolation[], boolean> =>
  E.map(({ strict }: AppendParams) => {
    const preferred = (prefer ?? '').split(',').some((p) => p.trim().toLowerCase() === 'handling=strict');
    return strict === 'true' || (strict === undefined && preferred);
  })(decodeQuery(AppendParams, query));

export const negotiationRoutes = (
  tracker: Tracker,
  clock: Clock,
  controls: ReadControls,
  /** Told when a write failed in the store (readiness then probes it again). */
  onStoreFailure: () => void = () => undefined,
): Router => {
  const router = Router();
  const read = snapshotReader(asOfSource(tracker, controls), readerContext(tracker, controls));

  // Without asOf an answer is "now" by the server's clock: a development dated later is not yet the state.
  const asOfOf = (params: { asOf?: string }): string => params.asOf ?? clock().toISOString();
  const asOfResult = (
    snapshot: LogSnapshot,
    params: { asOf?: string; knownAt?: string; include?: 'possible' | 'certain' },
  ) => stateAsOf(snapshot.log, { ...params, asOf: asOfOf(params) });
  const asOfMsOf = (params: { asOf?: string }): number => endOfDateOrDateTime(asOfOf(params));

  router.get('/negotiations', produces(JSON_ONLY), async (_req, res) => {
    const listed = await tracker.listNegotiations()();
    if (E.isLeft(listed)) return sendProblem(res, problemFromTrackerError(listed.left));
    res.json({ negotiations: listed.right.map(listEntry) });
  });
  router.all('/negotiations', methodNotAllowed('GET'));

  router.get('/negotiations/:negotiationId', produces(JSON_ONLY), async (req, res) => {
    const id = negotiationIdOf(req);
    if (E.isLeft(id)) return sendProblem(res, id.left);
    const listed = await tracker.listNegotiations()();
    if (E.isLeft(listed)) return sendProblem(res, problemFromTrackerError(listed.left));
    const found = listed.right.find(({ stream }) => stream.negotiationId === id.right);
    if (found === undefined)
      return sendProblem(
        res,
        problemFromTrackerError({ _tag: 'NegotiationNotFound', negotiationId: id.right }),
      );
    const base = `/negotiations/${id.right}`;
    res.set('ETag', etagOf(found.stream.revision)).json({
      ...listEntry(found),
      links: Object.fromEntries(
        ['events', 'status', 'issues', 'phases', 'timeline', 'history'].map((view) => [
          view,
          `${base}/${view}`,
        ]),
      ),
    });
  });
  router.all('/negotiations/:negotiationId', methodNotAllowed('GET'));

  router.post('/negotiations/:negotiationId/events', produces(JSON_ONLY), async (req, res) => {
    const id = negotiationIdOf(req);
    if (E.isLeft(id)) return sendProblem(res, id.left);
    if (!req.is(['application/json', 'application/*+json']))
      return sendProblem(res, {
        type: problemType('unsupported-media-type'),
        title: 'Unsupported media type',
        status: 415,
        detail: 'Send events as application/json.',
        errors: [{ field: 'Content-Type', reason: 'must be application/json' }],
      });
    const expected = expectedRevisionFrom(req.get('if-match'), req.get('if-none-match'));
    if (E.isLeft(expected))
      return sendProblem(res, validationProblem(expected.left, 'Invalid conditional header.'));
    const events = eventsFromBody(req.body, id.right);
    if (E.isLeft(events)) return sendProblem(res, validationProblem(events.left));
    const strict = strictnessOf(req.query, req.get('prefer'));
    if (E.isLeft(strict))
      return sendProblem(res, validationProblem(strict.left, 'Invalid query parameters.'));
    const result = await tracker.append({
      negotiationId: id.right,
      events: events.right,
      expectedRevision: expected.right,
      recordedBy: principalOf(res).id,
      strict: strict.right,
    })();
    if (E.isLeft(result)) {
      if (result.left._tag === 'StoreFailure') onStoreFailure();
      const problem = problemFromTrackerError(
        result.left,
        req.get('if-none-match') === undefined ? 'If-Match' : 'If-None-Match',
      );
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

  router.get('/negotiations/:negotiationId/events', produces(JSON_ONLY), async (req, res) => {
    const id = negotiationIdOf(req);
    if (E.isLeft(id)) return sendProblem(res, id.left);
    const params = decodeQuery(EventsPageParams, req.query);
    if (E.isLeft(params))
      return sendProblem(res, validationProblem(params.left, 'Invalid query parameters.'));
    const fromRevision = params.right.fromRevision ?? 0;
    const limit = params.right.limit ?? 100;
    // Read in small pages, between which other requests are served, and written as the client takes them.
    const first = await tracker.readEvents(id.right, fromRevision, Math.min(limit, EVENTS_SLICE))();
    if (E.isLeft(first)) return sendProblem(res, problemFromTrackerError(first.left));
    const { revision, events: firstPage } = first.right;
    const negotiationId = id.right;
    const writer = writerFor(controls, req, res);
    // Revisions are contiguous, so the next page is known before this one is written.
    const lastOfPage = Math.min(revision, fromRevision + limit - 1);
    const pageAt = (from: number) =>
      `/negotiations/${negotiationId}/events?fromRevision=${from}&limit=${limit}`;
    res
      .status(200)
      .set('ETag', etagOf(revision))
      .set('Link', pageLinks(pageAt(0), lastOfPage < revision ? pageAt(lastOfPage + 1) : undefined))
      .type('json');
    let last: number | undefined;
    let failed = false;
    async function* events(): AsyncGenerator<unknown> {
      let page: readonly StoredEvent[] = firstPage;
      let read = 0;
      for (;;) {
        for (const event of page) {
          if (event.revision > revision || read >= limit) return;
          last = event.revision;
          read += 1;
          yield event;
        }
        if (page.length < EVENTS_SLICE || read >= limit || last === undefined) return;
        await nextTurn();
        const next = await tracker.readEvents(
          negotiationId,
          last + 1,
          Math.min(limit - read, EVENTS_SLICE),
        )();
        if (E.isLeft(next)) {
          failed = true;
          return;
        }
        page = next.right.events;
      }
    }
    await streamJsonObject(res, writer, {
      head: { negotiationId: id.right, revision },
      key: 'events',
      items: events(),
      tail: () => {
        const next = last !== undefined && last < revision ? last + 1 : undefined;
        return {
          ...(next === undefined
            ? {}
            : { next: `/negotiations/${id.right}/events?fromRevision=${next}&limit=${limit}` }),
          maxLimit: MAX_PAGE,
        };
      },
    });
    // A store failure after the answer began cannot become a problem document: the answer is cut short.
    if (failed) res.destroy();
  });
  router.all('/negotiations/:negotiationId/events', methodNotAllowed('GET, POST'));

  router.get('/negotiations/:negotiationId/events/:eventId', produces(JSON_ONLY), async (req, res) => {
    const id = negotiationIdOf(req);
    if (E.isLeft(id)) return sendProblem(res, id.left);
    const eventId = req.params['eventId'];
    if (!Uuid.is(eventId))
      return sendProblem(
        res,
        validationProblem([{ field: 'eventId', reason: 'must be a lower-case RFC 9562 UUID' }]),
      );
    // The store keeps no index by event id for reads: the stream is read a page at a time until it turns up.
    for (let fromRevision = 0; ; fromRevision += EVENT_SEARCH_PAGE) {
      const page = await tracker.readEvents(id.right, fromRevision, EVENT_SEARCH_PAGE)();
      if (E.isLeft(page)) return sendProblem(res, problemFromTrackerError(page.left));
      const found = page.right.events.find((event) => event.id === eventId);
      if (found !== undefined) return void res.set('ETag', etagOf(page.right.revision)).json(found);
      if (page.right.events.length < EVENT_SEARCH_PAGE)
        return sendProblem(
          res,
          notFoundProblem(`No event ${eventId} in negotiation "${id.right}".`, 'eventId'),
        );
    }
  });
  router.all('/negotiations/:negotiationId/events/:eventId', methodNotAllowed('GET'));

  router.get(
    '/negotiations/:negotiationId/status',
    produces(JSON_ONLY),
    read(
      StatusParams,
      (p) => p.knownAt,
      (snapshot, params) =>
        E.right({
          status: statusView(asOfResult(snapshot, params), {
            asOfMs: asOfMsOf(params),
            deadlineHistory: params.deadlines === 'all',
          }),
        }),
      // Without asOf the answer is "now" (it depends on the clock): built every time.
      { view: 'status', when: (params) => params.asOf !== undefined },
    ),
  );
  router.get(
    '/negotiations/:negotiationId/issues',
    produces(JSON_ONLY),
    read(
      IssuesParams,
      (p) => p.knownAt,
      (snapshot, params) =>
        E.right(issuesView(asOfResult(snapshot, params), (params.state ?? 'open') === 'open')),
      { view: 'issues', when: (params) => params.asOf !== undefined },
    ),
  );
  router.get(
    '/negotiations/:negotiationId/phases',
    produces(JSON_ONLY),
    read(
      AsOfParams,
      (p) => p.knownAt,
      (snapshot, params) => E.right(phasesView(asOfResult(snapshot, params), asOfMsOf(params))),
      { view: 'phases', when: (params) => params.asOf !== undefined },
    ),
  );
  router.get('/negotiations/:negotiationId/timeline', produces(JSON_ONLY), async (req, res) => {
    const id = negotiationIdOf(req);
    if (E.isLeft(id)) return sendProblem(res, id.left);
    const params = decodeQuery(TimelineParams, req.query);
    if (E.isLeft(params))
      return sendProblem(res, validationProblem(params.left, 'Invalid query parameters.'));
    const current = await tracker.streamRevision(id.right)();
    if (E.isLeft(current)) return sendProblem(res, problemFromTrackerError(current.left));
    const revision = current.right;
    if (revision >= 0 && req.headers['if-none-match'] === etagOf(revision)) {
      res.set('ETag', etagOf(revision)).status(304).end();
      return;
    }
    const { knownAt } = params.right;
    const { sliced } = controls;
    const answer = async () => {
      const snapshot = await sliced.fullSnapshot(id.right, revision, knownAt)();
      if (E.isLeft(snapshot)) return sendProblem(res, problemFromTrackerError(snapshot.left));
      res.status(200).set('ETag', etagOf(revision)).set('Cache-Control', 'no-cache').type('json');
      await streamJsonObject(res, writerFor(controls, req, res), {
        head: { negotiationId: id.right, revision, ...params.right },
        key: 'timeline',
        items: timelineView(snapshot.right.log, params.right),
      });
    };
    if (revision < 0 || sliced.isBuilding('full', id.right, revision, knownAt)) return answer();
    return admitted(controls.admission, res, sliced.fullCost(revision), answer);
  });
  for (const view of ['status', 'issues', 'phases', 'timeline'])
    router.all(`/negotiations/:negotiationId/${view}`, methodNotAllowed('GET'));

  return router;
};
