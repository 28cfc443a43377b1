import { v7 } from 'uuid';

/**
 * The id given to an event whose reporter sent none: an RFC 9562 version 7 UUID, whose leading bits are the
 * minting time in milliseconds and whose remaining sequence keeps ids minted in the same millisecond in order.
 * So ids minted one after another sort one after another, and a store's unique index on event ids grows at its
 * end instead of dirtying a random page of it per event (the benchmark's ingest and its storage floor measure
 * both kinds of ids: README, Performance). Ids that clients send are kept as they are (any version); the time in
 * an id is only when it was minted, never read as any of an event's clocks.
 */
export const newEventId = (): string => v7();
