import { Request, Response, Router } from 'express';
import * as E from 'fp-ts/Either';
import { AnswerOf, ViewQuery, momentParams } from '../projections';
import { toCsv } from './csv';
import { IssuesParams, QueryCodec, TimelineParams, etagOf } from './http-inputs';
import { problemFromTrackerError, sendProblem } from './problem';
import { ReadControls } from './read-controls';
import { ViewRequest, methodNotAllowed, resolveRead, runRead } from './route-support';
import { timelineRequest } from './view-routes';

const sendCsv = (res: Response, fileName: string, revision: number, text: string) => {
  res
    .set('ETag', etagOf(revision))
    .set('Content-Disposition', `attachment; filename="${fileName}"`)
    .type('text/csv; charset=utf-8')
    // A byte order mark, so spreadsheets read the file as UTF-8.
    .send(`\ufeff${text}`);
};

const describeSources = (sources: ReadonlyArray<{ outlet: string; title: string; publishedAt: string }>) =>
  sources.map((source) => `${source.outlet}: ${source.title} (${source.publishedAt})`).join('; ');

/** Builds the answer through the read path, within admission like the JSON views, and sends it as CSV. */
const csvRoute =
  <P extends object, Q extends ViewQuery>(
    controls: ReadControls,
    codec: QueryCodec<P>,
    request: (params: P) => ViewRequest<Q>,
    file: string,
    toCsvText: (answer: AnswerOf<Q>) => string,
  ) =>
  async (req: Request, res: Response) => {
    const resolved = await resolveRead(controls.reads, req, res, codec, request);
    if (resolved === undefined) return;
    const { query, revision } = resolved;
    return runRead(controls.admission, res, controls.reads.cost(query, revision), async () => {
      const answered = await controls.reads.answer(query, revision)();
      if (E.isLeft(answered)) return sendProblem(res, problemFromTrackerError(answered.left));
      sendCsv(res, `${query.negotiationId}-${file}`, answered.right.revision, toCsvText(answered.right.body));
    });
  };

const TIMELINE_HEADER = [
  'occurredAt',
  'precision',
  'type',
  'summary',
  'confidence',
  'reportedAt',
  'recordedAt',
  'sources',
  'eventId',
];
const ISSUES_HEADER = [
  'issueId',
  'title',
  'state',
  'stateSince',
  'raisedBy',
  'blocksPhases',
  'positions',
  'description',
];

/** CSV downloads of the timeline and of the issues, with the same parameters as their JSON views. */
export const exportRoutes = (controls: ReadControls): Router => {
  const router = Router();
  router.get(
    '/negotiations/:negotiationId/timeline.csv',
    csvRoute(controls, TimelineParams, timelineRequest, 'timeline.csv', ({ timeline }) =>
      toCsv(
        TIMELINE_HEADER,
        timeline.map((entry) => [
          entry.occurredAt,
          entry.precision,
          entry.type,
          entry.summary,
          entry.confidence,
          entry.reportedAt,
          entry.recordedAt,
          describeSources(entry.sources),
          entry.eventId,
        ]),
      ),
    ),
  );
  router.get(
    '/negotiations/:negotiationId/issues.csv',
    csvRoute(
      controls,
      IssuesParams,
      (params) =>
        E.right({
          moment: momentParams(params),
          // A download lists every issue unless asked for the open ones.
          view: { view: 'issues', state: params.state ?? 'all' },
        }),
      'issues.csv',
      ({ issues }) =>
        toCsv(
          ISSUES_HEADER,
          issues.map((issue) => [
            issue.issueId,
            issue.title,
            issue.state,
            issue.stateSince?.occurredAt,
            issue.raisedBy,
            issue.blocksPhases.join('; '),
            issue.positionList.map((entry) => `${entry.party}: ${entry.position}`).join(' | '),
            issue.description,
          ]),
        ),
    ),
  );
  for (const view of ['timeline.csv', 'issues.csv'])
    router.all(`/negotiations/:negotiationId/${view}`, methodNotAllowed('GET'));
  return router;
};
