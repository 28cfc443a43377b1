import * as E from 'fp-ts/Either';
import { readFileSync } from 'node:fs';
import { StoredEvent, decodeStoredEvent, recordedFields } from '../domain';
import { EventStore, findChainBreak } from '../store';
import { LineError, parseLines } from './ndjson';

/**
 * Restoring an `export --with-recording` file: the events are written as they were recorded (ids, revisions,
 * clocks, recordedBy, hashes), in the file's order, and only into an empty store, so a restore can never splice
 * a recorded history into one that already has its own.
 */

export interface RecordedLine {
  readonly line: number;
  /** Its position is a placeholder: the target store gives positions, the file's order carries the order. */
  readonly event: StoredEvent;
}

export type RestoreError =
  | { readonly _tag: 'InvalidLines'; readonly file: string; readonly errors: readonly LineError[] }
  | { readonly _tag: 'StoreNotEmpty'; readonly negotiations: number; readonly events: number }
  /** A recorded event does not continue its negotiation's chain (altered, reordered or missing events). */
  | {
      readonly _tag: 'ChainMismatch';
      readonly file: string;
      readonly line: number;
      readonly eventId: string;
      readonly reason: string;
    }
  | { readonly _tag: 'StoreFailed'; readonly message: string };

export interface RestoreSummary {
  readonly files: number;
  readonly events: number;
  readonly negotiations: number;
}

export const RESTORE_BATCH = 500;

/** Parses recorded events, one per line (blank lines ignored); every bad line is named. */
export const parseRecordedNdjson = (text: string): E.Either<LineError[], RecordedLine[]> =>
  parseLines(text, (json) => decodeStoredEvent(json, 0));

/** Runs of consecutive lines of one negotiation, at most `size` long: each is one atomic write. */
const runsOf = (lines: readonly RecordedLine[], size: number): RecordedLine[][] => {
  const runs: RecordedLine[][] = [];
  for (const line of lines) {
    const run = runs[runs.length - 1];
    if (run !== undefined && run.length < size && run[0]?.event.negotiationId === line.event.negotiationId)
      run.push(line);
    else runs.push([line]);
  }
  return runs;
};

/** Each negotiation's events across the files must form its chain from the first event on, as export wrote it. */
const firstChainBreak = (
  parsedFiles: ReadonlyArray<{ file: string; lines: readonly RecordedLine[] }>,
): Extract<RestoreError, { _tag: 'ChainMismatch' }> | undefined => {
  const streams = new Map<string, Array<{ file: string; line: RecordedLine }>>();
  for (const { file, lines } of parsedFiles)
    for (const line of lines) {
      const stream = streams.get(line.event.negotiationId) ?? [];
      stream.push({ file, line });
      streams.set(line.event.negotiationId, stream);
    }
  for (const stream of streams.values()) {
    const broken = findChainBreak(stream.map(({ line }) => line.event));
    const at = stream.find(({ line }) => line.event.id === broken?.eventId);
    if (broken !== undefined)
      return {
        _tag: 'ChainMismatch',
        file: at?.file ?? '',
        line: at?.line.line ?? 0,
        eventId: broken.eventId,
        reason: broken.reason,
      };
  }
  return undefined;
};

/** Every file is checked before anything is written; then the store must be empty; then the chains are proven. */
export const restoreRecordedFiles = async (
  store: EventStore,
  files: readonly string[],
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<E.Either<RestoreError, RestoreSummary>> => {
  const parsedFiles: Array<{ file: string; lines: RecordedLine[] }> = [];
  for (const file of files) {
    const parsed = parseRecordedNdjson(readFileSync(file, 'utf8'));
    if (E.isLeft(parsed)) return E.left({ _tag: 'InvalidLines', file, errors: parsed.left });
    parsedFiles.push({ file, lines: parsed.right });
  }
  const broken = firstChainBreak(parsedFiles);
  if (broken !== undefined) return E.left(broken);
  const streams = await store.listStreams()();
  if (E.isLeft(streams)) return E.left({ _tag: 'StoreFailed', message: streams.left.message });
  if (streams.right.length > 0)
    return E.left({
      _tag: 'StoreNotEmpty',
      negotiations: streams.right.length,
      events: streams.right.reduce((sum, s) => sum + s.eventCount, 0),
    });

  const total = parsedFiles.reduce((sum, { lines }) => sum + lines.length, 0);
  const negotiations = new Set<string>();
  let done = 0;
  onProgress(0, total);
  for (const { file, lines } of parsedFiles)
    for (const run of runsOf(lines, RESTORE_BATCH)) {
      const negotiationId = run[0]?.event.negotiationId ?? '';
      const written = await store.appendRecorded({
        negotiationId,
        events: run.map((l) => recordedFields(l.event)),
      })();
      if (E.isLeft(written)) {
        const error = written.left;
        if (error._tag === 'StoreFailure') return E.left({ _tag: 'StoreFailed', message: error.message });
        const at = 'index' in error ? (run[error.index] ?? run[0]) : run[0];
        return E.left({
          _tag: 'ChainMismatch',
          file,
          line: at?.line ?? 0,
          eventId: at?.event.id ?? '',
          reason:
            error._tag === 'RevisionConflict'
              ? `revision ${at?.event.revision ?? '?'} does not follow the ${error.actual + 1} event(s) restored before it`
              : error.reason,
        });
      }
      negotiations.add(negotiationId);
      done += run.length;
      onProgress(done, total);
    }

  // Read back what was written: the restored chains must verify as the exported ones did.
  for (const negotiationId of negotiations) {
    const stream = await store.readStream(negotiationId)();
    if (E.isLeft(stream)) return E.left({ _tag: 'StoreFailed', message: stream.left.message });
    const broken = findChainBreak(stream.right);
    if (broken !== undefined)
      return E.left({
        _tag: 'ChainMismatch',
        file: files[0] ?? '',
        line: 0,
        eventId: broken.eventId,
        reason: `the restored chain breaks at revision ${broken.revision}: ${broken.reason}`,
      });
  }
  return E.right({ files: files.length, events: done, negotiations: negotiations.size });
};
