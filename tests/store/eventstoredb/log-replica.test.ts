import { recordedFields } from '../../../src/domain';
import { createInMemoryEventStore } from '../../../src/store';
import { AllPosition, EsdbRecord, createLogReplica, toEventData } from '../../../src/store/eventstoredb';
import { manualClock, reported, unwrap } from '../../support/builders';

/**
 * Given deliveries from a $all subscription, the replica shows each append whole, once, in order, and only for
 * streams under its prefix, whatever a resubscription delivers again.
 */
const PREFIX = 'negotiation-';
const at = (n: number): AllPosition => ({ commit: BigInt(n * 100), prepare: BigInt(n * 100) });

/** Recorded events of one negotiation, as appends of the given sizes, ready to be delivered. */
const appends = async (negotiationId: string, sizes: readonly number[]): Promise<EsdbRecord[][]> => {
  const store = createInMemoryEventStore(manualClock());
  const batches: EsdbRecord[][] = [];
  for (const [batch, size] of sizes.entries()) {
    const events = [...Array(size).keys()].map((n) => reported('TalksStalled', { reason: `${batch}.${n}` }));
    const result = unwrap(
      await store.append({ negotiationId, events, expectedRevision: { kind: 'any' }, recordedBy: 'r' })(),
    );
    const stored = unwrap(
      await store.readStream(negotiationId, { fromRevision: result.events[0]?.revision })(),
    );
    batches.push(
      stored.map((event) => {
        const data = toEventData(recordedFields(event), result.revision);
        return {
          streamId: `${PREFIX}${negotiationId}`,
          id: event.id,
          type: event.type,
          revision: BigInt(event.revision),
          data: data.data,
          metadata: data.metadata,
          position: at(event.position),
        };
      }),
    );
  }
  return batches;
};

const foreign = (n: number): EsdbRecord => ({
  streamId: '$settings',
  id: '00000000-0000-4000-8000-000000000000',
  type: 'update-default-acl',
  revision: 0n,
  data: {},
  metadata: undefined,
  position: at(n),
});

describe('the log replica fed by a $all subscription', () => {
  it('shows an append only once its last event has arrived', async () => {
    const [batch] = await appends('talks', [3]);
    const replica = createLogReplica(PREFIX);
    const [first, second, third] = batch!;
    expect(replica.apply(first!)).toBe('pending');
    expect(replica.apply(second!)).toBe('pending');
    expect(replica.stream('talks')).toEqual([]);
    expect(replica.head('talks').revision).toBe(-1);
    expect(replica.apply(third!)).toBe('applied');
    expect(replica.stream('talks').map((e) => e.revision)).toEqual([0, 1, 2]);
    expect(replica.checkpoint).toEqual(third!.position);
  });

  it('skips a delivery at or before its checkpoint, so an overlapping resubscription counts nothing twice', async () => {
    const [one, two] = await appends('talks', [1, 2]);
    const replica = createLogReplica(PREFIX);
    for (const record of [...one!, ...two!]) replica.apply(record);
    replica.startDelivery();
    const again = [...one!, ...two!].map((record) => replica.apply(record));
    expect(again).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(replica.duplicatesSkipped).toBe(3);
    expect(replica.all()).toHaveLength(3);
  });

  it('drops an unfinished append when the subscription starts again, and lands it whole on redelivery', async () => {
    const [batch] = await appends('talks', [2]);
    const replica = createLogReplica(PREFIX);
    replica.apply(batch![0]!);
    replica.advanceTo(batch![0]!.position);
    expect(replica.checkpoint).toBeUndefined();
    replica.startDelivery();
    expect(batch!.map((record) => replica.apply(record))).toEqual(['pending', 'applied']);
    expect(replica.stream('talks').map((e) => e.revision)).toEqual([0, 1]);
  });

  it('moves its checkpoint over other streams and leaves them out', async () => {
    const [batch] = await appends('talks', [1]);
    const replica = createLogReplica(PREFIX);
    expect(replica.apply(foreign(0))).toBe('not-ours');
    expect(replica.checkpoint).toEqual(at(0));
    replica.apply(batch![0]!);
    replica.advanceTo(at(1000));
    expect(replica.checkpoint).toEqual(at(1000));
    expect(replica.summaries().map((s) => s.negotiationId)).toEqual(['talks']);
  });

  it('refuses to serve a stream with an undecodable event or a revision gap, and only that stream', async () => {
    const [good] = await appends('talks', [1]);
    const [, gap] = await appends('gappy', [1, 1]);
    const replica = createLogReplica(PREFIX);
    replica.apply({ ...foreign(0), streamId: `${PREFIX}junk`, data: { not: 'an event' }, metadata: {} });
    replica.apply(good![0]!);
    replica.apply(gap![0]!);
    expect(replica.unreadable('junk')).toMatch(/does not decode/);
    expect(replica.unreadable('gappy')).toMatch(/revision 1 arrived where 0 was expected/);
    expect(replica.unreadable('talks')).toBeUndefined();
    expect(replica.stream('talks')).toHaveLength(1);
  });

  it('wakes a wait as soon as its condition holds, and gives up after the timeout otherwise', async () => {
    const [batch] = await appends('talks', [1]);
    const replica = createLogReplica(PREFIX);
    const arrived = replica.waitUntil(() => replica.head('talks').revision === 0, 5_000);
    replica.apply(batch![0]!);
    await expect(arrived).resolves.toBe(true);
    await expect(replica.waitUntil(() => replica.head('talks').revision === 5, 10)).resolves.toBe(false);
  });
});
