import { Router } from 'express';
import * as E from 'fp-ts/Either';
import { FieldViolation, NewEvent, Uuid, StoredEvent, decodeNewEvent, decodeNewEvents } from '../domain';
import { Tracker } from '../application/tracker';
import { principalOf } from './access';
import {
  AppendParams,
  EventsPageParams,
  MAX_PAGE,
  decodeQuery,
  etagOf,
  expectedRevisionFrom,
} from './http-inputs';
import { notFoundProblem, problemFromTrackerError, sendProblem, validationProblem } from './problem';
import { JSON_ONLY, methodNotAllowed, negotiationIdOf, pageLinks, produces } from './route-support';
import { problemType } from './problem-types';
import { admitted } from './admission';
import { ReadControls, writerFor } from './read-controls';
import { streamJsonObject } from './streaming';
import { nextTurn } from '../application/slices';

/** Events read per page of an events answer (each page is a few milliseconds of work). */
const EVENTS_SLICE = 100;

export const MAX_EVENTS_PER_APPEND = 1000;

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

/** Appending reported developments, and reading the stored events back (a page, or one by its id). */
export const eventRoutes = (
  tracker: Tracker,
  controls: ReadControls,
  /** Told when a write failed in the store (readiness then probes it again). */
  onStoreFailure: () => void = () => undefined,
): Router => {
  const router = Router();
  const { reads } = controls;
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
    const negotiationId = id.right;
    const find = async () => {
      const found = await tracker.findEvent(negotiationId, eventId)();
      if (E.isLeft(found)) return sendProblem(res, problemFromTrackerError(found.left));
      const { revision, event } = found.right;
      if (event === undefined)
        return sendProblem(
          res,
          notFoundProblem(`No event ${eventId} in negotiation "${negotiationId}".`, 'eventId'),
        );
      res.set('ETag', etagOf(revision)).json(event);
    };
    if (tracker.indexesEventIds) return find();
    // Without an index the stream is read through: a read that waits its turn like the other long ones.
    const revision = await reads.revision(negotiationId)();
    if (E.isLeft(revision)) return sendProblem(res, problemFromTrackerError(revision.left));
    return admitted(controls.admission, res, controls.sliced.leanCost(revision.right), find);
  });
  router.all('/negotiations/:negotiationId/events/:eventId', methodNotAllowed('GET'));
  return router;
};
