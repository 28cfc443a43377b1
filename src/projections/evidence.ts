import { EventType, LeanEvent, NewEvent, Precision } from '../domain';

/** A pointer to the development that established a fact, with when it occurred. */
export interface Evidence {
  readonly eventId: string;
  readonly type: EventType;
  readonly occurredAt: string;
  readonly precision: Precision;
}

/** The types that describe the world (as opposed to corrections and retractions of earlier reports). */
export type DevelopmentType = Exclude<EventType, 'EventCorrected' | 'EventRetracted'>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * A development as the folds see it: a recorded event of a development type, after corrections and retractions.
 * Of its sources only the attributions are needed, so lean events (without the sources' words) fold the same.
 */
export type Development = DistributiveOmit<Extract<NewEvent, { type: DevelopmentType }>, 'sources'> & {
  readonly id: string;
  readonly sources: LeanEvent['sources'];
};

export type DevelopmentOfType<T extends DevelopmentType> = Extract<Development, { type: T }>;

export const evidenceOf = (event: Development): Evidence => ({
  eventId: event.id,
  type: event.type,
  occurredAt: event.occurredAt,
  precision: event.precision,
});

/** Copies only the keys whose value is defined, so answers and their digests never carry `undefined`. */
export const defined = <T extends object>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
};

/** A record with one key set to a new value; the rest shared. */
export const withEntry = <V>(
  record: Readonly<Record<string, V>>,
  key: string,
  value: V,
): Readonly<Record<string, V>> => ({ ...record, [key]: value });

/** A record without one key. */
export const withoutEntry = <V>(
  record: Readonly<Record<string, V>>,
  key: string,
): Readonly<Record<string, V>> => {
  if (!Object.prototype.hasOwnProperty.call(record, key)) return record;
  const { [key]: _dropped, ...rest } = record;
  return rest;
};

/** A record's own entry: ids come from reports, and "constructor" must not find Object's. */
export const entry = <V>(record: Readonly<Record<string, V>>, key: string): V | undefined =>
  Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
