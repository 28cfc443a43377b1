import { RequestHandler, Router } from 'express';
import * as E from 'fp-ts/Either';
import { Tracker } from '../application/tracker';
import { ViewQuery, momentParams } from '../projections';
import { AsOfParams, IssuesParams, StatusParams, TimelineParams, decodeQuery, etagOf } from './http-inputs';
import { problemFromTrackerError, sendProblem, validationProblem } from './problem';
import {
  JSON_ONLY,
  ViewRequest,
  methodNotAllowed,
  produces,
  resolveRead,
  runRead,
  viewReader,
} from './route-support';
import { ReadControls, readerContext, writerFor } from './read-controls';
import { streamJsonObject } from './streaming';

/** The timeline's query: the developments between two dates, as recorded by knownAt. */
export const timelineRequest = ({
  from,
  to,
  knownAt,
}: TimelineParams): ViewRequest<Extract<ViewQuery, { view: 'timeline' }>> =>
  E.right({
    moment: knownAt === undefined ? {} : { knownAt },
    view: { view: 'timeline', ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) },
  });

/** Every negotiation as of a moment; as known at a past instant, a read that waits its turn for admission. */
const listing =
  (tracker: Tracker, controls: ReadControls): RequestHandler =>
  async (req, res) => {
    const { reads } = controls;
    const params = decodeQuery(AsOfParams, req.query);
    const query = E.flatMap((p: AsOfParams) => reads.query('', momentParams(p), { view: 'summary' }))(params);
    if (E.isLeft(query)) return sendProblem(res, validationProblem(query.left, 'Invalid query parameters.'));
    const { moment } = query.right;
    const list = async () => {
      const listed = await reads.list(moment)();
      if (E.isLeft(listed)) return sendProblem(res, problemFromTrackerError(listed.left));
      res.json({ ...(E.isRight(params) ? params.right : {}), negotiations: listed.right });
    };
    if (moment.knownAt === undefined) return list();
    // As known at a past instant every negotiation's log is built as it then stood: a read that waits its turn.
    const streams = await tracker.listStreams()();
    if (E.isLeft(streams)) return sendProblem(res, problemFromTrackerError(streams.left));
    const cost = streams.right.reduce((sum, stream) => sum + controls.sliced.leanCost(stream.revision), 0);
    return runRead(controls.admission, res, cost, list);
  };

/** One negotiation's listing entry as of a moment, from its own log, with links to its views. */
const oneNegotiation =
  (controls: ReadControls): RequestHandler =>
  async (req, res) => {
    const { reads } = controls;
    const resolved = await resolveRead(reads, req, res, AsOfParams, (p) =>
      E.right({ moment: momentParams(p), view: { view: 'summary' as const } }),
    );
    if (resolved === undefined) return;
    const { params, query, revision } = resolved;
    return runRead(controls.admission, res, reads.cost(query, revision), async () => {
      const entry = await reads.summary(query, revision)();
      if (E.isLeft(entry)) return sendProblem(res, problemFromTrackerError(entry.left));
      const base = `/negotiations/${query.negotiationId}`;
      res.set('ETag', etagOf(entry.right.revision)).json({
        ...params,
        ...entry.right,
        links: Object.fromEntries(
          ['events', 'status', 'issues', 'phases', 'timeline', 'history'].map((view) => [
            view,
            `${base}/${view}`,
          ]),
        ),
      });
    });
  };

/** The developments between two dates, streamed (the timeline can be long). */
const timeline =
  (controls: ReadControls): RequestHandler =>
  async (req, res) => {
    const { reads } = controls;
    const resolved = await resolveRead(reads, req, res, TimelineParams, timelineRequest);
    if (resolved === undefined) return;
    const { params, query, revision } = resolved;
    if (query.moment.knownAt === undefined && req.headers['if-none-match'] === etagOf(revision)) {
      res.set('ETag', etagOf(revision)).status(304).end();
      return;
    }
    return runRead(controls.admission, res, reads.cost(query, revision), async () => {
      const answered = await reads.answer(query, revision)();
      if (E.isLeft(answered)) return sendProblem(res, problemFromTrackerError(answered.left));
      const { revision: answeredAt, body } = answered.right;
      res.status(200).set('ETag', etagOf(answeredAt)).set('Cache-Control', 'no-cache').type('json');
      await streamJsonObject(res, writerFor(controls, req, res), {
        head: { negotiationId: query.negotiationId, revision: answeredAt, ...params },
        key: 'timeline',
        items: body.timeline,
      });
    });
  };

/** What the log says: the listing, one negotiation, and its views as of a moment, all through the read path. */
export const viewRoutes = (tracker: Tracker, controls: ReadControls): Router => {
  const router = Router();
  const read = viewReader(controls.reads, readerContext(controls));
  router.get('/negotiations', produces(JSON_ONLY), listing(tracker, controls));
  router.all('/negotiations', methodNotAllowed('GET'));

  router.get('/negotiations/:negotiationId', produces(JSON_ONLY), oneNegotiation(controls));
  router.all('/negotiations/:negotiationId', methodNotAllowed('GET'));

  router.get(
    '/negotiations/:negotiationId/status',
    produces(JSON_ONLY),
    read(StatusParams, (p) =>
      E.right({ moment: momentParams(p), view: { view: 'status', deadlines: p.deadlines ?? 'live' } }),
    ),
  );
  router.get(
    '/negotiations/:negotiationId/issues',
    produces(JSON_ONLY),
    read(IssuesParams, (p) =>
      E.right({ moment: momentParams(p), view: { view: 'issues', state: p.state ?? 'open' } }),
    ),
  );
  router.get(
    '/negotiations/:negotiationId/phases',
    produces(JSON_ONLY),
    read(AsOfParams, (p) => E.right({ moment: momentParams(p), view: { view: 'phases' } })),
  );
  router.get('/negotiations/:negotiationId/timeline', produces(JSON_ONLY), timeline(controls));
  for (const view of ['status', 'issues', 'phases', 'timeline'])
    router.all(`/negotiations/:negotiationId/${view}`, methodNotAllowed('GET'));

  return router;
};
