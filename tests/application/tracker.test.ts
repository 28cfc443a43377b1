import * as E from 'fp-ts/Either';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTracker } from '../../src/application/tracker';
import { stateAsOf } from '../../src/projections';
import { EventStore, createInMemoryEventStore, createSqliteEventStore } from '../../src/store';
import { manualClock, reported, unwrap, appendAll } from '../support/builders';

/** Runs `test` with a SQLite store on a fresh temporary file, closed and removed afterwards. */
const withSqliteStore = async (test: (store: EventStore) => Promise<void>): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'tracker-test-'));
  const store = createSqliteEventStore({ file: join(dir, 'events.sqlite'), clock: manualClock() });
  try {
    await test(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

/** Appends `count` resumptions of talks (a long, plain history), 2,000 to a batch. */
const appendResumptions = async (store: EventStore, count: number, negotiationId = 'n') => {
  const events = Array.from({ length: count }, (_, index) =>
    reported('TalksResumed', { venue: `venue ${index}` }, { occurredAt: '2024-02-01' }),
  );
  for (let at = 0; at < count; at += 2_000)
    await appendAll(store, events.slice(at, at + 2_000), { negotiationId });
};

/** A listing that counts every development, whatever its date (as the listing did before it took a moment). */
const EVERY_DEVELOPMENT = {
  untilMs: Number.POSITIVE_INFINITY,
  include: 'possible',
  followsClock: true,
} as const;

describe('appending a correction while another writer retracts its target', () => {
  it.each(['any', 'stream-exists'] as const)(
    'with expectation %s, the correction is checked again and refused, never stored after the retraction',
    async (kind) => {
      const inner = createInMemoryEventStore(manualClock());
      const target = reported('DelegationSent', { party: 'Israel', venue: 'Doha' });
      await appendAll(inner, [target], { recordedBy: 'a' });
      // The first read the tracker makes is followed at once by another writer's retraction of the target.
      let raced = false;
      const racing: EventStore = {
        ...inner,
        readStream: (negotiationId, options) => async () => {
          const read = await inner.readStream(negotiationId, options)();
          if (!raced) {
            raced = true;
            const retraction = reported('EventRetracted', { targetEventId: target.id, reason: 'withdrawn' });
            unwrap(
              await inner.append({
                negotiationId,
                events: [retraction],
                expectedRevision: { kind: 'any' },
                recordedBy: 'b',
              })(),
            );
          }
          return read;
        },
      };
      const tracker = createTracker({
        store: racing,
        newEventId: () => '00000000-0000-4000-8000-000000000001',
      });
      const correction = reported('EventCorrected', {
        targetEventId: target.id,
        reason: 'it was Cairo',
        corrections: { payload: { party: 'Israel', venue: 'Cairo' } },
      });
      const result = await tracker.append({
        negotiationId: 'n',
        events: [correction],
        expectedRevision: { kind },
        recordedBy: 'c',
      })();
      expect(E.isLeft(result) && result.left._tag).toBe('RuleViolated');
      expect(unwrap(await inner.readStream('n')()).map((e) => e.type)).toEqual([
        'DelegationSent',
        'EventRetracted',
      ]);
    },
  );
});

describe('listing negotiations', () => {
  const opened = (title: string) =>
    reported('NegotiationOpened', { title, parties: ['Israel', 'Hamas'], mediators: ['Qatar'] });

  /** A store that counts what the tracker reads: whole-log loads, and occurrence scans per negotiation. */
  const counting = (inner: EventStore) => {
    const reads = { lean: 0, full: 0, scans: new Map<string, number>() };
    const store: EventStore = {
      ...inner,
      readLeanStream: (negotiationId, options) => {
        reads.lean += 1;
        return inner.readLeanStream!(negotiationId, options);
      },
      readStream: (negotiationId, options) => {
        reads.full += 1;
        return inner.readStream(negotiationId, options);
      },
      scanLeanByOccurrence: (negotiationId, visitor) => {
        reads.scans.set(negotiationId, (reads.scans.get(negotiationId) ?? 0) + 1);
        return inner.scanLeanByOccurrence!(negotiationId, visitor);
      },
    };
    return { store, reads };
  };

  it('states each negotiation as it now stands without loading logs, and folds again only those that moved', async () => {
    await withSqliteStore(async (inner) => {
      const { store, reads } = counting(inner);
      await appendAll(inner, [opened('Gaza ceasefire talks')], { negotiationId: 'gaza' });
      await appendAll(
        inner,
        [
          opened('Sudan talks'),
          reported('TalksStalled', { reason: 'deadlock' }, { occurredAt: '2024-08-01' }),
        ],
        {
          negotiationId: 'sudan',
        },
      );
      const tracker = createTracker({ store, newEventId: () => randomUUID() });
      const list = async () =>
        new Map(
          unwrap(await tracker.listNegotiations(EVERY_DEVELOPMENT)()).map(({ stream, state }) => [
            stream.negotiationId,
            state,
          ]),
        );
      // What a separate tracker answers from the full log, for comparison.
      const reference = createTracker({ store: inner, newEventId: () => randomUUID() });
      const current = async (negotiationId: string) =>
        stateAsOf(unwrap(await reference.snapshot(negotiationId)()).log, {}).state;

      const first = await list();
      expect(first.get('gaza')).toEqual(await current('gaza'));
      expect(first.get('sudan')).toEqual(await current('sudan'));
      expect(first.get('sudan')?.talks.activity).toBe('stalled');
      expect(reads.lean + reads.full).toBe(0);
      expect(Object.fromEntries(reads.scans)).toEqual({ gaza: 1, sudan: 1 });

      // Nothing moved: nothing is folded again.
      expect(await list()).toEqual(first);
      expect(Object.fromEntries(reads.scans)).toEqual({ gaza: 1, sudan: 1 });

      // Sudan moves: only Sudan is folded again, and the listing shows the new state.
      await appendAll(inner, [reported('TalksResumed', { venue: 'Jeddah' }, { occurredAt: '2024-09-01' })], {
        negotiationId: 'sudan',
      });
      const moved = await list();
      expect(Object.fromEntries(reads.scans)).toEqual({ gaza: 1, sudan: 2 });
      expect(moved.get('sudan')).toEqual(await current('sudan'));
      expect(moved.get('sudan')?.talks.activity).toBe('active');

      // A negotiation whose log is cached (it was queried) is answered from that log.
      await appendAll(
        inner,
        [reported('TalksStalled', { reason: 'walkout' }, { occurredAt: '2024-10-01' })],
        { negotiationId: 'gaza' },
      );
      unwrap(await tracker.snapshot('gaza')());
      const loads = reads.lean + reads.full;
      const cached = await list();
      expect(Object.fromEntries(reads.scans)).toEqual({ gaza: 1, sudan: 2 });
      expect(reads.lean + reads.full).toBe(loads);
      expect(cached.get('gaza')).toEqual(await current('gaza'));
      expect(cached.get('gaza')?.talks.activity).toBe('stalled');
    });
  });
});

describe('checking corrections against a long history', () => {
  it('reads the history in pages and judges the batch as the whole history would', async () => {
    const store = createInMemoryEventStore(manualClock());
    const early = reported(
      'DelegationSent',
      { party: 'Israel', venue: 'Doha' },
      { occurredAt: '2024-01-02' },
    );
    const retractedLater = reported('TalksStalled', { reason: 'deadlock' }, { occurredAt: '2024-01-03' });
    await appendAll(store, [early, retractedLater]);
    // More than one page of the tracker's reads between the events and the retraction.
    const filler = 10_050;
    await appendResumptions(store, filler);
    await appendAll(store, [
      reported('EventRetracted', { targetEventId: retractedLater.id, reason: 'misreported' }),
    ]);
    const tracker = createTracker({ store, newEventId: () => randomUUID() });
    const missing = randomUUID();
    const append = (events: Parameters<typeof tracker.append>[0]['events']) =>
      tracker.append({ negotiationId: 'n', events, expectedRevision: { kind: 'any' }, recordedBy: 't' })();

    const refused = await append([
      reported('EventCorrected', {
        targetEventId: retractedLater.id,
        reason: 'late',
        corrections: { payload: { reason: 'walkout' } },
      }),
      reported('EventRetracted', { targetEventId: missing, reason: 'typo' }),
    ]);
    expect(E.isLeft(refused) && refused.left._tag === 'RuleViolated' && refused.left.violations).toEqual([
      { field: 'events.0.payload.targetEventId', reason: `event ${retractedLater.id} has been retracted` },
      { field: 'events.1.payload.targetEventId', reason: `no event ${missing} in this negotiation` },
    ]);

    const correction = reported('EventCorrected', {
      targetEventId: early.id,
      reason: 'it was Cairo',
      corrections: { payload: { party: 'Israel', venue: 'Cairo' } },
    });
    const accepted = unwrap(await append([correction]));
    expect(accepted.revision).toBe(2 + filler + 1);
    // The same batch again is a retry: answered with its original result, not judged against its own record.
    expect(unwrap(await append([correction]))).toMatchObject({ replayed: true, revision: accepted.revision });
  });
});

describe('listing while appends land', () => {
  it('shows the next listing the append that landed during a fold, folded again at its revision', async () => {
    await withSqliteStore(async (inner) => {
      await appendAll(inner, [
        reported('TalksStalled', { reason: 'deadlock' }, { occurredAt: '2024-08-01' }),
      ]);
      let scans = 0;
      const store: EventStore = {
        ...inner,
        scanLeanByOccurrence: (negotiationId, visitor) => async () => {
          scans += 1;
          // The first scan runs after another writer's append: the fold sees revision 1, the listing said 0.
          if (scans === 1)
            await appendAll(inner, [
              reported('TalksResumed', { venue: 'Doha' }, { occurredAt: '2024-09-01' }),
            ]);
          return inner.scanLeanByOccurrence!(negotiationId, visitor)();
        },
      };
      const tracker = createTracker({ store, newEventId: () => randomUUID() });
      unwrap(await tracker.listNegotiations(EVERY_DEVELOPMENT)());
      expect(scans).toBe(1);
      const second = unwrap(await tracker.listNegotiations(EVERY_DEVELOPMENT)());
      expect(second[0]?.stream.revision).toBe(1);
      expect(second[0]?.state?.talks.activity).toBe('active');
      expect(scans).toBe(2);
      // At rest, the state is kept.
      unwrap(await tracker.listNegotiations(EVERY_DEVELOPMENT)());
      expect(scans).toBe(2);
    });
  });
});

describe('checking corrections against a long history on SQLite', () => {
  it('pages the lean stream and judges as the whole history would', async () => {
    await withSqliteStore(async (store) => {
      const target = reported('TalksStalled', { reason: 'deadlock' }, { occurredAt: '2024-01-03' });
      await appendAll(store, [target]);
      await appendResumptions(store, 10_020);
      await appendAll(store, [
        reported('EventRetracted', { targetEventId: target.id, reason: 'misreported' }),
      ]);
      let leanPages = 0;
      const counting: EventStore = {
        ...store,
        readLeanStream: (negotiationId, options) => {
          leanPages += 1;
          return store.readLeanStream!(negotiationId, options);
        },
      };
      const tracker = createTracker({ store: counting, newEventId: () => randomUUID() });
      const refused = await tracker.append({
        negotiationId: 'n',
        events: [
          reported('EventCorrected', {
            targetEventId: target.id,
            reason: 'late',
            corrections: { payload: { reason: 'walkout' } },
          }),
        ],
        expectedRevision: { kind: 'any' },
        recordedBy: 't',
      })();
      expect(E.isLeft(refused) && refused.left._tag === 'RuleViolated' && refused.left.violations).toEqual([
        { field: 'events.0.payload.targetEventId', reason: `event ${target.id} has been retracted` },
      ]);
      expect(leanPages).toBe(2);
    });
  });
});

describe('memory bounds of the tracker', () => {
  it('loads long logs one at a time, each after making room in the cache', async () => {
    const inner = createInMemoryEventStore(manualClock());
    const long = 10_050;
    for (const negotiationId of ['a', 'b']) await appendResumptions(inner, long, negotiationId);
    const reading = new Set<string>();
    let mostAtOnce = 0;
    const reads = new Map<string, number>();
    const slow: EventStore = {
      ...inner,
      readStream: (negotiationId, options) => async () => {
        reading.add(negotiationId);
        mostAtOnce = Math.max(mostAtOnce, reading.size);
        reads.set(negotiationId, (reads.get(negotiationId) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 5));
        const read = await inner.readStream(negotiationId, options)();
        reading.delete(negotiationId);
        return read;
      },
    };
    // Room for one of them only.
    const tracker = createTracker({ store: slow, newEventId: () => randomUUID(), maxLogEvents: 15_000 });
    const [a, b] = await Promise.all([tracker.snapshot('a')(), tracker.snapshot('b')()]);
    expect(unwrap(a).revision).toBe(long - 1);
    expect(unwrap(b).revision).toBe(long - 1);
    expect(mostAtOnce).toBe(1);
    // The second load evicted the first before it started: asking for the first again reads it again.
    const readsOfA = reads.get('a') ?? 0;
    unwrap(await tracker.snapshot('a')());
    expect(reads.get('a')).toBeGreaterThan(readsOfA);
    // Twenty thousand appends and two paged loads: seconds on a busy machine, so more than jest's default.
  }, 30_000);

  it('keeps listing states up to its bound and stops adding, so a full listing still finds the ones it kept', async () => {
    await withSqliteStore(async (inner) => {
      for (const negotiationId of ['a', 'b', 'c'])
        await appendAll(inner, [reported('TalksStalled', { reason: 'deadlock' })], { negotiationId });
      const scans = new Map<string, number>();
      const store: EventStore = {
        ...inner,
        scanLeanByOccurrence: (negotiationId, visitor) => {
          scans.set(negotiationId, (scans.get(negotiationId) ?? 0) + 1);
          return inner.scanLeanByOccurrence!(negotiationId, visitor);
        },
      };
      const tracker = createTracker({ store, newEventId: () => randomUUID(), maxListedStates: 2 });
      for (let listing = 0; listing < 3; listing += 1)
        unwrap(await tracker.listNegotiations(EVERY_DEVELOPMENT)());
      expect(Object.fromEntries(scans)).toEqual({ a: 1, b: 1, c: 3 });
    });
  });
});
