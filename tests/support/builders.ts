import { randomUUID } from 'node:crypto';
import { EventStore, EventToAppend } from '../../src/store';
import * as E from 'fp-ts/Either';
import { EventType, NewEventOf, PayloadOf, Precision, Unbranded, decodeNewEvent } from '../../src/domain';

export const source = (quote = 'a quote supporting the event') => ({
  outlet: 'Test Wire',
  title: 'A report',
  publishedAt: '2024-07-04',
  quote,
  attribution: { kind: 'anonymous' as const, descriptor: 'senior official' },
});

export interface EventOptions {
  readonly id?: string;
  readonly occurredAt?: string;
  readonly precision?: Precision;
  readonly reportedAt?: string;
  readonly summary?: string;
  readonly sequence?: number;
  readonly confidence?: 'confirmed' | 'reported' | 'claimed' | 'disputed';
}

/** A valid reported development of a type, decoded through the real codec so tests cannot build invalid ones. */
export const reported = <K extends EventType>(
  type: K,
  payload: Unbranded<PayloadOf<K>>,
  options: EventOptions = {},
): NewEventOf<K> & { id: string } => {
  const raw = {
    id: options.id ?? randomUUID(),
    type,
    occurredAt: options.occurredAt ?? '2024-07-04',
    precision: options.precision ?? 'day',
    reportedAt: options.reportedAt ?? '2024-07-05',
    sources: [source()],
    ...(options.summary === undefined ? {} : { summary: options.summary }),
    ...(options.sequence === undefined ? {} : { sequence: options.sequence }),
    ...(options.confidence === undefined ? {} : { confidence: options.confidence }),
    payload,
  };
  const decoded = decodeNewEvent(raw);
  if (E.isLeft(decoded)) throw new Error(`test event does not decode: ${JSON.stringify(decoded.left)}`);
  return decoded.right as NewEventOf<K> & { id: string };
};

/** A clock that returns the instants it is set to, for recordedAt in tests. */
export const manualClock = (start = '2025-01-01T00:00:00.000Z') => {
  let now = new Date(start);
  const clock = () => new Date(now);
  clock.set = (instant: string) => {
    now = new Date(instant);
  };
  clock.advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };
  return clock;
};

export const unwrap = <L, R>(either: E.Either<L, R>): R => {
  if (E.isLeft(either)) throw new Error(`expected Right, got Left: ${JSON.stringify(either.left)}`);
  return either.right;
};

export const unwrapLeft = <L, R>(either: E.Either<L, R>): L => {
  if (E.isRight(either)) throw new Error(`expected Left, got Right: ${JSON.stringify(either.right)}`);
  return either.left;
};

/** Appends events to a store (any revision) and returns the result, failing the test on an error. */
export const appendAll = async (
  store: EventStore,
  events: readonly EventToAppend[],
  { negotiationId = 'n', recordedBy = 'tester' }: { negotiationId?: string; recordedBy?: string } = {},
) => unwrap(await store.append({ negotiationId, events, expectedRevision: { kind: 'any' }, recordedBy })());
