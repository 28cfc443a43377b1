import * as E from 'fp-ts/Either';
import { StoredEvent, recordedFields, reportedFields } from '../../src/domain';
import { effectiveLog } from '../../src/projections';
import {
  AppendRequest,
  EventStore,
  createInMemoryEventStore,
  findChainBreak,
  GENESIS_HASH,
  TreeFrontier,
  consistencyProof,
  eventLeafHash,
  inclusionProof,
  rootAt,
  verifyConsistency,
  verifyInclusion,
} from '../../src/store';
import { manualClock, reported, unwrap, unwrapLeft } from '../support/builders';
import { REFERENCE_ID, referenceLines, referenceLog, viewsAsOf } from '../support/reference-story';

export type StoreFactory = (
  clock: ReturnType<typeof manualClock>,
) => Promise<{ store: EventStore; cleanup?: () => Promise<void> }>;

const stalled = (reason = 'deadlock') => reported('TalksStalled', { reason });
const request = (events: AppendRequest['events'], overrides: Partial<AppendRequest> = {}): AppendRequest => ({
  negotiationId: 'talks',
  events,
  expectedRevision: { kind: 'any' },
  recordedBy: 'tester',
  ...overrides,
});

const REFERENCE_DATES = ['2024-06-20', '2024-07-05', '2024-08-09', '2024-12-27', '2025-01-04'];
const REFERENCE_RECORDED_AT = '2025-02-01T00:00:00.000Z';

const referenceRequest = (): AppendRequest => ({
  negotiationId: REFERENCE_ID,
  events: referenceLines().map((line) => ({ ...line.event, id: line.event.id ?? '' })),
  expectedRevision: { kind: 'no-stream' },
  recordedBy: 'test',
});

/** A stream recorded by another store, to copy: three events over two appends, so recordedAt differs. */
const recordedElsewhere = async (): Promise<readonly StoredEvent[]> => {
  const clock = manualClock('2024-12-01T10:00:00.000Z');
  const source = createInMemoryEventStore(clock);
  unwrap(await source.append(request([stalled('s0'), stalled('s1')], { recordedBy: 'elsewhere' }))());
  clock.advance(3_600_000);
  unwrap(await source.append(request([stalled('s2')], { recordedBy: 'someone else' }))());
  return unwrap(await source.readStream('talks')());
};

/** Every event of the log, reading it a page at a time the way export and copy do. */
const readAllInPages = async (store: EventStore, limit: number): Promise<StoredEvent[]> => {
  const events: StoredEvent[] = [];
  let fromPosition = 1;
  for (;;) {
    const page = unwrap(await store.readAll({ fromPosition, limit })());
    events.push(...page);
    const last = page[page.length - 1];
    if (last === undefined || page.length < limit) return events;
    fromPosition = last.position + 1;
  }
};

