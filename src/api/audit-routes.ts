import { Router } from 'express';
import * as E from 'fp-ts/Either';
import { diffBetween, historyEntries, historyPage } from '../application/audit';
import { Tracker } from '../application/tracker';
import { startOfDateOrDateTime, endOfDateOrDateTime } from '../domain';
import { DiffParams, HistoryParams, decodeQuery, etagOf } from './http-inputs';
import { problemFromTrackerError, sendProblem, validationProblem } from './problem';
import {
  JSON_ONLY,
  methodNotAllowed,
  negotiationIdOf,
  pageLinks,
  produces,
  snapshotReader,
} from './route-support';

export const NDJSON = 'application/x-ndjson';
const DEFAULT_HISTORY_PAGE = 50;
/** History entries written between two turns of the event loop. */
const NDJSON_BATCH = 100;

/** The audit views: the recorded history with per-event changes and hash checks, and the diff between dates. */
export const auditRoutes = (tracker: Tracker): Router => {
  const router = Router();
  const read = snapshotReader(tracker.snapshot);

  router.get(
    '/negotiations/:negotiationId/history',
    produces(['application/json', NDJSON]),
    async (req, res) => {
      const id = negotiationIdOf(req);
      if (E.isLeft(id)) return sendProblem(res, id.left);
      const params = decodeQuery(HistoryParams, req.query);
      if (E.isLeft(params))
        return sendProblem(res, validationProblem(params.left, 'Invalid query parameters.'));
      const ndjson =
        params.right.format === 'ndjson' ||
        (params.right.format === undefined && req.accepts(['json', NDJSON]) === NDJSON);
      const fromRevision = ndjson ? 0 : (params.right.fromRevision ?? 0);
      const limit = ndjson ? Number.MAX_SAFE_INTEGER : (params.right.limit ?? DEFAULT_HISTORY_PAGE);
      // Each entry's change compares the log before and after it, so the read starts at revision 0.
      const page = await tracker.readHistory(
        id.right,
        ndjson ? Number.MAX_SAFE_INTEGER : fromRevision + limit,
      )();
      if (E.isLeft(page)) return sendProblem(res, problemFromTrackerError(page.left));
      const { revision, events } = page.right;
      res.set('ETag', etagOf(revision));
      if (ndjson) {
        res.type(NDJSON);
        // Each entry diffs two answers: a long history is real work, so other requests are served between
        // batches, and a client that went away stops it.
        let written = 0;
        for (const entry of historyEntries(events, 0, events.length)) {
          if (res.destroyed) return;
          res.write(`${JSON.stringify(entry)}\n`);
          written += 1;
          if (written % NDJSON_BATCH === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        }
        res.end();
        return;
      }
      const entries = historyPage(events, fromRevision, limit);
      const last = entries[entries.length - 1];
      // No link to a page this server would refuse (every page reads the log from revision 0).
      const next =
        last !== undefined && last.revision < revision && last.revision + 1 + limit <= tracker.fullReadLimit
          ? last.revision + 1
          : undefined;
      const pageAt = (from: number) =>
        `/negotiations/${id.right}/history?fromRevision=${from}&limit=${limit}`;
      res.set('Link', pageLinks(pageAt(0), next === undefined ? undefined : pageAt(next)));
      res.json({
        negotiationId: id.right,
        revision,
        history: entries,
        verified: entries.every((e) => e.verification.hashMatchesContent && e.verification.chainsToPrevious),
        ...(next === undefined ? {} : { next: pageAt(next) }),
      });
    },
  );
  router.all('/negotiations/:negotiationId/history', methodNotAllowed('GET'));

  router.get(
    '/negotiations/:negotiationId/diff',
    produces(JSON_ONLY),
    read(
      DiffParams,
      (p) => p.knownAt,
      (snapshot, params) => {
        if (startOfDateOrDateTime(params.from) > endOfDateOrDateTime(params.to))
          return E.left(validationProblem([{ field: 'to', reason: 'must not be before from' }]));
        const include = params.include === undefined ? {} : { include: params.include };
        return E.right(
          diffBetween(snapshot.log, { asOf: params.from, ...include }, { asOf: params.to, ...include }),
        );
      },
    ),
  );
  router.all('/negotiations/:negotiationId/diff', methodNotAllowed('GET'));
  return router;
};
