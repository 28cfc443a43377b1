import { Request, Response, Router } from 'express';
import * as E from 'fp-ts/Either';
import { HistoryEntry } from '../application/audit';
import { momentParams } from '../projections';
import { Tracker } from '../application/tracker';
import { startOfDateOrDateTime, endOfDateOrDateTime } from '../domain';
import { admitted, sendRefusal } from './admission';
import { DiffParams, HistoryParams, decodeQuery, etagOf } from './http-inputs';
import { problemFromTrackerError, sendProblem, validationProblem } from './problem';
import {
  JSON_ONLY,
  methodNotAllowed,
  negotiationIdOf,
  pageLinks,
  produces,
  viewReader,
} from './route-support';
import { ReadControls, readerContext, writerFor } from './read-controls';
import { BoundedWriter } from './streaming';

export const NDJSON = 'application/x-ndjson';
const DEFAULT_HISTORY_PAGE = 50;

/** One NDJSON history being read for several clients at once: the ones that asked before it started. */
interface SharedHistory {
  readonly readers: Map<Response, BoundedWriter>;
  started: boolean;
  readonly stopWaiting: AbortController;
}

/** The audit views: the recorded history with per-event changes and hash checks, and the diff between dates. */
export const auditRoutes = (tracker: Tracker, controls: ReadControls): Router => {
  const router = Router();
  const read = viewReader(controls.reads, readerContext(controls));
  const { sliced, admission } = controls;

  /**
   * Concurrent requests for the whole history at one revision share one reading of the log: each part is written
   * to every client, and the next is read once all have taken it (or the ones that stopped reading are cut off).
   */
  const sharedHistories = new Map<string, SharedHistory>();

  const streamHistory = async (req: Request, res: Response, negotiationId: string, revision: number) => {
    // By negotiation: a request that comes while another's history has not begun gets that one, as of the
    // revision it was asked at (its ETag), a moment before its own.
    const key = negotiationId;
    const joined = sharedHistories.get(key);
    const startHeaders = (to: Response): Response => {
      to.status(200).set('ETag', etagOf(revision)).type(NDJSON).flushHeaders();
      return to;
    };
    if (joined !== undefined && !joined.started) {
      joined.readers.set(res, writerFor(controls, req, res));
      res.once('close', () => leave(key, joined, res));
      return;
    }
    const shared: SharedHistory = {
      readers: new Map([[res, writerFor(controls, req, res)]]),
      started: false,
      stopWaiting: new AbortController(),
    };
    sharedHistories.set(key, shared);
    res.once('close', () => leave(key, shared, res));
    const joinUntil = Date.now() + controls.streams.joinWindowMs;
    const turn = await admission.enter(sliced.leanCost(revision), shared.stopWaiting.signal);
    // Clients that ask while it waits for its turn, or before its first part is ready, share the reading.
    const closeJoining = () => {
      shared.started = true;
      if (sharedHistories.get(key) === shared) sharedHistories.delete(key);
    };
    if (!turn.admitted) {
      closeJoining();
      for (const reader of shared.readers.keys()) sendRefusal(reader, turn.refusal);
      return;
    }
    try {
      const done = await sliced.history(
        negotiationId,
        revision,
        { fromRevision: 0, limit: Number.MAX_SAFE_INTEGER },
        async (entries: readonly HistoryEntry[]) => {
          if (!shared.started) {
            const wait = joinUntil - Date.now();
            if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
            closeJoining();
            for (const reader of shared.readers.keys()) startHeaders(reader);
          }
          const part = entries.map((entry) => `${JSON.stringify(entry)}\n`).join('');
          await Promise.all(
            [...shared.readers].map(async ([reader, writer]) => {
              if (!(await writer.write(part))) shared.readers.delete(reader);
            }),
          );
          return shared.readers.size > 0;
        },
      );
      if (!shared.started) {
        closeJoining();
        for (const reader of shared.readers.keys())
          if (E.isLeft(done)) sendProblem(reader, problemFromTrackerError(done.left));
          else startHeaders(reader).end();
        return;
      }
      // A store failure after the answer began cannot become a problem document: the answer is cut short.
      for (const reader of shared.readers.keys())
        if (E.isLeft(done)) reader.destroy();
        else reader.end();
    } finally {
      turn.release();
    }
  };

  /** A client that leaves before the history starts is dropped; the last one to leave stops the wait. */
  const leave = (key: string, shared: SharedHistory, res: Response) => {
    if (shared.started) return;
    shared.readers.delete(res);
    if (shared.readers.size > 0) return;
    if (sharedHistories.get(key) === shared) sharedHistories.delete(key);
    shared.stopWaiting.abort();
  };

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
      const current = await tracker.streamRevision(id.right)();
      if (E.isLeft(current)) return sendProblem(res, problemFromTrackerError(current.left));
      const revision = current.right;
      const notFound = () =>
        sendProblem(res, problemFromTrackerError({ _tag: 'NegotiationNotFound', negotiationId: id.right }));
      if (revision < 0) return notFound();
      if (ndjson) {
        if (revision + 1 > tracker.maxLogEvents)
          return sendProblem(
            res,
            problemFromTrackerError({
              _tag: 'NegotiationTooLarge',
              negotiationId: id.right,
              events: revision + 1,
              limit: tracker.maxLogEvents,
            }),
          );
        return streamHistory(req, res, id.right, revision);
      }
      const fromRevision = params.right.fromRevision ?? 0;
      const limit = params.right.limit ?? DEFAULT_HISTORY_PAGE;
      // Each entry's change compares the log before and after it, so the read starts at revision 0.
      const cost = sliced.leanCost(Math.min(revision, fromRevision + limit - 1));
      return admitted(admission, res, cost, async () => {
        const entries: HistoryEntry[] = [];
        const done = await sliced.history(id.right, revision, { fromRevision, limit }, (page) => {
          entries.push(...page);
          return Promise.resolve(true);
        });
        if (E.isLeft(done)) return sendProblem(res, problemFromTrackerError(done.left));
        const last = entries[entries.length - 1];
        // No link to a page this server would refuse (every page reads the log from revision 0).
        const next =
          last !== undefined && last.revision < revision && last.revision + 1 + limit <= tracker.maxLogEvents
            ? last.revision + 1
            : undefined;
        const pageAt = (from: number) =>
          `/negotiations/${id.right}/history?fromRevision=${from}&limit=${limit}`;
        res.set('Link', pageLinks(pageAt(0), next === undefined ? undefined : pageAt(next)));
        res.set('ETag', etagOf(revision)).json({
          negotiationId: id.right,
          revision,
          history: entries,
          verified: entries.every(
            (e) => e.verification.hashMatchesContent && e.verification.chainsToPrevious,
          ),
          ...(next === undefined
            ? {}
            : { next: `/negotiations/${id.right}/history?fromRevision=${next}&limit=${limit}` }),
        });
      });
    },
  );
  router.all('/negotiations/:negotiationId/history', methodNotAllowed('GET'));

  router.get(
    '/negotiations/:negotiationId/diff',
    produces(JSON_ONLY),
    read(DiffParams, ({ from, to, knownAt, include }) =>
      startOfDateOrDateTime(from) > endOfDateOrDateTime(to)
        ? E.left([{ field: 'to', reason: 'must not be before from' }])
        : E.right({
            moment: momentParams({ knownAt, include }),
            view: { view: 'diff', from, to },
          }),
    ),
  );
  router.all('/negotiations/:negotiationId/diff', methodNotAllowed('GET'));
  return router;
};
