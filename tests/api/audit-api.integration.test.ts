import * as E from 'fp-ts/Either';
import request from '../support/contract-request';
import { createApp } from '../../src/api';
import { createTracker } from '../../src/application/tracker';
import { importNdjsonFiles } from '../../src/import';
import { ADAPTERS, Harness, harness } from '../support/app-harness';
import { REFERENCE_FILE, REFERENCE_ID } from '../support/reference-story';

const base = `/negotiations/${REFERENCE_ID}`;

describe.each(ADAPTERS)('the audit API on the %s store', (adapter) => {
  let h: Harness;
  let app: Harness['app'];
  beforeAll(async () => {
    h = harness(adapter);
    const tracker = createTracker({ store: h.store, newEventId: () => 'unused' });
    expect(E.isRight(await importNdjsonFiles(tracker, [REFERENCE_FILE], 'story-importer'))).toBe(true);
    app = createApp({ tracker, clock: h.clock, storeName: adapter });
  });
  afterAll(() => h.close());

  it('pages the history in recorded order with recorder, verification and changes', async () => {
    const first = await request(app).get(`${base}/history?limit=20`).expect(200);
    expect(first.body.history).toHaveLength(20);
    expect(first.body.verified).toBe(true);
    expect(first.body.history[0]).toMatchObject({
      revision: 0,
      recordedBy: 'story-importer',
      verification: { hashMatchesContent: true },
    });
    expect(first.body.next).toBe(`${base}/history?fromRevision=20&limit=20`);
    const second = await request(app).get(first.body.next).expect(200);
    expect(second.body.history[0].revision).toBe(20);
  });

  it('streams the whole history as NDJSON, one entry per line', async () => {
    const res = await request(app).get(`${base}/history`).set('Accept', 'application/x-ndjson').expect(200);
    expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
    const lines = res.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(59);
    expect(lines.map((l) => l.revision)).toEqual(lines.map((_, i) => i));
    const recall = lines.find((l) => l.type === 'DelegationRecalled');
    expect(recall.changes.map((c: { path: string }) => c.path)).toContain('status.delegation.Israel');
  });

  it('diffs two dates with the responsible events', async () => {
    const res = await request(app).get(`${base}/diff?from=2024-12-27&to=2025-01-04`).expect(200);
    const activity = res.body.changes.find((c: { path: string }) => c.path === 'status.activity');
    expect(activity).toMatchObject({ before: 'stalled', after: 'active' });
    expect(res.body.developments.map((d: { eventId: string }) => d.eventId)).toContain(activity.evidence);
  });

  it.each([
    ['/diff?from=2024-12-27', 'to'],
    ['/diff?from=2025-01-04&to=2024-12-27', 'to'],
    ['/diff?from=soon&to=2024-12-27', 'from'],
    ['/history?limit=500', 'limit'],
    ['/history?format=xml', 'format'],
  ])('refuses %s naming %s', async (path, field) => {
    const res = await request(app).get(`${base}${path}`).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('answers 404 for the history of an unknown negotiation', async () => {
    await request(app).get('/negotiations/unknown/history').expect(404);
  });
});

describe('corrections and retractions through the API, on both query axes', () => {
  it('a correction recorded later changes knownAt answers from then on, and not before', async () => {
    const h = harness('sqlite');
    try {
      h.clock.set('2025-01-03T10:00:00.000Z');
      const sent = {
        type: 'DelegationSent',
        occurredAt: '2025-01-03',
        precision: 'day',
        reportedAt: '2025-01-03',
        sources: [
          {
            outlet: 'Wire',
            title: 'T',
            publishedAt: '2025-01-03',
            quote: 'team sent to Cairo',
            attribution: { kind: 'outlet' },
          },
        ],
        payload: { party: 'Israel', venue: 'Cairo' },
      };
      const created = await request(h.app).post('/negotiations/talks/events').send(sent).expect(201);
      h.clock.set('2025-01-06T10:00:00.000Z');
      await request(h.app)
        .post('/negotiations/talks/events')
        .send({
          ...sent,
          type: 'EventCorrected',
          payload: {
            targetEventId: created.body.events[0].id,
            reason: 'it was Doha',
            corrections: { payload: { party: 'Israel', venue: 'Doha' } },
          },
        })
        .expect(201);
      const venueAt = async (knownAt: string) =>
        (
          await request(h.app)
            .get(`/negotiations/talks/status?asOf=2025-01-04&knownAt=${knownAt}`)
            .expect(200)
        ).body.status.delegations[0]?.venue;
      expect(await venueAt('2025-01-05')).toBe('Cairo');
      expect(await venueAt('2025-01-06T10:00:00Z')).toBe('Doha');
      const history = await request(h.app).get('/negotiations/talks/history').expect(200);
      expect(history.body.history[1].changes).toContainEqual(
        expect.objectContaining({ path: 'status.delegation.Israel', before: 'in Cairo', after: 'in Doha' }),
      );
    } finally {
      await h.close();
    }
  });
});
