import {
  CorrectedFields,
  Interval,
  StoredEvent,
  endOfDateOrDateTime,
  isCorrectionType,
  occurredInterval,
  parseInstant,
} from '../domain';
import { Development } from './negotiation-state';

/** A correction or retraction that changed what the log says about a development. */
export interface Amendment {
  readonly eventId: string;
  readonly kind: 'correction' | 'retraction';
  readonly reason: string;
  readonly recordedAt: string;
  readonly fields?: readonly string[];
}

/** A development as the log currently tells it: corrections applied, with where it sits in time. */
export interface EffectiveDevelopment {
  readonly event: Development;
  readonly interval: Interval;
  readonly recordedAt: string;
  readonly recordedBy: string;
  readonly revision: number;
  readonly amendments: readonly Amendment[];
}

export interface RetractedDevelopment {
  readonly event: Development;
  readonly retraction: Amendment;
}

export interface EffectiveLog {
  /** Developments in occurrence order (earliest possible start first; ties broken by content, never by arrival). */
  readonly developments: readonly EffectiveDevelopment[];
  readonly retracted: readonly RetractedDevelopment[];
}

const applyCorrection = (event: Development, corrections: CorrectedFields): Development =>
  ({ ...event, ...corrections, payload: corrections.payload ?? event.payload }) as Development;

/**
 * Orders developments by when they occurred. Every key comes from the event's own content, so the order (and
 * every fold over it) does not depend on the order in which reports were appended.
 */
export const compareDevelopments = (a: EffectiveDevelopment, b: EffectiveDevelopment): number =>
  a.interval.startMs - b.interval.startMs ||
  a.interval.endMs - b.interval.endMs ||
  compareText(a.event.reportedAt, b.event.reportedAt) ||
  compareText(a.event.id, b.event.id);

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * What the log said at `knownAt` (every event recorded by then, in recorded order), with corrections applied to
 * their targets and retracted developments set aside. Without `knownAt`, the log as it stands now.
 */
export const effectiveLog = (stream: readonly StoredEvent[], knownAt?: string): EffectiveLog => {
  const knownUntil = knownAt === undefined ? Number.POSITIVE_INFINITY : endOfDateOrDateTime(knownAt);
  const current = new Map<string, { event: Development; record: StoredEvent; amendments: Amendment[] }>();
  const retracted: RetractedDevelopment[] = [];
  for (const record of stream) {
    // `continue`, not `break`: recordedAt follows a wall clock, which is not guaranteed to be monotonic.
    if ((parseInstant(record.recordedAt) ?? 0) > knownUntil) continue;
    if (record.type === 'EventCorrected' || record.type === 'EventRetracted') {
      const target = current.get(record.payload.targetEventId);
      if (target === undefined) continue;
      if (record.type === 'EventCorrected') {
        target.event = applyCorrection(target.event, record.payload.corrections);
        target.amendments.push({
          eventId: record.id,
          kind: 'correction',
          reason: record.payload.reason,
          recordedAt: record.recordedAt,
          fields: Object.keys(record.payload.corrections),
        });
      } else {
        current.delete(record.payload.targetEventId);
        retracted.push({
          event: target.event,
          retraction: {
            eventId: record.id,
            kind: 'retraction',
            reason: record.payload.reason,
            recordedAt: record.recordedAt,
          },
        });
      }
      continue;
    }
    if (!isCorrectionType(record.type)) current.set(record.id, { event: record, record, amendments: [] });
  }
  const developments = [...current.values()].map(({ event, record, amendments }): EffectiveDevelopment => ({
    event,
    interval: occurredInterval(event),
    recordedAt: record.recordedAt,
    recordedBy: record.recordedBy,
    revision: record.revision,
    amendments,
  }));
  developments.sort(compareDevelopments);
  return { developments, retracted };
};
