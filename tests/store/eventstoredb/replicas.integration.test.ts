import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/Either';
import { recordedFields } from '../../../src/domain';
import { AppendRequest, findChainBreak, rootAt } from '../../../src/store';
import { EventStoreDbStore, createEventStoreDbStore } from '../../../src/store/eventstoredb';
import { manualClock, reported, unwrap, unwrapLeft } from '../../support/builders';
import { ProtocolDouble, startProtocolDouble } from '../../support/eventstore-protocol-double';
import { eventually } from '../../support/eventually';

/**
 * Several instances of the adapter over one EventStoreDB (the protocol double), as several API replicas run:
 * each keeps its view current from its own subscription, and the server arbitrates their writes.
 */
const PREFIX = 'negotiation-';
const BOUND_MS = 2_000;

const stalled = (reason: string) => reported('TalksStalled', { reason });
const request = (events: AppendRequest['events'], negotiationId = 'talks'): AppendRequest => ({
  negotiationId,
  events,
  expectedRevision: { kind: 'any' },
  recordedBy: 'tester',
});

describe('EventStoreDB store instances over one database', () => {
  let double: ProtocolDouble;
  let stores: EventStoreDbStore[];
  const open = (connectionName: string, clock?: () => Date) => {
    const store = createEventStoreDbStore({
      connectionString: `${double.url}&connectionName=${connectionName}`,
      streamPrefix: PREFIX,
      reconnectDelayMs: 20,
      ...(clock ? { clock } : {}),
    });
    stores.push(store);
    return store;
  };
  const revisionOf = async (store: EventStoreDbStore, negotiationId = 'talks') =>
    unwrap(await store.streamRevision(negotiationId)());

  beforeEach(async () => {
    double = await startProtocolDouble();
    stores = [];
  });
  afterEach(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await double.stop();
  });

  it('shows an append through one instance in the other within the bound, identically', async () => {
    const a = open('a');
    const b = open('b');
    unwrap(await b.listStreams()());
    unwrap(await a.append(request([stalled('one'), stalled('two')]))());
    await eventually(BOUND_MS, async () => (await revisionOf(b)) === 1);
    const seenByA = unwrap(await a.readStream('talks')());
    const seenByB = unwrap(await b.readStream('talks')());
    expect(seenByB).toEqual(seenByA);
    expect(unwrap(await b.readAll()())).toEqual(unwrap(await a.readAll()()));
  });

  it('keeps one hash chain when two instances append to one negotiation at the same time', async () => {
    const a = open('a');
    const b = open('b');
    const results = await Promise.all(
      [...Array(10).keys()].flatMap((n) => [
        a.append(request([stalled(`a${n}`)]))(),
        b.append(request([stalled(`b${n}`)]))(),
      ]),
    );
    expect(results.filter(E.isLeft)).toEqual([]);
    await eventually(BOUND_MS, async () => (await revisionOf(a)) === 19 && (await revisionOf(b)) === 19);
    const stream = unwrap(await a.readStream('talks')());
    expect(findChainBreak(stream)).toBeUndefined();
    expect(new Set(stream.map((e) => e.id)).size).toBe(20);
    expect(unwrap(await b.readStream('talks')())).toEqual(stream);
    // The race was real: instances wrote from views the other had just moved past, and the server refused them.
    expect(double.log.decisions.wrongExpectedVersion).toBeGreaterThan(0);
    expect(double.log.decisions.written).toBe(1 + 20); // the double's own $settings event, then ours
    // Both instances grew the same Merkle tree from $all, so they sign the same checkpoints.
    const rootOf = async (store: EventStoreDbStore) =>
      unwrap(await store.readTree!((tree) => [tree.size, rootAt(tree, tree.size).toString('hex')])());
    expect(await rootOf(b)).toEqual(await rootOf(a));
    expect((await rootOf(a))[0]).toBe(20);
  });

  it('returns the original result to a retry sent through another instance, whether or not it has seen it', async () => {
    const a = open('a', manualClock('2025-01-01T00:00:00.000Z'));
    const b = open('b', manualClock('2025-01-02T00:00:00.000Z'));
    unwrap(await b.listStreams()());
    for (let round = 0; round < 5; round += 1) {
      const batch = [stalled(`round ${round} first`), stalled(`round ${round} second`)];
      const original = unwrap(await a.append(request(batch))());
      const retried = unwrap(await b.append(request(batch))());
      expect(retried).toEqual({ ...original, replayed: true });
    }
    expect(unwrap(await a.readStream('talks')())).toHaveLength(10);
    expect(
      unwrapLeft(
        await b.append(request([{ ...stalled('x'), id: unwrap(await a.readStream('talks')())[0]!.id }]))(),
      ),
    ).toMatchObject({ _tag: 'EventIdConflict' });
  });

  it('resumes a dropped subscription from its checkpoint: nothing lost, nothing counted twice', async () => {
    const a = open('replica-a');
    const b = open('replica-b');
    unwrap(await a.append(request([stalled('before the drop')]))());
    await eventually(BOUND_MS, async () => (await revisionOf(b)) === 0);
    const checkpoint = a.status().checkpoint;
    const startsOfA = () => double.subscriptionStarts.filter((s) => s.connectionName === 'replica-a');
    expect(startsOfA()).toHaveLength(1);

    const release = double.suspendSubscriptions('replica-a');
    await eventually(BOUND_MS, () => startsOfA().length === 2);
    for (const n of [1, 2, 3]) unwrap(await b.append(request([stalled(`during the drop ${n}`)]))());
    expect(await revisionOf(a)).toBe(0);

    release();
    await eventually(BOUND_MS, async () => (await revisionOf(a)) === 3);
    expect(startsOfA()[1]?.from).toEqual(checkpoint);
    const all = unwrap(await a.readAll()());
    expect(all).toEqual(unwrap(await b.readAll()()));
    expect(new Set(all.map((e) => e.id)).size).toBe(4);
    expect(a.status()).toMatchObject({ caughtUp: true, resubscriptions: 1 });
  });

  it('recovers when the server closes every connection, and a retried append stays idempotent', async () => {
    const a = open('a');
    const b = open('b');
    unwrap(await a.append(request([stalled('before the restart')]))());
    await eventually(BOUND_MS, async () => (await revisionOf(b)) === 0);
    await double.restart();
    const batch = [stalled('after the restart')];
    let attempts = 0;
    await eventually(BOUND_MS, async () => {
      attempts += 1;
      return E.isRight(await b.append(request(batch))());
    });
    await eventually(BOUND_MS, async () => (await revisionOf(a)) === 1);
    const stream = unwrap(await a.readStream('talks')());
    expect(stream.map((e) => e.id)).toEqual([stream[0]?.id, batch[0]?.id]);
    expect(findChainBreak(stream)).toBeUndefined();
    expect(attempts).toBeGreaterThanOrEqual(1);
  });

  it('answers with a store failure while the server is unreachable, and catches up once it is back', async () => {
    await double.stop();
    const store = createEventStoreDbStore({
      connectionString: double.url,
      catchUpTimeoutMs: 300,
      reconnectDelayMs: 20,
    });
    stores.push(store);
    expect(unwrapLeft(await store.readStream('talks')())).toMatchObject({
      _tag: 'StoreFailure',
      message: expect.stringMatching(/not caught up/),
    });
    await double.restart();
    await eventually(BOUND_MS, async () => E.isRight(await store.append(request([stalled('back')]))()));
    expect(await revisionOf(store)).toBe(0);
  });

  it('ignores streams outside its prefix and refuses to serve a stream whose events do not decode', async () => {
    const raw = EventStoreDBClient.connectionString(double.url);
    await raw.appendToStream('elsewhere-1', jsonEvent({ type: 'Unrelated', data: { any: 'thing' } }));
    await raw.appendToStream(
      `${PREFIX}broken`,
      jsonEvent({ type: 'TalksStalled', data: { not: 'an event' } }),
    );
    await raw.dispose();
    const a = open('a');
    unwrap(await a.append(request([stalled('fine')]))());
    expect(unwrap(await a.listStreams()()).map((s) => s.negotiationId)).toEqual(['talks']);
    expect(unwrapLeft(await a.readStream('broken')())).toMatchObject({
      _tag: 'StoreFailure',
      message: expect.stringMatching(/does not decode/),
    });
    expect(unwrapLeft(await a.append(request([stalled('more')], 'broken'))())).toMatchObject({
      _tag: 'StoreFailure',
    });
    expect(unwrap(await a.readAll()()).map((e) => e.negotiationId)).toEqual(['talks']);
  });

  it('keeps recorded fields identical across instances (what a copy and an audit compare)', async () => {
    const a = open('a');
    const b = open('b');
    const reference = [stalled('r1'), stalled('r2'), stalled('r3')];
    unwrap(await a.append(request(reference, 'audit'))());
    await eventually(BOUND_MS, async () => (await revisionOf(b, 'audit')) === 2);
    expect(unwrap(await b.readStream('audit')()).map(recordedFields)).toEqual(
      unwrap(await a.readStream('audit')()).map(recordedFields),
    );
    expect(randomUUID()).not.toBe(reference[0]?.id);
  });
});
