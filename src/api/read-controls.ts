import type { Request, Response } from 'express';
import type { SlicedReads } from '../application/sliced-reads';
import type { ReadPath } from '../application/read-path';
import { Admission } from './admission';
import { AnswerCache } from './answer-cache';
import { ReaderContext } from './route-support';
import { BoundedWriter, StreamLimits, boundedWriter } from './streaming';

/** What bounds the work of the read routes: admission of full-log reads, shared builds, streaming limits. */
export interface ReadControls {
  readonly sliced: SlicedReads;
  /** Every answer about a negotiation is read through here. */
  readonly reads: ReadPath;
  readonly admission: Admission;
  readonly streams: StreamLimits;
  readonly answers?: AnswerCache;
  /** Told when a client that stopped reading is cut off. */
  readonly onCutOff: (req: Request, details: { stalledMs: number; bufferedBytes: number }) => void;
}

export const writerFor = (controls: ReadControls, req: Request, res: Response): BoundedWriter =>
  boundedWriter(res, controls.streams, (details) => controls.onCutOff(req, details));

export const readerContext = (controls: ReadControls): ReaderContext => ({
  admission: controls.admission,
  ...(controls.answers === undefined ? {} : { answers: controls.answers }),
});
