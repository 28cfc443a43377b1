import { Request, Response, Router } from 'express';
import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { TrackerError } from '../application/tracker';
import { FeedItem, LiveFeed } from '../application/live-feed';
import { FieldViolation } from '../domain';
import { markStreaming } from './connection-caps';
import { problemFromTrackerError, sendProblem, validationProblem } from './problem';
import { methodNotAllowed, negotiationIdOf } from './route-support';
import { StreamParams, decodeQuery } from './http-inputs';

export interface StreamOptions {
  /** Bytes a connection may have waiting to be sent before it is dropped as too slow (default 1 MiB). */
  readonly maxBufferedBytes?: number;
  /** How long a dropped browser waits before reconnecting (the SSE `retry` field, default 2 s). */
  readonly retryMs?: number;
}

const POSITION = /^\d{1,15}$/;

/**
 * Where a follower resumes: the Last-Event-ID a reconnecting browser sends, else `after` from the address (the
 * position the page last read), else now.
 */
const resumeFrom = (req: Request): E.Either<FieldViolation[], number | undefined> => {
  const params = decodeQuery(StreamParams, req.query);
  if (E.isLeft(params)) return params;
  const header = req.get('last-event-id');
  if (header === undefined || header.trim() === '') return E.right(params.right.after);
  return POSITION.test(header.trim())
    ? E.right(Number(header.trim()))
    : E.left([{ field: 'Last-Event-ID', reason: 'must be a global position (a non-negative integer)' }]);
};

/** Each event's frame is encoded once, however many connections it is written to. */
const frames = new WeakMap<FeedItem, Buffer>();
const frameOf = (item: FeedItem): Buffer => {
  let frame = frames.get(item);
  if (frame === undefined) {
    frame = Buffer.from(`id: ${item.position}\nevent: development\ndata: ${item.json}\n\n`);
    frames.set(item, frame);
  }
  return frame;
};

/**
 * Server-sent events: every appended event, with its global position as the SSE id, so a browser that
 * reconnects resumes after the last one it received. A connection that stops reading is dropped once its
 * unsent bytes pass the bound, instead of being buffered without end.
 */
export const streamRoutes = (
  feed: LiveFeed,
  existingRevision: (negotiationId: string) => TE.TaskEither<TrackerError, number>,
  options: StreamOptions = {},
): Router => {
  const router = Router();
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const retryMs = options.retryMs ?? 2_000;

  const follow = async (req: Request, res: Response, negotiationId: string | undefined) => {
    const after = resumeFrom(req);
    if (E.isLeft(after)) return sendProblem(res, validationProblem(after.left, 'Invalid stream request.'));
    // An unknown negotiation is answered 404 before the stream opens, as on every other route of it.
    if (negotiationId !== undefined) {
      const known = await existingRevision(negotiationId)();
      if (E.isLeft(known)) return sendProblem(res, problemFromTrackerError(known.left));
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // Proxies such as nginx otherwise hold the events back.
      'X-Accel-Buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    markStreaming(res.socket);
    // A stream stays open for as long as the client wants it: the socket's idle timeout is the heartbeat's job.
    res.socket?.setTimeout(0);
    res.write(`retry: ${retryMs}\n: connected\n\n`);
    let dropped = false;
    res.once('close', () => {
      dropped = true;
    });
    const drop = () => {
      dropped = true;
      res.destroy();
    };
    // Checked before writing: one page may go out at once, but a client still holding more than the bound
    // from earlier pages is not reading.
    const write = (chunk: string | Buffer) => {
      if (dropped) return;
      if (res.writableLength > maxBuffered) drop();
      else res.write(chunk);
    };
    const subscription = await feed.subscribe(
      {
        ...(negotiationId === undefined ? {} : { negotiationId }),
        deliver: (items) =>
          write(items.length === 1 && items[0] ? frameOf(items[0]) : Buffer.concat(items.map(frameOf))),
        ready: () =>
          res.writableLength <= maxBuffered / 2 || dropped
            ? Promise.resolve()
            : new Promise<void>((resolve) => {
                res.once('drain', resolve);
                res.once('close', resolve);
              }),
        heartbeat: () => write(': heartbeat\n\n'),
        end: () => res.end(),
      },
      after.right,
    );
    if (E.isLeft(subscription)) {
      // Headers are gone; the failure goes as an event the page can show, then the browser retries.
      write(`event: failure\ndata: ${JSON.stringify(problemFromTrackerError(subscription.left))}\n\n`);
      res.end();
      return undefined;
    }
    if (dropped) subscription.right.unsubscribe();
    else res.once('close', subscription.right.unsubscribe);
    return undefined;
  };

  router.get('/stream', (req, res) => follow(req, res, undefined));
  router.all('/stream', methodNotAllowed('GET'));
  router.get('/negotiations/:negotiationId/stream', (req, res) => {
    const id = negotiationIdOf(req);
    if (E.isLeft(id)) return sendProblem(res, id.left);
    return follow(req, res, id.right);
  });
  router.all('/negotiations/:negotiationId/stream', methodNotAllowed('GET'));
  return router;
};
