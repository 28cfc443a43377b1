import { Request, Response, Router } from 'express';
import * as E from 'fp-ts/Either';
import { Tracker } from '../application/tracker';
import { issuesView, stateAsOf, timelineView } from '../projections';
import { toCsv } from './csv';
import { IssuesParams, TimelineParams, decodeQuery, etagOf } from './http-inputs';
import { problemFromTrackerError, sendProblem, validationProblem } from './problem';
import { methodNotAllowed, negotiationIdOf } from './route-support';

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

/** CSV downloads of the timeline and of the issues, with the same parameters as their JSON views. */
export const exportRoutes = (tracker: Tracker): Router => {
  const router = Router();

  router.get('/negotiations/:negotiationId/timeline.csv', async (req: Request, res: Response) => {
    const id = negotiationIdOf(req);
    if (E.isLeft(id)) return sendProblem(res, id.left);
    const params = decodeQuery(TimelineParams, req.query);
    if (E.isLeft(params))
      return sendProblem(res, validationProblem(params.left, 'Invalid query parameters.'));
    const snapshot = await tracker.fullSnapshot(id.right, params.right.knownAt)();
    if (E.isLeft(snapshot)) return sendProblem(res, problemFromTrackerError(snapshot.left));
    const rows = timelineView(snapshot.right.log, params.right).map((entry) => [
      entry.occurredAt,
      entry.precision,
      entry.type,
      entry.summary,
      entry.confidence,
      entry.reportedAt,
      entry.recordedAt,
      describeSources(entry.sources),
      entry.eventId,
    ]);
    const header = [
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
    return sendCsv(res, `${id.right}-timeline.csv`, snapshot.right.revision, toCsv(header, rows));
  });

  router.get('/negotiations/:negotiationId/issues.csv', async (req: Request, res: Response) => {
    const id = negotiationIdOf(req);
    if (E.isLeft(id)) return sendProblem(res, id.left);
    const params = decodeQuery(IssuesParams, req.query);
    if (E.isLeft(params))
      return sendProblem(res, validationProblem(params.left, 'Invalid query parameters.'));
    const snapshot = await tracker.snapshot(id.right, params.right.knownAt)();
    if (E.isLeft(snapshot)) return sendProblem(res, problemFromTrackerError(snapshot.left));
    const view = issuesView(
      stateAsOf(snapshot.right.log, params.right),
      (params.right.state ?? 'all') === 'open',
    );
    const rows = view.issues.map((issue) => [
      issue.issueId,
      issue.title,
      issue.state,
      issue.stateSince?.occurredAt,
      issue.raisedBy,
      issue.blocksPhases.join('; '),
      issue.positionList.map((entry) => `${entry.party}: ${entry.position}`).join(' | '),
      issue.description,
    ]);
    const header = [
      'issueId',
      'title',
      'state',
      'stateSince',
      'raisedBy',
      'blocksPhases',
      'positions',
      'description',
    ];
    return sendCsv(res, `${id.right}-issues.csv`, snapshot.right.revision, toCsv(header, rows));
  });
  for (const view of ['timeline.csv', 'issues.csv'])
    router.all(`/negotiations/:negotiationId/${view}`, methodNotAllowed('GET'));
  return router;
};
