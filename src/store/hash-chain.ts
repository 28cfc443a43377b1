import { createHash } from 'node:crypto';
import { StoredEvent, recordedFields } from '../domain';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted at every depth, so equal content always serialises to equal bytes. Decoded events
 * are built with sorted keys already (see strictObject), so the common case is checked and handed to the native
 * JSON.stringify; anything else is sorted first.
 */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(keysSortedEverywhere(value) ? value : sortKeys(value));

/** True when every object's own keys are in strictly ascending order (and JSON.stringify keeps that order). */
const keysSortedEverywhere = (value: unknown): boolean => {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(keysSortedEverywhere);
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  const record = value as Record<string, unknown>;
  let previous: string | undefined;
  for (const key of Object.keys(record)) {
    if (previous !== undefined && previous >= key) return false;
    if (!keysSortedEverywhere(record[key])) return false;
    previous = key;
  }
  return true;
};

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) sorted[key] = sortKeys(v);
    }
    return sorted;
  }
  return value;
};

/**
 * The hash of a recorded event: SHA-256 over its canonical JSON, which includes the previous event's hash, so
 * altering or removing any event breaks every hash after it. The global position is not covered: it is assigned
 * by whichever store holds the log, and the chain must survive a copy between stores.
 */
export const hashEvent = (event: Omit<StoredEvent, 'hash' | 'position'>): string =>
  hashCanonicalText(canonicalJson(event));

/** The hash of an event from its canonical JSON without the hash, when the caller has that text already. */
export const hashCanonicalText = (text: string): string => createHash('sha256').update(text).digest('hex');

export type ChainBreak = {
  readonly eventId: string;
  readonly revision: number;
  readonly reason: 'hash-mismatch' | 'previous-hash-mismatch' | 'revision-gap';
};

/** Checks one stream's events (in revision order) and returns the first break, if any. */
export const findChainBreak = (events: readonly StoredEvent[]): ChainBreak | undefined => {
  let previousHash = GENESIS_HASH;
  let expectedRevision = 0;
  for (const event of events) {
    if (event.revision !== expectedRevision)
      return { eventId: event.id, revision: event.revision, reason: 'revision-gap' };
    if (event.previousHash !== previousHash)
      return { eventId: event.id, revision: event.revision, reason: 'previous-hash-mismatch' };
    if (!hashVerifies(event)) return { eventId: event.id, revision: event.revision, reason: 'hash-mismatch' };
    previousHash = event.hash;
    expectedRevision += 1;
  }
  return undefined;
};

/** Whether a stored hash verifies against its own content (used per event in audit views). */
export const hashVerifies = (event: StoredEvent): boolean => {
  const { hash, ...unhashed } = recordedFields(event);
  return hashEvent(unhashed) === hash;
};
