import * as E from 'fp-ts/Either';
import { StoredEvent, decodeStoredEvent } from '../domain';
import {
  GENESIS_HASH,
  StoredEventRow,
  TreeFrontier,
  eventLeafHash,
  hashCanonicalText,
  hashVerifies,
} from '../store';
import { Checkpoint } from '../transparency';

/**
 * A strict audit of a whole log, fed one stored row at a time in global order (so any size fits): every
 * negotiation's chain, each streams row against its negotiation's last event, the stored Merkle tree against the
 * events, and the log against an earlier checkpoint. It reports every break it finds, not only the first.
 */

/** One stored event as the audit sees it: its columns, and what its content says where it could be read. */
export interface AuditedRow {
  readonly position: number;
  readonly eventId: string;
  readonly negotiationId: string;
  readonly revision: number;
  readonly storedHash: string;
  readonly recordedAt: string;
  /** The previous hash the content names; undefined when the content could not be read at all. */
  readonly previousHash: string | undefined;
  /** Whether the stored hash is the hash of the stored content. */
  readonly hashMatchesContent: boolean;
  /** Why the event does not decode, when it does not. */
  readonly undecodable?: string;
}

export interface StreamRowSeen {
  readonly negotiationId: string;
  readonly revision: number;
  readonly lastHash: string;
  readonly eventCount: number;
  readonly lastRecordedAt: string;
}

export type AuditProblemKind =
  | 'hash-mismatch'
  | 'previous-hash-mismatch'
  | 'revision-gap'
  | 'revision-out-of-order'
  | 'events-missing'
  | 'undecodable'
  | 'streams-row'
  | 'tree'
  | 'trigger-missing'
  | 'derived-copy'
  | 'not-extended';

export interface AuditProblem {
  readonly kind: AuditProblemKind;
  /** The negotiation, or "(log)" / "(file)" / "(checkpoint)" for what belongs to none. */
  readonly negotiationId: string;
  readonly eventId?: string;
  readonly revision?: number;
  readonly position?: number;
  readonly detail: string;
}

export interface AuditReport {
  /** Events of the negotiations audited (all, without a negotiation option). */
  readonly events: number;
  /** Events in the whole log: the tree's size. */
  readonly logSize: number;
  readonly negotiations: number;
  readonly problems: readonly AuditProblem[];
  /** Set when a checkpoint was given: whether the log still extends it. */
  readonly checkpoint?: { readonly size: number; readonly extended: boolean };
}

export interface LogAuditOptions {
  /** Only this negotiation's chain and streams row (the tree and the checkpoint still cover the whole log). */
  readonly negotiation?: string;
  /** Positions count 1, 2, 3...: a gap means deleted events (the embedded store; EventStoreDB's do not). */
  readonly contiguousPositions: boolean;
  readonly checkpoint?: Checkpoint;
  /** The stored tree's leaf for leaf index i, where the store keeps one; undefined when it has none there. */
  readonly storedLeaf?: (index: number) => Buffer | undefined;
}

interface ChainState {
  expectedRevision: number;
  previousHash: string;
  count: number;
  last?: { readonly revision: number; readonly hash: string; readonly recordedAt: string };
}

export interface LogAudit {
  row(row: AuditedRow): void;
  /** Adds problems found outside the rows (missing triggers, derived copies). */
  report(problem: AuditProblem): void;
  /**
   * Ends the audit with the streams rows and the stored tree's size and root, where the store keeps them
   * (streams undefined: it keeps no such table, as EventStoreDB derives its heads from the events themselves).
   */
  finish(
    streams: readonly StreamRowSeen[] | undefined,
    storedTree?: { size: number; root: Buffer | string },
  ): AuditReport;
}

const where = (row: AuditedRow) => ({
  negotiationId: row.negotiationId,
  eventId: row.eventId,
  revision: row.revision,
  position: row.position,
});

