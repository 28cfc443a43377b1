import { Request, Response, Router } from 'express';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { AnswerOf, ViewQuery, momentParams } from '../projections';
import { admitted } from './admission';
import { toCsv } from './csv';
import { IssuesParams, QueryCodec, TimelineParams, decodeQuery, etagOf } from './http-inputs';
import { problemFromTrackerError, sendProblem, validationProblem } from './problem';
import { ReadControls } from './read-controls';
import { ViewRequest, methodNotAllowed, negotiationIdOf } from './route-support';

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
    const id = negotiationIdOf(req);
    if (E.isLeft(id)) return sendProblem(res, id.left);
    const query = pipe(
      decodeQuery(codec, req.query),
      E.flatMap(request),
      E.flatMap(({ moment, view }) => controls.reads.query(id.right, moment, view)),
    );
    if (E.isLeft(query)) return sendProblem(res, validationProblem(query.left, 'Invalid query parameters.'));
    const current = await controls.reads.revision(id.right)();
    if (E.isLeft(current)) return sendProblem(res, problemFromTrackerError(current.left));
    const answer = async () => {
      const answered = await controls.reads.answer(query.right, current.right)();
      if (E.isLeft(answered)) return sendProblem(res, problemFromTrackerError(answered.left));
      sendCsv(res, `${id.right}-${file}`, answered.right.revision, toCsvText(answered.right.body));
    };
    const cost = controls.reads.cost(query.right, current.right);
    return cost === undefined ? answer() : admitted(controls.admission, res, cost, answer);
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
    csvRoute(
      controls,
      TimelineParams,
      ({ from, to, knownAt }) =>
        E.right({
          moment: knownAt === undefined ? {} : { knownAt },
          view: {
            view: 'timeline',
            ...(from === undefined ? {} : { from }),
            ...(to === undefined ? {} : { to }),
          },
        }),
      'timeline.csv',
      ({ timeline }) =>
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