/** One specification of the store port, run against every adapter. */
export const describeEventStoreConformance = (name: string, factory: StoreFactory): void => {
  describe(`${name} conforms to the store port`, () => {
    let store: EventStore;
    let cleanup: (() => Promise<void>) | undefined;
    const clock = manualClock('2025-01-01T00:00:00.000Z');

    beforeEach(async () => {
      clock.set('2025-01-01T00:00:00.000Z');
      ({ store, cleanup } = await factory(clock));
    });
    afterEach(async () => {
      await store.close();
      await cleanup?.();
    });

    it('reads an unknown stream as empty at revision -1', async () => {
      expect(unwrap(await store.readStream('nothing')())).toEqual([]);
      expect(unwrap(await store.streamRevision('nothing')())).toBe(-1);
    });

    it('appends and reads back with store-assigned revision, position, recordedAt and recordedBy', async () => {
      const events = [stalled('one'), stalled('two')];
      const result = unwrap(await store.append(request(events))());
      expect(result.revision).toBe(1);
      expect(result.replayed).toBe(false);
      expect(result.events.map((e) => e.revision)).toEqual([0, 1]);
      const stream = unwrap(await store.readStream('talks')());
      expect(stream.map((e) => e.id)).toEqual(events.map((e) => e.id));
      expect(stream.map((e) => e.recordedAt)).toEqual([
        '2025-01-01T00:00:00.000Z',
        '2025-01-01T00:00:00.000Z',
      ]);
      expect(stream.every((e) => e.recordedBy === 'tester' && e.negotiationId === 'talks')).toBe(true);
      expect(stream[1]?.position).toBeGreaterThan(stream[0]?.position ?? Infinity);
      expect(stream[0]?.payload).toEqual({ reason: 'one' });
    });

    it('chains each event hash to the previous one in its stream', async () => {
      unwrap(await store.append(request([stalled('a')]))());
      unwrap(await store.append(request([stalled('b'), stalled('c')]))());
      const stream = unwrap(await store.readStream('talks')());
      expect(stream[0]?.previousHash).toBe(GENESIS_HASH);
      expect(stream[1]?.previousHash).toBe(stream[0]?.hash);
      expect(stream[2]?.previousHash).toBe(stream[1]?.hash);
      expect(findChainBreak(stream)).toBeUndefined();
      const forged = stream.map((e, i) => (i === 1 ? { ...e, summary: 'edited afterwards' } : e));
      expect(findChainBreak(forged)).toEqual({
        eventId: stream[1]?.id,
        revision: 1,
        reason: 'hash-mismatch',
      });
    });

    it('refuses a stale expected revision and appends nothing', async () => {
      unwrap(await store.append(request([stalled()]))());
      const conflict = unwrapLeft(
        await store.append(
          request([stalled(), stalled()], { expectedRevision: { kind: 'exact', revision: 5 } }),
        )(),
      );
      expect(conflict).toEqual({
        _tag: 'RevisionConflict',
        expected: { kind: 'exact', revision: 5 },
        actual: 0,
      });
      expect(unwrap(await store.readStream('talks')())).toHaveLength(1);
      expect(
        unwrap(
          await store.append(request([stalled()], { expectedRevision: { kind: 'exact', revision: 0 } }))(),
        ).revision,
      ).toBe(1);
    });

    it('honours no-stream and stream-exists expectations', async () => {
      expect(
        unwrapLeft(
          await store.append(request([stalled()], { expectedRevision: { kind: 'stream-exists' } }))(),
        ),
      ).toMatchObject({
        _tag: 'RevisionConflict',
        actual: -1,
      });
      unwrap(await store.append(request([stalled()], { expectedRevision: { kind: 'no-stream' } }))());
      expect(
        unwrapLeft(await store.append(request([stalled()], { expectedRevision: { kind: 'no-stream' } }))()),
      ).toMatchObject({
        _tag: 'RevisionConflict',
        actual: 0,
      });
    });

    it('returns the original result for a retried append, without storing twice, even after the stream moved on', async () => {
      const batch = [stalled('x'), stalled('y')];
      const original = unwrap(
        await store.append(request(batch, { expectedRevision: { kind: 'no-stream' } }))(),
      );
      clock.advance(60_000);
      unwrap(await store.append(request([stalled('later')]))());
      const retried = unwrap(
        await store.append(request(batch, { expectedRevision: { kind: 'no-stream' } }))(),
      );
      expect(retried.replayed).toBe(true);
      expect(retried.events).toEqual(original.events);
      expect(retried.revision).toBe(original.revision);
      expect(unwrap(await store.readStream('talks')())).toHaveLength(3);
    });

    it('refuses an id reused with different content, or in another negotiation, or in a partly new batch', async () => {
      const event = stalled('first');
      unwrap(await store.append(request([event]))());
      expect(unwrapLeft(await store.append(request([{ ...event, summary: 'changed' }]))())).toMatchObject({
        _tag: 'EventIdConflict',
        eventId: event.id,
      });
      expect(unwrapLeft(await store.append(request([event], { negotiationId: 'other' }))())).toMatchObject({
        _tag: 'EventIdConflict',
      });
      expect(unwrapLeft(await store.append(request([stalled('new'), event]))())).toMatchObject({
        _tag: 'EventIdConflict',
        index: 1,
      });
      expect(unwrap(await store.readStream('talks')())).toHaveLength(1);
      expect(unwrap(await store.streamRevision('other')())).toBe(-1);
    });

    it('keeps streams apart and orders everything globally by position', async () => {
      unwrap(await store.append(request([stalled('a1')], { negotiationId: 'a' }))());
      unwrap(await store.append(request([stalled('b1')], { negotiationId: 'b' }))());
      unwrap(await store.append(request([stalled('a2')], { negotiationId: 'a' }))());
      const all = unwrap(await store.readAll()());
      expect(all.map((e) => `${e.negotiationId}:${e.revision}`)).toEqual(['a:0', 'b:0', 'a:1']);
      expect(all.map((e) => e.position)).toEqual([...all.map((e) => e.position)].sort((x, y) => x - y));
      expect(unwrap(await store.readAll({ fromPosition: all[1]?.position ?? 0, limit: 1 })())).toHaveLength(
        1,
      );
      const streams = unwrap(await store.listStreams()());
      expect(streams.map((s) => [s.negotiationId, s.revision, s.eventCount])).toEqual([
        ['a', 1, 2],
        ['b', 0, 1],
      ]);
    });

    it('finds an event by its id within its own negotiation only, where the store indexes ids', async () => {
      const readEvent = store.readEvent?.bind(store);
      if (readEvent === undefined) {
        console.warn(`${name}: no readEvent (lookups page through the stream); nothing to check here`);
        return;
      }
      const [a1, a2] = [stalled('a1'), stalled('a2')];
      unwrap(await store.append(request([a1, a2], { negotiationId: 'a' }))());
      unwrap(await store.append(request([stalled('b1')], { negotiationId: 'b' }))());
      const stored = unwrap(await store.readStream('a')());
      expect(unwrap(await readEvent('a', a2.id)())).toEqual(stored[1]);
      expect(unwrap(await readEvent('b', a2.id)())).toBeUndefined();
      expect(unwrap(await readEvent('a', '00000000-0000-4000-8000-000000000000')())).toBeUndefined();
    });

    it('pages a stream by revision', async () => {
      unwrap(await store.append(request([stalled('0'), stalled('1'), stalled('2'), stalled('3')]))());
      const page = unwrap(await store.readStream('talks', { fromRevision: 1, limit: 2 })());
      expect(page.map((e) => e.revision)).toEqual([1, 2]);
    });

    it('stores events exactly as decoded, including nested payloads and sources', async () => {
      const framework = reported('FrameworkDefined', {
        proposalId: 'p',
        phases: [
          {
            phaseId: 'one',
            name: 'One',
            order: 1,
            provisions: [{ provisionId: 'x', description: 'X' }],
            prerequisites: [{ kind: 'agreement' }],
          },
        ],
      });
      unwrap(await store.append(request([framework]))());
      const [stored] = unwrap(await store.readStream('talks')());
      const { negotiationId: _n, ...reportedBack } = reportedFields(stored ?? ({} as never));
      expect(reportedBack).toEqual(framework);
    });

    it('rejects nothing silently: a failed append leaves the store readable', async () => {
      const result = await store.append(
        request([stalled()], { expectedRevision: { kind: 'exact', revision: 3 } }),
      )();
      expect(E.isLeft(result)).toBe(true);
      expect(unwrap(await store.listStreams()())).toEqual([]);
    });

    it('lands a batch whole: of concurrent writers expecting the same revision exactly one wins', async () => {
      unwrap(await store.append(request([stalled('base')]))());
      const batches = [0, 1, 2, 3].map((writer) => [0, 1, 2].map((n) => stalled(`writer ${writer} #${n}`)));
      const results = await Promise.all(
        batches.map((events) =>
          store.append(request(events, { expectedRevision: { kind: 'exact', revision: 0 } }))(),
        ),
      );
      const winners = results.filter(E.isRight);
      expect(winners).toHaveLength(1);
      for (const loser of results.filter(E.isLeft))
        expect(loser.left).toEqual({
          _tag: 'RevisionConflict',
          expected: { kind: 'exact', revision: 0 },
          actual: 3,
        });
      const stream = unwrap(await store.readStream('talks')());
      expect(stream.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
      const winner = batches.find((b) => b[0]?.id === stream[1]?.id);
      expect(stream.slice(1).map((e) => e.id)).toEqual(winner?.map((e) => e.id));
      expect(findChainBreak(stream)).toBeUndefined();
    });

    it('keeps the events of a batch together in global order, even with concurrent writers', async () => {
      const negotiations = ['n1', 'n2', 'n3', 'n4'];
      await Promise.all(
        negotiations.map(async (negotiationId) =>
          unwrap(
            await store.append(
              request(
                [stalled(`${negotiationId} a`), stalled(`${negotiationId} b`), stalled(`${negotiationId} c`)],
                {
                  negotiationId,
                },
              ),
            )(),
          ),
        ),
      );
      const all = unwrap(await store.readAll()());
      expect(all).toHaveLength(12);
      const runs = all.map((e) => e.negotiationId).filter((id, i, ids) => i === 0 || ids[i - 1] !== id);
      expect([...runs].sort()).toEqual(negotiations);
    });

    it('pages the whole log by position, whatever gaps the store leaves between positions', async () => {
      for (const negotiationId of ['a', 'b', 'c'])
        unwrap(
          await store.append(
            request([stalled(`${negotiationId}1`), stalled(`${negotiationId}2`)], { negotiationId }),
          )(),
        );
      const everything = unwrap(await store.readAll()());
      const paged = await readAllInPages(store, 2);
      expect(paged.map((e) => e.id)).toEqual(everything.map((e) => e.id));
      expect(new Set(paged.map((e) => e.position)).size).toBe(6);
    });

    it('records the reference story with the same hashes as every other store, and answers as of any date alike', async () => {
      const expected = createInMemoryEventStore(manualClock(REFERENCE_RECORDED_AT));
      unwrap(await expected.append(referenceRequest())());
      clock.set(REFERENCE_RECORDED_AT);
      const result = unwrap(await store.append(referenceRequest())());
      expect(result.events).toHaveLength(referenceLines().length);

      const stored = unwrap(await store.readStream(REFERENCE_ID)());
      const reference = unwrap(await expected.readStream(REFERENCE_ID)());
      expect(stored.map(recordedFields)).toEqual(reference.map(recordedFields));
      expect(findChainBreak(stored)).toBeUndefined();

      const log = effectiveLog(stored);
      const referenceViews = await referenceLog();
      for (const asOf of REFERENCE_DATES)
        expect(viewsAsOf(log, asOf)).toEqual(viewsAsOf(referenceViews, asOf));
    });

    describe('writing recorded events unchanged (a copy between stores)', () => {
      it('keeps ids, revisions, clocks, principals and hashes, and assigns its own positions', async () => {
        const source = await recordedElsewhere();
        const result = unwrap(
          await store.appendRecorded({ negotiationId: 'talks', events: source.map(recordedFields) })(),
        );
        expect(result).toMatchObject({ revision: 2, replayed: false });
        const copied = unwrap(await store.readStream('talks')());
        expect(copied.map(recordedFields)).toEqual(source.map(recordedFields));
        expect(copied.map((e) => e.recordedBy)).toEqual(['elsewhere', 'elsewhere', 'someone else']);
        expect(findChainBreak(copied)).toBeUndefined();
        expect(result.events.map((e) => e.position)).toEqual(copied.map((e) => e.position));
      });

      it('continues the copied chain with ordinary appends', async () => {
        const source = await recordedElsewhere();
        unwrap(await store.appendRecorded({ negotiationId: 'talks', events: source.map(recordedFields) })());
        unwrap(await store.append(request([stalled('after the copy')]))());
        const stream = unwrap(await store.readStream('talks')());
        expect(stream[3]?.previousHash).toBe(source[2]?.hash);
        expect(findChainBreak(stream)).toBeUndefined();
      });

      it('returns the original result when the same events are copied again, in part or in whole', async () => {
        const source = (await recordedElsewhere()).map(recordedFields);
        const first = unwrap(
          await store.appendRecorded({ negotiationId: 'talks', events: source.slice(0, 2) })(),
        );
        unwrap(await store.appendRecorded({ negotiationId: 'talks', events: source.slice(2) })());
        const again = unwrap(
          await store.appendRecorded({ negotiationId: 'talks', events: source.slice(0, 2) })(),
        );
        expect(again.replayed).toBe(true);
        expect(again.events).toEqual(first.events);
        expect(unwrap(await store.readStream('talks')())).toHaveLength(3);
      });

      it('refuses events that do not continue the chain, and writes none of the batch', async () => {
        const source = (await recordedElsewhere()).map(recordedFields);
        const [zero, one, two] = source as [StoredEvent, StoredEvent, StoredEvent];
        expect(
          unwrapLeft(
            await store.appendRecorded({
              negotiationId: 'talks',
              events: [zero, { ...one, summary: 'edited in transit' }, two],
            })(),
          ),
        ).toMatchObject({ _tag: 'ChainMismatch', eventId: one.id, index: 1 });
        expect(
          unwrapLeft(
            await store.appendRecorded({ negotiationId: 'talks', events: [zero, { ...two, revision: 1 }] })(),
          ),
        ).toMatchObject({ _tag: 'ChainMismatch', index: 1 });
        expect(
          unwrapLeft(await store.appendRecorded({ negotiationId: 'other', events: [zero] })()),
        ).toMatchObject({ _tag: 'ChainMismatch', index: 0 });
        expect(unwrap(await store.listStreams()())).toEqual([]);

        expect(
          unwrapLeft(await store.appendRecorded({ negotiationId: 'talks', events: [one, two] })()),
        ).toEqual({
          _tag: 'RevisionConflict',
          expected: { kind: 'exact', revision: 0 },
          actual: -1,
        });
        unwrap(await store.append(request([stalled('a different history')]))());
        expect(
          unwrapLeft(await store.appendRecorded({ negotiationId: 'talks', events: [one, two] })()),
        ).toMatchObject({
          _tag: 'ChainMismatch',
          eventId: one.id,
          reason: expect.stringMatching(/previousHash/),
        });
        expect(unwrap(await store.readStream('talks')())).toHaveLength(1);
      });

      it('refuses a copy that overlaps stored events only in part, or reuses an id with another recording', async () => {
        const source = (await recordedElsewhere()).map(recordedFields);
        unwrap(await store.appendRecorded({ negotiationId: 'talks', events: source.slice(0, 2) })());
        expect(
          unwrapLeft(await store.appendRecorded({ negotiationId: 'talks', events: source.slice(1) })()),
        ).toMatchObject({ _tag: 'EventIdConflict' });
        const [zero] = source as [StoredEvent];
        expect(
          unwrapLeft(
            await store.appendRecorded({
              negotiationId: 'talks',
              events: [{ ...zero, recordedBy: 'forger' }],
            })(),
          ),
        ).toMatchObject({ _tag: 'EventIdConflict', eventId: zero.id });
        expect(unwrap(await store.readStream('talks')())).toHaveLength(2);
      });
    });
    describe('the Merkle tree over the log', () => {
      const treeOf = () => {
        const readTree = store.readTree?.bind(store);
        if (readTree === undefined) throw new Error('this store keeps no tree');
        return readTree;
      };

      it('grows by one leaf per stored event, in global order, and not on a retry or a refusal', async () => {
        const first = request([stalled('a'), stalled('b')]);
        unwrap(await store.append(first)());
        unwrap(await store.append(request([stalled('c')], { negotiationId: 'other' }))());
        unwrap(await store.append(request([stalled('d')]))());
        unwrap(await store.append(first)());
        unwrapLeft(await store.append(request([stalled()], { expectedRevision: { kind: 'no-stream' } }))());
        const readTree = treeOf();
        const all = unwrap(await store.readAll()());
        // The root an outsider computes from the stored hashes alone, leaf by leaf.
        const frontier = new TreeFrontier();
        for (const event of all) frontier.push(eventLeafHash(event.hash));
        const [size, root] = unwrap(
          await readTree((tree) => [tree.size, rootAt(tree, tree.size)] as const)(),
        );
        expect(size).toBe(4);
        expect(root.toString('hex')).toBe(frontier.root().toString('hex'));
        expect(unwrap(await readTree((tree) => all.map((e) => tree.leafOf(e.id)?.index))())).toEqual([
          0, 1, 2, 3,
        ]);
      });

      it('proves each event in every tree that holds it, and every older tree a prefix of the newest', async () => {
        for (let k = 0; k < 6; k += 1)
          unwrap(
            await store.append(
              request([stalled(`s${k}`)], { negotiationId: k % 2 === 0 ? 'even' : 'odd' }),
            )(),
          );
        const readTree = treeOf();
        const all = unwrap(await store.readAll()());
        const checks = unwrap(
          await readTree((tree) => {
            const results: boolean[] = [];
            for (let size = 1; size <= tree.size; size += 1) {
              const root = rootAt(tree, size);
              for (const event of all.slice(0, size)) {
                const index = tree.leafOf(event.id)?.index ?? -1;
                results.push(
                  verifyInclusion(
                    index,
                    size,
                    eventLeafHash(event.hash),
                    inclusionProof(tree, index, size),
                    root,
                  ),
                );
              }
              results.push(
                verifyConsistency(
                  size,
                  tree.size,
                  consistencyProof(tree, size, tree.size),
                  root,
                  rootAt(tree, tree.size),
                ),
              );
            }
            return results;
          })(),
        );
        expect(checks).toHaveLength((6 * 7) / 2 + 6);
        expect(checks.every(Boolean)).toBe(true);
      });
    });
  });
};