export const startLogAudit = (options: LogAuditOptions): LogAudit => {
  const problems: AuditProblem[] = [];
  const chains = new Map<string, ChainState>();
  const frontier = new TreeFrontier();
  let checkpointRoot: Buffer | undefined;
  let lastPosition = 0;
  const inScope = (negotiationId: string) =>
    options.negotiation === undefined || options.negotiation === negotiationId;

  const row = (row: AuditedRow) => {
    if (options.contiguousPositions && row.position !== lastPosition + 1)
      problems.push({
        kind: 'events-missing',
        negotiationId: '(log)',
        detail: `positions ${lastPosition + 1} to ${row.position - 1} are missing: events were deleted`,
      });
    lastPosition = row.position;
    const leaf = eventLeafHash(row.storedHash);
    const stored = options.storedLeaf?.(row.position - 1);
    if (
      options.storedLeaf !== undefined &&
      options.contiguousPositions &&
      (stored === undefined || !stored.equals(leaf))
    )
      problems.push({
        kind: 'tree',
        ...where(row),
        detail:
          stored === undefined
            ? 'the stored tree has no leaf for this event'
            : "the stored tree's leaf differs: the event's hash was changed after it was appended",
      });
    frontier.push(leaf);
    if (options.checkpoint !== undefined && frontier.size === options.checkpoint.size)
      checkpointRoot = frontier.root();

    if (!inScope(row.negotiationId)) return;
    const chain = chains.get(row.negotiationId) ?? {
      expectedRevision: 0,
      previousHash: GENESIS_HASH,
      count: 0,
    };
    chains.set(row.negotiationId, chain);
    if (row.undecodable !== undefined)
      problems.push({ kind: 'undecodable', ...where(row), detail: `does not decode: ${row.undecodable}` });
    if (row.revision > chain.expectedRevision)
      problems.push({
        kind: 'revision-gap',
        ...where(row),
        detail: `revisions ${chain.expectedRevision} to ${row.revision - 1} are missing before it`,
      });
    else if (row.revision < chain.expectedRevision)
      problems.push({
        kind: 'revision-out-of-order',
        ...where(row),
        detail: `comes after revision ${chain.expectedRevision - 1} in the log`,
      });
    if (row.previousHash !== undefined && row.previousHash !== chain.previousHash)
      problems.push({
        kind: 'previous-hash-mismatch',
        ...where(row),
        detail: 'its previous hash is not the hash of the event before it',
      });
    if (!row.hashMatchesContent)
      problems.push({
        kind: 'hash-mismatch',
        ...where(row),
        detail: "the stored hash is not its content's hash",
      });
    chain.expectedRevision = row.revision + 1;
    chain.previousHash = row.storedHash;
    chain.count += 1;
    chain.last = { revision: row.revision, hash: row.storedHash, recordedAt: row.recordedAt };
  };

  const checkStreams = (streams: readonly StreamRowSeen[]) => {
    const rows = new Map(streams.filter((s) => inScope(s.negotiationId)).map((s) => [s.negotiationId, s]));
    for (const [negotiationId, chain] of chains) {
      const stream = rows.get(negotiationId);
      rows.delete(negotiationId);
      const last = chain.last;
      if (last === undefined) continue;
      const problem = (detail: string) => problems.push({ kind: 'streams-row', negotiationId, detail });
      if (stream === undefined) problem(`has ${chain.count} event(s) but no streams row`);
      else if (stream.revision < last.revision)
        problem(
          `the streams row says revision ${stream.revision}, lower than the last event's ${last.revision}`,
        );
      else if (stream.revision > last.revision)
        problem(
          `the streams row says revision ${stream.revision}, the last event is at ${last.revision}: events after it are missing`,
        );
      else if (stream.lastHash !== last.hash || stream.lastRecordedAt !== last.recordedAt)
        problem("the streams row does not name the last event's hash and time");
      else if (stream.eventCount !== chain.count)
        problem(`the streams row counts ${stream.eventCount} events, the log holds ${chain.count}`);
    }
    for (const negotiationId of rows.keys())
      problems.push({ kind: 'streams-row', negotiationId, detail: 'a streams row with no events' });
  };

  return {
    row,
    report: (problem) => problems.push(problem),
    finish: (streams, storedTree) => {
      if (streams !== undefined) checkStreams(streams);
      if (storedTree !== undefined) {
        if (typeof storedTree.root === 'string')
          problems.push({ kind: 'tree', negotiationId: '(log)', detail: storedTree.root });
        else if (storedTree.size !== frontier.size || !storedTree.root.equals(frontier.root()))
          problems.push({
            kind: 'tree',
            negotiationId: '(log)',
            detail: `the stored tree (${storedTree.size} leaves) does not match the ${frontier.size} events`,
          });
      }
      const { checkpoint } = options;
      let extended: boolean | undefined;
      if (checkpoint !== undefined) {
        const root = checkpoint.size === 0 ? frontier.root() : checkpointRoot;
        extended = root !== undefined && root.equals(checkpoint.rootHash);
        if (!extended)
          problems.push({
            kind: 'not-extended',
            negotiationId: '(checkpoint)',
            detail:
              root === undefined
                ? `the log holds ${frontier.size} events, fewer than the ${checkpoint.size} the checkpoint covers: events were removed since`
                : `the first ${checkpoint.size} events no longer hash to the checkpoint's root: an event recorded before it was rewritten, removed or reordered since (or a negotiation dropped)`,
          });
      }
      return {
        events: [...chains.values()].reduce((sum, chain) => sum + chain.count, 0),
        logSize: frontier.size,
        negotiations: chains.size,
        problems,
        ...(checkpoint === undefined || extended === undefined
          ? {}
          : { checkpoint: { size: checkpoint.size, extended } }),
      };
    },
  };
};

