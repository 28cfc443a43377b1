import type { Response } from 'express';

/**
 * Large answers are written a part at a time, each only once the client has taken the ones before: a slow or
 * paused client holds at most a bounded buffer of output on the server, and one that takes nothing for too long
 * is cut off, so it cannot hold memory (or a turn for expensive reads) for ever.
 */
export interface StreamLimits {
  /** Output the server buffers for one client before it waits for the client to read. */
  readonly maxBufferedBytes: number;
  /** How long a client may read nothing while output waits for it, before its connection is closed. */
  readonly stallTimeoutMs: number;
  /** How long a shared answer waits for more clients to join before its first part is sent. */
  readonly joinWindowMs: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  maxBufferedBytes: 1024 * 1024,
  stallTimeoutMs: 10_000,
  joinWindowMs: 50,
};

/** Told when a client is cut off, with what it left unread. */
export type CutOffListener = (details: {
  readonly stalledMs: number;
  readonly bufferedBytes: number;
}) => void;

export interface BoundedWriter {
  /** Writes a part; resolves true when more may be written, false when the client has gone or was cut off. */
  readonly write: (chunk: string) => Promise<boolean>;
  readonly gone: () => boolean;
}

const gone = (res: Response) => res.destroyed || res.writableEnded || res.socket === null;

/** Waits for the client to take the output buffered for it; after stallTimeoutMs, closes its connection. */
const drained = (res: Response, limits: StreamLimits, onCutOff?: CutOffListener): Promise<boolean> =>
  new Promise((resolve) => {
    const done = (flowing: boolean) => {
      clearTimeout(timer);
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(flowing);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => {
      onCutOff?.({ stalledMs: limits.stallTimeoutMs, bufferedBytes: res.writableLength });
      res.destroy();
      done(false);
    }, limits.stallTimeoutMs);
    res.on('drain', onDrain);
    res.once('close', onClose);
  });

export const boundedWriter = (
  res: Response,
  limits: StreamLimits = DEFAULT_STREAM_LIMITS,
  onCutOff?: CutOffListener,
): BoundedWriter => ({
  write: async (chunk) => {
    if (gone(res)) return false;
    const flowing = res.write(chunk);
    if (flowing && res.writableLength <= limits.maxBufferedBytes) return true;
    return drained(res, limits, onCutOff);
  },
  gone: () => gone(res),
});

/** Items serialised per part of a streamed JSON array. */
const ITEMS_PER_PART = 100;

/**
 * Streams `{...head, [key]: [...items], ...tail}` as JSON, the items a part at a time through `writer`; the same
 * text JSON.stringify would give. False when the client went away before the end (the response is then closed).
 */
export const streamJsonObject = async (
  res: Response,
  writer: BoundedWriter,
  parts: {
    readonly head: object;
    readonly key: string;
    readonly items: Iterable<unknown> | AsyncIterable<unknown>;
    readonly tail?: () => object;
  },
): Promise<boolean> => {
  const head = JSON.stringify(parts.head);
  const opening = `${head === '{}' ? '{' : `${head.slice(0, -1)},`}${JSON.stringify(parts.key)}:[`;
  let part = opening;
  let count = 0;
  for await (const item of parts.items) {
    part += `${count === 0 ? '' : ','}${JSON.stringify(item)}`;
    count += 1;
    if (count % ITEMS_PER_PART === 0) {
      if (!(await writer.write(part))) return false;
      part = '';
    }
  }
  const tail = JSON.stringify(parts.tail?.() ?? {});
  part += `]${tail === '{}' ? '}' : `,${tail.slice(1)}`}`;
  if (!(await writer.write(part))) return false;
  res.end();
  return true;
};
