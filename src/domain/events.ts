import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { Name, PositiveNumber, Slug, Text, Uuid, strictObject } from './codecs';
import { EVENT_PAYLOADS, EventType, EventTypeCodec, PayloadOf } from './catalog';
import { Confidence, Sources } from './provenance';
import { DateOrDateTime, Instant, Interval, Precision, occurrenceInterval } from './time';
import { FieldViolation, toFieldViolations } from './validation-error';

/**
 * The envelope every reported development shares. The payload is decoded in a second step against the codec of
 * the event's type, so errors name payload fields precisely and unknown types are refused by name.
 */
export const EventEnvelope = strictObject(
  'Event',
  {
    type: EventTypeCodec,
    occurredAt: Name,
    precision: Precision,
    reportedAt: DateOrDateTime,
    sources: Sources,
    payload: t.UnknownRecord,
  },
  { id: Uuid, negotiationId: Slug, confidence: Confidence, summary: Text, sequence: PositiveNumber },
);

interface EnvelopeFields {
  readonly id?: string;
  readonly negotiationId?: string;
  readonly occurredAt: string;
  readonly precision: Precision;
  readonly reportedAt: string;
  readonly sources: t.TypeOf<typeof Sources>;
  readonly confidence?: Confidence;
  readonly summary?: string;
  /** Order among developments of the same day when the reports give one but no time of day. */
  readonly sequence?: number;
}

/** A development as a client reports it, before the store has recorded it. */
export type NewEvent = {
  [K in EventType]: EnvelopeFields & { readonly type: K; readonly payload: PayloadOf<K> };
}[EventType];
export type NewEventOf<K extends EventType> = Extract<NewEvent, { type: K }>;

/** What the store adds when it records an event: never supplied by a client. */
export const RecordingMetadata = t.type({
  id: Uuid,
  negotiationId: Slug,
  revision: t.number,
  recordedAt: Instant,
  recordedBy: Name,
  previousHash: t.string,
  hash: t.string,
});
export type RecordingMetadata = t.TypeOf<typeof RecordingMetadata>;

/** A recorded event: immutable, hash-chained to its predecessor in the negotiation's stream. */
export type StoredEvent = NewEvent & RecordingMetadata & { readonly position: number };
export type StoredEventOf<K extends EventType> = Extract<NewEvent, { type: K }> &
  RecordingMetadata & { readonly position: number };

/** Decodes one reported development, collecting every violation with its field path. */
export const decodeNewEvent = (input: unknown, prefix = ''): E.Either<FieldViolation[], NewEvent> => {
  const envelope = EventEnvelope.decode(input);
  if (E.isLeft(envelope)) return E.left(toFieldViolations(envelope.left, prefix));
  const event = envelope.right;
  const violations: FieldViolation[] = [];
  const at = (field: string) => (prefix === '' ? field : `${prefix}.${field}`);
  const interval = occurrenceInterval(event.occurredAt, event.precision);
  if (typeof interval === 'string') violations.push({ field: at('occurredAt'), reason: interval });
  const payload = EVENT_PAYLOADS[event.type].decode(event.payload);
  if (E.isLeft(payload)) violations.push(...toFieldViolations(payload.left, at('payload')));
  if (violations.length > 0 || E.isLeft(payload)) return E.left(violations);
  return E.right({ ...event, payload: payload.right as unknown } as NewEvent);
};

/** Decodes a batch; every event's violations are reported, prefixed with its index ("events.3.payload.issueId"). */
export const decodeNewEvents = (
  inputs: readonly unknown[],
  prefix = 'events',
): E.Either<FieldViolation[], NewEvent[]> => {
  const violations: FieldViolation[] = [];
  const events: NewEvent[] = [];
  inputs.forEach((input, index) => {
    const decoded = decodeNewEvent(input, `${prefix}.${index}`);
    if (E.isLeft(decoded)) violations.push(...decoded.left);
    else events.push(decoded.right);
  });
  return violations.length > 0 ? E.left(violations) : E.right(events);
};

/** Decodes an event read back from storage: the same rules as at the HTTP edge, plus the recording metadata. */
export const decodeStoredEvent = (
  input: unknown,
  position: number,
): E.Either<FieldViolation[], StoredEvent> => {
  if (typeof input !== 'object' || input === null)
    return E.left([{ field: '(event)', reason: 'must be an object' }]);
  const { revision, recordedAt, recordedBy, previousHash, hash, ...reported } = input as Record<
    string,
    unknown
  >;
  const metadata = RecordingMetadata.decode({
    ...reported,
    revision,
    recordedAt,
    recordedBy,
    previousHash,
    hash,
  });
  const event = decodeNewEvent(reported);
  if (E.isLeft(metadata)) return E.left(toFieldViolations(metadata.left));
  if (E.isLeft(event)) return event;
  return E.right({ ...event.right, ...metadata.right, position });
};

/** The interval in which an event occurred (validated at decoding, so it always parses). */
export const occurredInterval = (event: Pick<EnvelopeFields, 'occurredAt' | 'precision'>): Interval => {
  const interval = occurrenceInterval(event.occurredAt, event.precision);
  if (typeof interval === 'string') throw new Error(`invariant: undecoded occurrence ${event.occurredAt}`);
  return interval;
};

/** The fields of a stored event that the hash covers and that travel between stores. */
export const recordedFields = (event: StoredEvent): Omit<StoredEvent, 'position'> => {
  const { position: _position, ...rest } = event;
  return rest;
};

/**
 * What the reporter sent, without what the store added: the fields an NDJSON import takes back, and the content
 * a retried append is compared on.
 */
export const reportedFields = (
  event: Omit<StoredEvent, 'position'> & { readonly position?: number },
): NewEvent & { readonly negotiationId: string } => {
  const {
    revision: _r,
    recordedAt: _ra,
    recordedBy: _rb,
    previousHash: _p,
    hash: _h,
    position: _pos,
    ...reported
  } = event;
  return reported as NewEvent & { readonly negotiationId: string };
};

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * A recorded event as folds need it: everything but the words of its sources (quotes, titles, URLs), of which
 * only who said it is kept. Stores can serve it far cheaper than the full event; answers built from it are the
 * same, since no projection reads the words.
 */
export type LeanEvent = DistributiveOmit<
  StoredEvent,
  'sources' | 'hash' | 'previousHash' | 'position' | 'negotiationId'
> & {
  readonly sources: ReadonlyArray<{ readonly attribution?: StoredEvent['sources'][number]['attribution'] }>;
};

export const toLeanEvent = (
  event: Omit<StoredEvent, 'position'> & { readonly position?: number },
): LeanEvent => {
  const {
    sources,
    hash: _hash,
    previousHash: _previousHash,
    position: _position,
    negotiationId: _negotiationId,
    ...rest
  } = event;
  return {
    ...rest,
    sources: sources.map(({ attribution }) => (attribution === undefined ? {} : { attribution })),
  } as LeanEvent;
};

/**
 * How developments that share an occurrence interval are ordered: those with an explicit sequence first, in its
 * order, then the others by report time. A text key, so stores can index it beside the interval.
 */
export const sameIntervalKey = (event: {
  readonly sequence?: number;
  readonly reportedAt: string;
}): string =>
  event.sequence === undefined ? event.reportedAt : `!${event.sequence.toFixed(6).padStart(24, '0')}`;