/** A problem as one line of verify's output: where, what kind, why. */
export const describeProblem = (problem: AuditProblem): string => {
  const label = problem.kind === 'derived-copy' ? '' : `${problem.kind}: `;
  const position = problem.position === undefined ? '' : ` (position ${problem.position})`;
  return problem.eventId === undefined
    ? `${problem.negotiationId}: ${label}${problem.detail}`
    : `${problem.negotiationId}: event ${problem.eventId} at revision ${problem.revision ?? '?'}: ${label}${problem.detail}${position}`;
};

/** A row of the embedded store as the audit sees it: the hash is checked against the stored bytes themselves. */
export const auditedRowOfStoredText = (row: StoredEventRow): AuditedRow => {
  const columns = {
    position: row.position,
    eventId: row.event_id,
    negotiationId: row.negotiation_id,
    revision: row.revision,
    storedHash: row.hash,
    recordedAt: row.recorded_at,
    hashMatchesContent: hashCanonicalText(row.data) === row.hash,
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.data);
  } catch {
    return { ...columns, previousHash: undefined, undecodable: 'its data is not JSON' };
  }
  const previousHash =
    typeof parsed === 'object' &&
    parsed !== null &&
    typeof (parsed as { previousHash?: unknown }).previousHash === 'string'
      ? (parsed as { previousHash: string }).previousHash
      : undefined;
  const decoded = decodeStoredEvent({ ...(parsed as object), hash: row.hash }, row.position);
  return E.isLeft(decoded)
    ? {
        ...columns,
        previousHash,
        undecodable: decoded.left.map((v) => `${v.field} ${v.reason}`).join('; '),
      }
    : { ...columns, previousHash };
};

/** An event read through the store port (EventStoreDB): decoded already, its hash checked against its content. */
export const auditedRowOfEvent = (event: StoredEvent): AuditedRow => ({
  position: event.position,
  eventId: event.id,
  negotiationId: event.negotiationId,
  revision: event.revision,
  storedHash: event.hash,
  recordedAt: event.recordedAt,
  previousHash: event.previousHash,
  hashMatchesContent: hashVerifies(event),
});
