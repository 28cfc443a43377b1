import * as E from 'fp-ts/Either';
import { randomUUID } from 'node:crypto';
import request from '../support/contract-request';
import { createTracker } from '../../src/application/tracker';
import { createAnswerCache, createApp } from '../../src/api';
import { importNdjsonFiles } from '../../src/import';
import { ADAPTERS, Harness, harness } from '../support/app-harness';
import { REFERENCE_FILE, REFERENCE_ID } from '../support/reference-story';

const PROBLEM = /application\/problem\+json/;
const base = `/negotiations/${REFERENCE_ID}`;

describe.each(ADAPTERS)(
  'as-of queries over HTTP on the %s store, with the reference story loaded',
  (adapter) => {
    let h: Harness;
    let app: Harness['app'];
    beforeAll(async () => {
      h = harness(adapter);
      const tracker = createTracker({ store: h.store, newEventId: () => 'unused' });
      const imported = await importNdjsonFiles(tracker, [REFERENCE_FILE], 'importer');
      expect(E.isRight(imported)).toBe(true);
      app = createApp({ tracker, clock: h.clock, storeName: adapter });
    });
    afterAll(() => h.close());

    it('lists negotiations with their title and last development', async () => {
      const res = await request(app).get('/negotiations').expect(200);
      expect(res.body.negotiations).toEqual([
        expect.objectContaining({
          negotiationId: REFERENCE_ID,
          title: expect.stringContaining('Gaza'),
          lastDevelopment: expect.objectContaining({ occurredAt: '2025-01-03' }),
        }),
      ]);
    });

    it('answers status as of a date, echoing the query and the revision it was built from', async () => {
      const res = await request(app).get(`${base}/status?asOf=2024-12-27`).expect(200);
      expect(res.body).toMatchObject({ negotiationId: REFERENCE_ID, asOf: '2024-12-27', revision: 58 });
      expect(res.headers['etag']).toBe('"58"');
      expect(res.body.status.activity).toBe('stalled');
      expect(res.body.status.recalledDelegations.map((d: { party: string }) => d.party)).toEqual(['Israel']);
    });

    it('answers 304 to a conditional GET with the current ETag', async () => {
      await request(app).get(`${base}/status?asOf=2024-07-05`).set('If-None-Match', '"58"').expect(304);
    });

    it('accepts a date-time for asOf, and include=certain leaves vaguely dated events out', async () => {
      const possible = await request(app).get(`${base}/status?asOf=2024-06-20T12:00:00Z`).expect(200);
      const certain = await request(app)
        .get(`${base}/status?asOf=2024-06-20T12:00:00Z&include=certain`)
        .expect(200);
      expect(possible.body.status.activity).toBe('stalled');
      expect(certain.body.status.activity).toBe('active');
    });

    it('lists open issues by default and all of them with state=all', async () => {
      const open = await request(app).get(`${base}/issues?asOf=2025-01-04`).expect(200);
      expect(open.body.issues.length).toBeGreaterThanOrEqual(8);
      expect(open.body.issues.every((i: { state: string }) => i.state !== 'resolved')).toBe(true);
      const all = await request(app).get(`${base}/issues?asOf=2025-01-04&state=all`).expect(200);
      expect(all.body.counts.open + all.body.counts.narrowed).toBe(open.body.issues.length);
    });

    it('reports phase readiness with its blocking prerequisites', async () => {
      const res = await request(app).get(`${base}/phases?asOf=2024-07-05`).expect(200);
      expect(res.body.proposalId).toBe('may-31-proposal');
      expect(
        res.body.phases.map((p: { phaseId: string; state: string }) => `${p.phaseId}:${p.state}`),
      ).toEqual(['phase-1:blocked', 'phase-2:blocked', 'phase-3:blocked']);
    });

    it('serves the timeline between two dates in occurrence order, with sources', async () => {
      const res = await request(app).get(`${base}/timeline?from=2024-12-01&to=2024-12-31`).expect(200);
      const types = res.body.timeline.map((e: { type: string }) => e.type);
      expect(types).toContain('DelegationRecalled');
      expect(res.body.timeline.every((e: { sources: unknown[] }) => e.sources.length > 0)).toBe(true);
      const starts = res.body.timeline.map((e: { occurredAt: string }) => e.occurredAt.slice(0, 7));
      expect(starts.every((s: string) => s >= '2024-12')).toBe(true);
    });

    it('knownAt before the import: not known then (404 naming knownAt); after it, everything', async () => {
      for (const view of ['status', 'issues', 'phases', 'timeline']) {
        const before = await request(app).get(`${base}/${view}?knownAt=2025-01-04`).expect(404);
        expect(before.headers['content-type']).toMatch(PROBLEM);
        expect(before.body).toMatchObject({
          type: '/problems/not-known-yet',
          errors: [{ field: 'knownAt', reason: 'is before anything of this negotiation was recorded' }],
        });
        expect(before.body.detail).toContain('its first event was recorded at');
      }
      const after = await request(app).get(`${base}/status?knownAt=2025-01-05T08:00:00Z`).expect(200);
      expect(after.body.status.developmentCount).toBe(59);
    });

    it.each([
      ['/status?asOf=yesterday', 'asOf'],
      ['/status?asOf=2024-02-30', 'asOf'],
      ['/status?knownAt=2024-07-05T25:00:00Z', 'knownAt'],
      ['/status?asof=2024-07-05', 'asof'],
      ['/status?asOf=2024-07-05&asOf=2024-07-06', 'asOf'],
      ['/status?include=maybe', 'include'],
      ['/issues?state=closed', 'state'],
      ['/timeline?from=July', 'from'],
    ])('refuses %s with a 400 naming %s', async (path, field) => {
      const res = await request(app).get(`${base}${path}`).expect(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('answers 404 problem+json for an unknown negotiation and an unknown route, 405 for a wrong method', async () => {
      const missing = await request(app).get('/negotiations/no-such-talks/status').expect(404);
      expect(missing.headers['content-type']).toMatch(PROBLEM);
      expect(missing.body.detail).toContain('no-such-talks');
      await request(app).get('/negotiations/no-such-talks/events').expect(404);
      await request(app).get('/nowhere').expect(404);
      const wrong = await request(app).delete(`${base}/events`).expect(405);
      expect(wrong.headers['allow']).toBe('GET, POST');
    });

    it('reports health', async () => {
      const res = await request(app).get('/health').expect(200);
      expect(res.body).toMatchObject({ status: 'ok', store: adapter });
    });
  },
);

describe('as-of answers kept for reuse', () => {
  let h: Harness;
  let cached: Harness['app'];
  let uncached: Harness['app'];
  beforeAll(async () => {
    h = harness('sqlite');
    const tracker = createTracker({ store: h.store, newEventId: () => crypto.randomUUID() });
    const imported = await importNdjsonFiles(tracker, [REFERENCE_FILE], 'importer');
    expect(E.isRight(imported)).toBe(true);
    cached = createApp({ tracker, clock: h.clock, storeName: 'sqlite', answerCache: createAnswerCache() });
    uncached = createApp({ tracker, clock: h.clock, storeName: 'sqlite', answerCache: null });
  });
  afterAll(() => h.close());

  const queries = [
    `${base}/status?asOf=2024-12-27`,
    `${base}/status?asOf=2024-06-20T12:00:00Z&include=certain`,
    `${base}/issues?asOf=2025-01-04&state=all`,
    `${base}/phases?asOf=2025-01-04`,
    `${base}/phases?asOf=2024-07-05`,
  ];

  it('are not kept without asOf: such an answer is "now" by the clock', async () => {
    const before = await request(cached).get('/health').expect(200);
    await request(cached).get(`${base}/phases`).expect(200);
    await request(cached).get(`${base}/phases`).expect(200);
    const after = await request(cached).get('/health').expect(200);
    expect(after.body.answerCache.entries).toBe(before.body.answerCache.entries);
  });

  it('answer byte for byte what a server without the cache answers, the second time from the cache', async () => {
    for (const query of queries) {
      const fresh = await request(uncached).get(query).expect(200);
      const first = await request(cached).get(query).expect(200);
      const second = await request(cached).get(query).expect(200);
      expect(first.text).toBe(fresh.text);
      expect(second.text).toBe(fresh.text);
      expect(second.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(second.headers['etag']).toBe(fresh.headers['etag']);
      // A kept answer still honours a conditional GET.
      const etag = String(second.headers['etag']);
      const unchanged = await request(cached).get(query).set('If-None-Match', etag).expect(304);
      expect(unchanged.text).toBe('');
    }
    const health = await request(cached).get('/health').expect(200);
    // Each query: built once, then found twice (the plain GET and the conditional one).
    expect(health.body.answerCache).toMatchObject({ entries: queries.length, hits: 2 * queries.length });
  });

  it('follow the log: after an append the same query is answered from the new revision', async () => {
    const query = `${base}/status?asOf=2025-01-04`;
    const before = await request(cached).get(query).expect(200);
    await request(cached).get(query).expect(200);
    const appended = await request(cached)
      .post(`${base}/events`)
      .send({
        type: 'StatementIssued',
        occurredAt: '2025-01-04',
        precision: 'day',
        reportedAt: '2025-01-04',
        sources: [
          {
            outlet: 'Wire',
            title: 'A statement',
            publishedAt: '2025-01-04',
            quote: 'talks are making progress',
            attribution: { kind: 'anonymous', descriptor: 'official' },
          },
        ],
        payload: { by: ['Qatar'], kind: 'unilateral', characterisation: 'progress' },
      })
      .expect(201);
    const after = await request(cached).get(query).expect(200);
    expect(after.body.revision).toBe(before.body.revision + 1);
    expect(after.body.status.lastDevelopment.eventId).toBe(appended.body.events[0].id);
    expect(after.text).toBe((await request(uncached).get(query).expect(200)).text);
  });

  it('never keep an answer "as of now": it depends on the clock', async () => {
    const entries = (await request(cached).get('/health')).body.answerCache.entries as number;
    await request(cached).get(`${base}/status`).expect(200);
    await request(cached).get(`${base}/status`).expect(200);
    expect((await request(cached).get('/health')).body.answerCache.entries).toBe(entries);
  });
});

describe('a negotiation longer than the server folds in memory', () => {
  let h: Harness;
  let app: Harness['app'];
  beforeAll(async () => {
    h = harness('sqlite');
    const importer = createTracker({ store: h.store, newEventId: () => 'unused' });
    expect(E.isRight(await importNdjsonFiles(importer, [REFERENCE_FILE], 'importer'))).toBe(true);
    // The reference story has 59 events: a limit of 40 refuses its folded views, and 120 (a third for the full
    // log the timeline quotes) refuses only that one.
    app = createApp({
      tracker: createTracker({ store: h.store, newEventId: randomUUID, maxLogEvents: 40 }),
      clock: h.clock,
      storeName: 'sqlite',
    });
  });
  afterAll(() => h.close());

  it.each([
    ['status?asOf=2024-12-27', 40],
    ['issues', 40],
    ['phases', 40],
    ['diff?from=2024-07-01&to=2024-12-27', 40],
    // A past recording time and the history fold lean events too.
    ['status?asOf=2024-12-27&knownAt=2025-01-04', 40],
    ['history?format=ndjson', 40],
    ['history?fromRevision=55', 40],
    // The timeline reads every event in full, sources' words included: a third of the limit.
    ['timeline', 13],
  ])(
    'answers %s with 503 problem+json naming the negotiation and the limit (%d), and keeps serving',
    async (view, limit) => {
      const res = await request(app).get(`${base}/${view}`).expect(503);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({
        type: '/problems/negotiation-too-large',
        errors: [
          {
            field: 'negotiationId',
            reason: `has 59 events, more than the ${limit} this server folds in memory`,
          },
        ],
      });
      await request(app).get('/health').expect(200);
    },
  );

  it('serves a history page whose events fit, and names the whole count for one that does not', async () => {
    const page = await request(app).get(`${base}/history?fromRevision=30&limit=5`).expect(200);
    expect(page.body.history).toHaveLength(5);
    expect(page.body.next).toBe(`${base}/history?fromRevision=35&limit=5`);
    // The page after it would read 45 events, over the 40: no link to it.
    const last = await request(app).get(`${base}/history?fromRevision=35&limit=5`).expect(200);
    expect(last.body.history).toHaveLength(5);
    expect(last.body.next).toBeUndefined();
    // 50 events to read, over the 40 the server folds: the problem gives the negotiation's 59, not the 50.
    const over = await request(app).get(`${base}/history?fromRevision=0&limit=50`).expect(503);
    expect(over.body.errors[0].reason).toBe('has 59 events, more than the 40 this server folds in memory');
  });

  it('still lists it (its state folded from the store), pages its events and takes appends', async () => {
    const list = await request(app).get('/negotiations').expect(200);
    expect(list.body.negotiations).toEqual([
      expect.objectContaining({
        negotiationId: REFERENCE_ID,
        title: expect.stringContaining('Gaza'),
        revision: 58,
      }),
    ]);
    const page = await request(app).get(`${base}/events?fromRevision=50&limit=5`).expect(200);
    expect(page.body.events.map((e: { revision: number }) => e.revision)).toEqual([50, 51, 52, 53, 54]);
    // A correction is checked against the stream without folding it.
    const target = page.body.events.find((e: { type: string }) => !e.type.startsWith('Event')) as {
      id: string;
    };
    const sources = [
      {
        outlet: 'Test Wire',
        title: 'A later report',
        publishedAt: '2025-01-06',
        quote: 'the earlier report had the venue wrong',
        attribution: { kind: 'anonymous', descriptor: 'official' },
      },
    ];
    const correction = {
      type: 'EventRetracted',
      occurredAt: '2025-01-06',
      precision: 'day',
      reportedAt: '2025-01-06',
      sources,
      payload: { targetEventId: target.id, reason: 'misreported' },
    };
    const appended = await request(app).post(`${base}/events`).send(correction).expect(201);
    expect(appended.body.revision).toBe(59);
    const again = await request(app)
      .post(`${base}/events`)
      .send({ ...correction, payload: { targetEventId: target.id, reason: 'twice' } })
      .expect(422);
    expect(again.body.errors).toEqual([
      { field: 'events.0.payload.targetEventId', reason: `event ${target.id} has been retracted` },
    ]);
  });

  it('serves the lean views up to the limit and the full-log ones up to a third of it', async () => {
    const withLimit = (maxLogEvents: number) =>
      createApp({
        tracker: createTracker({ store: h.store, newEventId: randomUUID, maxLogEvents }),
        clock: h.clock,
        storeName: 'sqlite',
      });
    const listed = await request(app).get('/negotiations').expect(200);
    const events = (listed.body.negotiations[0].revision as number) + 1;
    await request(withLimit(events)).get(`${base}/status?asOf=2024-12-27`).expect(200);
    await request(withLimit(events - 1))
      .get(`${base}/status?asOf=2024-12-27`)
      .expect(503);
    await request(withLimit(3 * events))
      .get(`${base}/timeline`)
      .expect(200);
    await request(withLimit(3 * events - 1))
      .get(`${base}/timeline`)
      .expect(503);
    await request(withLimit(3 * events - 1))
      .get(`${base}/status?asOf=2024-12-27`)
      .expect(200);
  });
});
