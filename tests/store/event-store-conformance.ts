import * as E from 'fp-ts/Either';
import { AppendRequest, EventStore, findChainBreak, GENESIS_HASH } from '../../src/store';
import { manualClock, reported, unwrap, unwrapLeft } from '../support/builders';

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
      const {
        revision: _r,
        recordedAt: _ra,
        recordedBy: _rb,
        previousHash: _p,
        hash: _h,
        position: _pos,
        negotiationId: _n,
        ...reportedBack
      } = stored ?? ({} as never);
      expect(reportedBack).toEqual(framework);
    });

    it('rejects nothing silently: a failed append leaves the store readable', async () => {
      const result = await store.append(
        request([stalled()], { expectedRevision: { kind: 'exact', revision: 3 } }),
      )();
      expect(E.isLeft(result)).toBe(true);
      expect(unwrap(await store.listStreams()())).toEqual([]);
    });
  });
};
