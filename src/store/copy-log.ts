import * as E from 'fp-ts/Either';
import { StoredEvent, recordedFields } from '../domain';
import { canonicalJson, findChainBreak } from './hash-chain';
import { EventStore, RecordedEvent } from './port';

/**
 * Copying a log between stores (the embedded file and EventStoreDB, either way): every event is written as it was
 * recorded (id, revision, clocks, recordedBy, hash), in the source's global order, and the copy is then checked
 * event by event. A copy can be run again: what the target already holds is checked, not written twice.
 */

export interface CopySummary {
  readonly negotiations: number;
  readonly copied: number;
  readonly alreadyThere: number;
}

export interface VerifiedCopy {
  readonly negotiations: number;
  readonly events: number;
}

export type CopyError =
  | { readonly _tag: 'SourceFailed'; readonly message: string }
  | { readonly _tag: 'TargetFailed'; readonly message: string }
  /** The target holds another history for a negotiation: a copy would not be one. */
  | { readonly _tag: 'Diverged'; readonly negotiationId: string; readonly reason: string }
  /** Verification found the target different from the source. */
  | { readonly _tag: 'Mismatched'; readonly mismatches: readonly CopyMismatch[] };

export interface CopyMismatch {
  readonly negotiationId: string;
  readonly reason: string;
}

const PAGE = 5_000;

const sameRecording = (a: StoredEvent, b: StoredEvent): boolean =>
  canonicalJson(recordedFields(a)) === canonicalJson(recordedFields(b));

/** Every event of a store in global order (paged reads; the whole log is held, which suits this product's size). */
const readEverything = async (store: EventStore): Promise<E.Either<string, StoredEvent[]>> => {
  const events: StoredEvent[] = [];
  let fromPosition = 1;
  for (;;) {
    const page = await store.readAll({ fromPosition, limit: PAGE })();
    if (E.isLeft(page)) return E.left(page.left.message);
    events.push(...page.right);
    const last = page.right[page.right.length - 1];
    if (last === undefined || page.right.length < PAGE) return E.right(events);
    fromPosition = last.position + 1;
  }
};

const byNegotiation = (events: readonly StoredEvent[]): Map<string, StoredEvent[]> => {
  const streams = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const stream = streams.get(event.negotiationId);
    if (stream === undefined) streams.set(event.negotiationId, [event]);
    else stream.push(event);
  }
  return streams;
};

/** Runs of consecutive events of one negotiation, at most `size` long: the order of $all survives the copy. */
const runsOf = (events: readonly StoredEvent[], size: number): StoredEvent[][] => {
  const runs: StoredEvent[][] = [];
  for (const event of events) {
    const run = runs[runs.length - 1];
    if (run !== undefined && run.length < size && run[0]?.negotiationId === event.negotiationId)
      run.push(event);
    else runs.push([event]);
  }
  return runs;
};

export const copyLog = async (
  source: EventStore,
  target: EventStore,
  options: { readonly batchSize?: number; readonly onProgress?: (done: number, total: number) => void } = {},
): Promise<E.Either<CopyError, CopySummary>> => {
  const everything = await readEverything(source);
  if (E.isLeft(everything)) return E.left({ _tag: 'SourceFailed', message: everything.left });
  const existing = await readEverything(target);
  if (E.isLeft(existing)) return E.left({ _tag: 'TargetFailed', message: existing.left });
  const sourceStreams = byNegotiation(everything.right);
  const targetStreams = byNegotiation(existing.right);

  // What the target holds of a negotiation must be the beginning of the source's history, exactly.
  for (const [negotiationId, held] of targetStreams) {
    const original = sourceStreams.get(negotiationId);
    if (original === undefined) continue;
    if (held.length > original.length)
      return E.left({
        _tag: 'Diverged',
        negotiationId,
        reason: `the target holds ${held.length} events, the source ${original.length}`,
      });
    const differing = held.findIndex((event, index) => !sameRecording(event, original[index] as StoredEvent));
    if (differing >= 0)
      return E.left({
        _tag: 'Diverged',
        negotiationId,
        reason: `revision ${differing} differs from the source`,
      });
  }

  const missing = everything.right.filter(
    (event) => event.revision >= (targetStreams.get(event.negotiationId)?.length ?? 0),
  );
  let copied = 0;
  options.onProgress?.(0, missing.length);
  for (const run of runsOf(missing, options.batchSize ?? 500)) {
    const negotiationId = run[0]?.negotiationId ?? '';
    const events: RecordedEvent[] = run.map(recordedFields);
    const written = await target.appendRecorded({ negotiationId, events })();
    if (E.isLeft(written)) {
      const error = written.left;
      return E.left(
        error._tag === 'StoreFailure'
          ? { _tag: 'TargetFailed', message: error.message }
          : {
              _tag: 'Diverged',
              negotiationId,
              reason: 'reason' in error ? error.reason : `${error._tag} at revision ${error.actual}`,
            },
      );
    }
    copied += run.length;
    options.onProgress?.(copied, missing.length);
  }
  return E.right({
    negotiations: sourceStreams.size,
    copied,
    alreadyThere: everything.right.length - missing.length,
  });
};

/**
 * Checks that the target holds every event of the source with the same recording (so the same hash), that each
 * copied chain verifies, and that the copied events appear in the target's global order as in the source's.
 */
export const verifyCopy = async (
  source: EventStore,
  target: EventStore,
): Promise<E.Either<CopyError, VerifiedCopy>> => {
  const original = await readEverything(source);
  if (E.isLeft(original)) return E.left({ _tag: 'SourceFailed', message: original.left });
  const copy = await readEverything(target);
  if (E.isLeft(copy)) return E.left({ _tag: 'TargetFailed', message: copy.left });
  const sourceStreams = byNegotiation(original.right);
  const targetStreams = byNegotiation(copy.right);
  const mismatches: CopyMismatch[] = [];
  for (const [negotiationId, events] of sourceStreams) {
    const copied = targetStreams.get(negotiationId) ?? [];
    const differing = events.findIndex((event, index) => {
      const other = copied[index];
      return other === undefined || !sameRecording(event, other);
    });
    if (differing >= 0)
      mismatches.push({ negotiationId, reason: `revision ${differing} is missing or differs in the target` });
    const chainBreak = findChainBreak(copied);
    if (chainBreak !== undefined)
      mismatches.push({
        negotiationId,
        reason: `hash chain breaks at revision ${chainBreak.revision}: ${chainBreak.reason}`,
      });
  }
  const sourceIds = new Set(original.right.map((e) => e.id));
  const targetOrder = copy.right.filter((e) => sourceIds.has(e.id)).map((e) => e.id);
  const firstOutOfOrder = original.right.findIndex((event, index) => targetOrder[index] !== event.id);
  if (mismatches.length === 0 && firstOutOfOrder >= 0)
    mismatches.push({
      negotiationId: original.right[firstOutOfOrder]?.negotiationId ?? '',
      reason: `global order differs from the source at event ${firstOutOfOrder}`,
    });
  return mismatches.length > 0
    ? E.left({ _tag: 'Mismatched', mismatches })
    : E.right({ negotiations: sourceStreams.size, events: original.right.length });
};
