import request from '../support/contract-request';
import { unwrap } from '../support/builders';
import { ADAPTERS, Harness, harness } from '../support/app-harness';

const event = (overrides: Record<string, unknown> = {}) => ({
  type: 'TalksResumed',
  occurredAt: '2025-01-03',
  precision: 'day',
  reportedAt: '2025-01-04T19:12:00+02:00',
  sources: [
    {
      outlet: 'Test Wire',
      title: 'Talks resume in Doha',
      publishedAt: '2025-01-04',
      quote: 'indirect negotiations will resume today',
      attribution: { kind: 'institution', name: 'Hamas' },
    },
  ],
  payload: { venue: 'Doha', format: 'indirect' },
  ...overrides,
});

const PROBLEM = /application\/problem\+json/;

describe.each(ADAPTERS)('the events API on the %s store', (adapter) => {
  let h: Harness;
  beforeEach(() => {
    h = harness(adapter);
  });
  afterEach(() => h.close());

  const storedCount = async (negotiationId = 'talks') =>
    unwrap(await h.store.readStream(negotiationId)()).length;

  it('appends one event: 201, revision, position, ETag; recordedAt and recordedBy come from the server', async () => {
    const res = await request(h.app).post('/negotiations/talks/events').send(event()).expect(201);
    expect(res.headers['etag']).toBe('"0"');
    expect(res.body).toMatchObject({ negotiationId: 'talks', revision: 0, replayed: false });
    expect(res.body.events[0]).toMatchObject({ revision: 0, recordedAt: '2025-01-05T08:00:00.000Z' });
    const [stored] = unwrap(await h.store.readStream('talks')());
    expect(stored?.recordedBy).toBe('anonymous');
  });

  it('appends a batch atomically, and a batch with one bad event stores nothing', async () => {
    await request(h.app)
      .post('/negotiations/talks/events')
      .send({ events: [event(), event()] })
      .expect(201);
    const bad = await request(h.app)
      .post('/negotiations/talks/events')
      .send({ events: [event(), event({ payload: { venue: '' } })] })
      .expect(400);
    expect(bad.headers['content-type']).toMatch(PROBLEM);
    expect(bad.body.errors).toEqual([{ field: 'events.1.payload.venue', reason: 'must not be empty' }]);
    expect(await storedCount()).toBe(2);
  });

  it('treats a retried event id as the original append, not a duplicate', async () => {
    const id = '5b0f5fb8-5f0a-4d1e-9c41-1d7c3a0c2b11';
    const first = await request(h.app).post('/negotiations/talks/events').send(event({ id })).expect(201);
    h.clock.advance(1000);
    const retry = await request(h.app).post('/negotiations/talks/events').send(event({ id })).expect(200);
    expect(retry.body.replayed).toBe(true);
    expect(retry.body.events).toEqual(first.body.events);
    expect(await storedCount()).toBe(1);
    const reused = await request(h.app)
      .post('/negotiations/talks/events')
      .send(event({ id, summary: 'different' }))
      .expect(409);
    expect(reused.body.errors[0].field).toBe('events.0.id');
    expect(await storedCount()).toBe(1);
  });

  it('checks If-Match against the stream revision: 412 with the current ETag, nothing appended', async () => {
    await request(h.app)
      .post('/negotiations/talks/events')
      .set('If-None-Match', '*')
      .send(event())
      .expect(201);
    const stale = await request(h.app)
      .post('/negotiations/talks/events')
      .set('If-Match', '"3"')
      .send(event())
      .expect(412);
    expect(stale.headers['content-type']).toMatch(PROBLEM);
    expect(stale.headers['etag']).toBe('"0"');
    expect(stale.body).toMatchObject({ currentRevision: 0, errors: [{ field: 'If-Match' }] });
    await request(h.app)
      .post('/negotiations/talks/events')
      .set('If-None-Match', '*')
      .send(event())
      .expect(412);
    await request(h.app).post('/negotiations/talks/events').set('If-Match', '"0"').send(event()).expect(201);
    expect(await storedCount()).toBe(2);
  });

  it('refuses a malformed If-Match naming the header', async () => {
    const res = await request(h.app)
      .post('/negotiations/talks/events')
      .set('If-Match', 'W/"0"')
      .send(event())
      .expect(400);
    expect(res.body.errors[0].field).toBe('If-Match');
  });

  it.each([
    ['malformed JSON', '{"type": ', '(body)'],
    ['an array body', '[]', '(body)'],
    ['an unknown event type', JSON.stringify(event({ type: 'TalksExploded' })), 'type'],
    ['a bad date', JSON.stringify(event({ occurredAt: '2025-13-01' })), 'occurredAt'],
    ['a misspelt field', JSON.stringify({ ...event(), occuredAt: '2025-01-03' }), 'occuredAt'],
    ['a client-set recordedBy', JSON.stringify({ ...event(), recordedBy: 'mallory' }), 'recordedBy'],
    [
      'a negotiationId that contradicts the URL',
      JSON.stringify(event({ negotiationId: 'other' })),
      'negotiationId',
    ],
    ['an empty batch', JSON.stringify({ events: [] }), 'events'],
    ['an extra key next to a batch', JSON.stringify({ events: [event()], note: 'x' }), 'note'],
  ])('refuses %s with a 400 naming the field, storing nothing', async (_name, body, field) => {
    const res = await request(h.app)
      .post('/negotiations/talks/events')
      .set('Content-Type', 'application/json')
      .send(body)
      .expect(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(res.body.status).toBe(400);
    expect(await storedCount()).toBe(0);
  });

  it('refuses a body that is not JSON with 415, and a bad negotiation id with 400', async () => {
    await request(h.app)
      .post('/negotiations/talks/events')
      .set('Content-Type', 'text/plain')
      .send('hello')
      .expect(415);
    const res = await request(h.app).post('/negotiations/Not%20Valid/events').send(event()).expect(400);
    expect(res.body.errors[0].field).toBe('negotiationId');
  });

  it('refuses a correction of an unknown or retracted event with 422', async () => {
    const created = await request(h.app).post('/negotiations/talks/events').send(event()).expect(201);
    const target = created.body.events[0].id as string;
    const unknown = await request(h.app)
      .post('/negotiations/talks/events')
      .send(
        event({
          type: 'EventRetracted',
          payload: { targetEventId: '00000000-0000-4000-8000-000000000000', reason: 'x' },
        }),
      )
      .expect(422);
    expect(unknown.body.errors[0].field).toBe('events.0.payload.targetEventId');
    await request(h.app)
      .post('/negotiations/talks/events')
      .send(event({ type: 'EventRetracted', payload: { targetEventId: target, reason: 'withdrawn' } }))
      .expect(201);
    const again = await request(h.app)
      .post('/negotiations/talks/events')
      .send(
        event({
          type: 'EventCorrected',
          payload: { targetEventId: target, reason: 'x', corrections: { summary: 'y' } },
        }),
      )
      .expect(422);
    expect(again.body.detail).toContain('retracted');
    const wrongShape = await request(h.app)
      .post('/negotiations/talks/events')
      .send(
        event({
          type: 'EventCorrected',
          payload: { targetEventId: created.body.events[0].id, reason: 'x', corrections: {} },
        }),
      )
      .expect(422);
    expect(wrongShape.body.status).toBe(422);
    expect(await storedCount()).toBe(2);
  });

  it('pages raw events with a link to the next page', async () => {
    await request(h.app)
      .post('/negotiations/talks/events')
      .send({ events: [event(), event(), event()] })
      .expect(201);
    const page = await request(h.app).get('/negotiations/talks/events?limit=2').expect(200);
    expect(page.body.events.map((e: { revision: number }) => e.revision)).toEqual([0, 1]);
    expect(page.body.next).toBe('/negotiations/talks/events?fromRevision=2&limit=2');
    const rest = await request(h.app).get(page.body.next).expect(200);
    expect(rest.body.events).toHaveLength(1);
    expect(rest.body.next).toBeUndefined();
    await request(h.app).get('/negotiations/talks/events?limit=0').expect(400);
    await request(h.app).get('/negotiations/talks/events?limit=5000').expect(400);
  });

  it('keeps serving after bad input', async () => {
    for (let i = 0; i < 5; i += 1)
      await request(h.app)
        .post('/negotiations/talks/events')
        .set('Content-Type', 'application/json')
        .send('{oops')
        .expect(400);
    await request(h.app).get('/health').expect(200);
    await request(h.app).post('/negotiations/talks/events').send(event()).expect(201);
  });
});
