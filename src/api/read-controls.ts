import type { Request, Response } from 'express';
import type { SlicedReads } from '../application/sliced-reads';
import type { Tracker } from '../application/tracker';
import type { LeanEvent } from '../domain';
import { Admission } from './admission';
import { AnswerCache } from './answer-cache';
import { ReaderContext, SnapshotSource } from './route-support';
import { BoundedWriter, StreamLimits, boundedWriter } from './streaming';

/** What bounds the work of the read routes: admission of full-log reads, shared builds, streaming limits. */
export interface ReadControls {
  readonly sliced: SlicedReads;
  readonly admission: Admission;
  readonly streams: StreamLimits;
  readonly answers?: AnswerCache;
  /** Told when a client that stopped reading is cut off. */
  readonly onCutOff: (req: Request, details: { stalledMs: number; bufferedBytes: number }) => void;
}

export const writerFor = (controls: ReadControls, req: Request, res: Response): BoundedWriter =>
  boundedWriter(res, controls.streams, (details) => controls.onCutOff(req, details));

export const readerContext = (tracker: Tracker, controls: ReadControls): ReaderContext => ({
  revisionOf: tracker.streamRevision,
  admission: controls.admission,
  ...(controls.answers === undefined ? {} : { answers: controls.answers }),
});

/**
 * The log the as-of views fold: the tracker's cached current log (cheap, never queued), or for a past knownAt
 * a log built in slices, which waits for a turn unless the same build is already under way.
 */
export const asOfSource = (tracker: Tracker, controls: ReadControls): SnapshotSource<LeanEvent> => ({
  load: (negotiationId, revision, knownAt) =>
    knownAt === undefined
      ? tracker.snapshot(negotiationId)
      : controls.sliced.knownSnapshot(negotiationId, revision, knownAt),
  cost: (negotiationId, revision, knownAt) =>
    knownAt === undefined || controls.sliced.isBuilding('lean', negotiationId, revision, knownAt)
      ? undefined
      : controls.sliced.leanCost(revision),
});
