import { StoredEvent } from '../../src/domain';
import { findChainBreak } from '../../src/store';
import { ADAPTERS } from '../support/app-harness';
import { unwrap } from '../support/builders';
import { LiveApp, development, liveApp, postTo } from '../support/live-app';

const CLIENTS = 12;

interface Acknowledged {
  readonly revision: number;
  readonly replayed: boolean;
  readonly events: ReadonlyArray<{ id: string; revision: number; hash: string }>;
}

describe.each(ADAPTERS)('many clients appending to one negotiation, on the %s store', (adapter) => {
  let live: LiveApp;
  beforeEach(async () => {
    live = await liveApp(adapter);
  });
  afterEach(() => live.close());

  const stream = async (negotiationId = 'talks'): Promise<readonly StoredEvent[]> =>
    unwrap(await live.store.readStream(negotiationId)());

  it('with If-Match on the same revision: exactly one wins each revision, the others get 412 with the new ETag', async () => {
    const opened = await postTo(live.url, 'talks', development('opening'), { 'if-none-match': '*' });
    expect(opened.status).toBe(201);
    for (let revision = 0; revision < 8; revision += 1) {
      const contenders = Array.from({ length: CLIENTS }, (_, client) =>
        development(`r${revision} c${client}`),
      );
      const answers = await Promise.all(
        contenders.map((event) => postTo(live.url, 'talks', event, { 'if-match': `"${revision}"` })),
      );
      const winners = answers.filter((a) => a.status === 201);
      const losers = answers.filter((a) => a.status !== 201);
      expect(winners).toHaveLength(1);
      expect(winners[0]?.etag).toBe(`"${revision + 1}"`);
      for (const loser of losers) {
        expect(loser.status).toBe(412);
        expect(loser.contentType).toMatch(/application\/problem\+json/);
        expect(loser.etag).toBe(`"${revision + 1}"`);
        expect(loser.body['errors']).toEqual([
          { field: 'If-Match', reason: `current revision is ${revision + 1}` },
        ]);
      }
      const stored = await stream();
      expect(stored).toHaveLength(revision + 2);
      const winner = contenders[answers.findIndex((a) => a.status === 201)];
      expect(stored[revision + 1]?.id).toBe(winner?.id);
    }
    expect(findChainBreak(await stream())).toBeUndefined();
  });

  it('with If-Match and retries: every client lands all its events, once each, one 201 per revision', async () => {
    await postTo(live.url, 'talks', development('opening'), { 'if-none-match': '*' });
    const PER_CLIENT = 4;
    let conflicts = 0;
    const acknowledgedAt = new Map<number, string>();
    const client = async (c: number) => {
      let etag = '"0"';
      for (let n = 0; n < PER_CLIENT; n += 1) {
        const event = development(`c${c} n${n}`);
        for (;;) {
          // A retry after a conflict re-sends the same event (same id) at the revision the 412 reported.
          const answer = await postTo(live.url, 'talks', event, { 'if-match': etag });
          etag = answer.etag ?? etag;
          if (answer.status === 201) {
            const revision = (answer.body as unknown as Acknowledged).revision;
            expect(acknowledgedAt.has(revision)).toBe(false);
            acknowledgedAt.set(revision, event.id);
            break;
          }
          expect(answer.status).toBe(412);
          conflicts += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    const stored = await stream();
    expect(stored).toHaveLength(1 + CLIENTS * PER_CLIENT);
    expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
    for (const [revision, id] of acknowledgedAt) expect(stored[revision]?.id).toBe(id);
    expect(acknowledgedAt.size).toBe(CLIENTS * PER_CLIENT);
    // All clients started from revision 0, so all but one of the first attempts conflicted.
    expect(conflicts).toBeGreaterThanOrEqual(CLIENTS - 1);
    expect(findChainBreak(stored)).toBeUndefined();
  });

  it('without If-Match: every batch lands whole, in some order, and the answers partition the revisions', async () => {
    const batches = Array.from({ length: CLIENTS * 3 }, (_, b) =>
      Array.from({ length: 1 + (b % 5) }, (_, i) => development(`b${b} e${i}`)),
    );
    const answers = await Promise.all(batches.map((events) => postTo(live.url, 'talks', { events })));
    const stored = await stream();
    const total = batches.reduce((n, events) => n + events.length, 0);
    expect(stored).toHaveLength(total);
    const claimed = new Map<number, string>();
    answers.forEach((answer, b) => {
      expect(answer.status).toBe(201);
      const acknowledged = answer.body as unknown as Acknowledged;
      const revisions = acknowledged.events.map((e) => e.revision);
      // A batch occupies consecutive revisions, and the answer's ETag is its last one.
      expect(revisions).toEqual(revisions.map((_, i) => (revisions[0] ?? 0) + i));
      expect(answer.etag).toBe(`"${acknowledged.revision}"`);
      acknowledged.events.forEach((e, i) => {
        expect(e.id).toBe(batches[b]?.[i]?.id);
        expect(claimed.has(e.revision)).toBe(false);
        claimed.set(e.revision, e.id);
        expect(stored[e.revision]).toMatchObject({ id: e.id, hash: e.hash });
      });
    });
    expect([...claimed.keys()].sort((a, b) => a - b)).toEqual(stored.map((_, i) => i));
    expect(findChainBreak(stored)).toBeUndefined();
  });

  it('the same batch sent by several clients at once is stored once: one 201, the rest 200 replayed', async () => {
    await postTo(live.url, 'talks', development('opening'));
    const events = [development('shared 1'), development('shared 2')];
    const answers = await Promise.all(
      Array.from({ length: CLIENTS }, () => postTo(live.url, 'talks', { events })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    const replays = answers.filter((a) => a.status === 200);
    expect(replays).toHaveLength(CLIENTS - 1);
    const original = answers.find((a) => a.status === 201)?.body['events'];
    for (const replay of replays) {
      expect(replay.body['replayed']).toBe(true);
      expect(replay.body['events']).toEqual(original);
    }
    expect(await stream()).toHaveLength(3);
  });

  it('one event id sent with different contents at once: one lands, the others get 409, nothing else is stored', async () => {
    await postTo(live.url, 'talks', development('opening'));
    const id = '0b7e5a52-8f7e-4c8a-9d2f-5e4b3a2c1d0e';
    const answers = await Promise.all(
      Array.from({ length: CLIENTS }, (_, c) =>
        postTo(live.url, 'talks', development(`variant ${c}`, { id })),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    for (const answer of answers.filter((a) => a.status !== 201)) {
      expect(answer.status).toBe(409);
      expect(answer.body['errors']).toEqual([{ field: 'events.0.id', reason: expect.any(String) }]);
    }
    expect(await stream()).toHaveLength(2);
  });

  it('many clients writing to many negotiations at once: each stream is contiguous and chained', async () => {
    const ids = ['alpha', 'beta', 'gamma'];
    await Promise.all(
      Array.from({ length: CLIENTS * 3 }, (_, n) =>
        postTo(live.url, ids[n % ids.length] ?? 'alpha', { events: [development(n), development(`${n}b`)] }),
      ),
    );
    for (const id of ids) {
      const stored = await stream(id);
      expect(stored).toHaveLength(CLIENTS * 2);
      expect(findChainBreak(stored)).toBeUndefined();
    }
    const all = unwrap(await live.store.readAll()());
    expect(all.map((e) => e.position)).toEqual(all.map((_, i) => (all[0]?.position ?? 1) + i));
  });
});

describe.each(ADAPTERS)('a client retrying after a lost response, on the %s store', (adapter) => {
  let live: LiveApp;
  beforeEach(async () => {
    live = await liveApp(adapter);
  });
  afterEach(() => live.close());

  const retraction = (targetEventId: string) =>
    development('retraction', { type: 'EventRetracted', payload: { targetEventId, reason: 'it was wrong' } });
  const correction = (targetEventId: string) =>
    development('correction', {
      type: 'EventCorrected',
      payload: { targetEventId, reason: 'a later report', corrections: { summary: 'corrected' } },
    });

  it('gets the original result for a retried correction', async () => {
    const target = development('target');
    await postTo(live.url, 'talks', target);
    const fix = correction(target.id);
    const first = await postTo(live.url, 'talks', fix);
    expect(first.status).toBe(201);
    const retry = await postTo(live.url, 'talks', fix);
    expect(retry.status).toBe(200);
    expect(retry.body['replayed']).toBe(true);
    expect(retry.body['events']).toEqual(first.body['events']);
  });

  // A retraction is retried after its response was lost: its own effect (the target now retracted) must not
  // turn the retry into a 422; the store answers it with the original result.
  it('gets the original result for a retried retraction', async () => {
    const target = development('target');
    await postTo(live.url, 'talks', target);
    const retract = retraction(target.id);
    const first = await postTo(live.url, 'talks', retract);
    expect(first.status).toBe(201);
    const retry = await postTo(live.url, 'talks', retract);
    expect(retry.status).toBe(200);
    expect(retry.body['replayed']).toBe(true);
    expect(unwrap(await live.store.readStream('talks')())).toHaveLength(2);
  });
});
