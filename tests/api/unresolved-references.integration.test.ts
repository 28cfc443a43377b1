import request from '../support/contract-request';
import { unwrap } from '../support/builders';
import { ADAPTERS, Harness, harness } from '../support/app-harness';

const PROBLEM = /application\/problem\+json/;

const event = (type: string, occurredAt: string, payload: object) => ({
  type,
  occurredAt,
  precision: 'day',
  reportedAt: occurredAt,
  sources: [
    {
      outlet: 'Test Wire',
      title: 'A report',
      publishedAt: occurredAt,
      paraphrase: 'the report says so, in other words',
      attribution: { kind: 'outlet', name: 'Test Wire' },
    },
  ],
  payload,
});

const raised = event('IssueRaised', '2025-01-02', {
  issueId: 'corridor',
  title: 'The corridor',
  raisedBy: 'North',
});
const resolved = (on: string) => event('IssueResolved', on, { issueId: 'corridor' });

describe.each(ADAPTERS)('references to what no development defines, on the %s store', (adapter) => {
  let h: Harness;
  beforeEach(() => {
    h = harness(adapter);
  });
  afterEach(() => h.close());
  const stored = async () => unwrap(await h.store.readStream('talks')()).length;

  it('accepts a late report naming an undefined issue, with a warning naming the field', async () => {
    const res = await request(h.app)
      .post('/negotiations/talks/events')
      .send(resolved('2025-01-05'))
      .expect(201);
    expect(res.body.warnings).toEqual([
      { field: 'events.0.payload.issueId', reason: 'names issue "corridor", which no development defines' },
    ]);
    const status = await request(h.app).get('/negotiations/talks/status?asOf=2025-01-06').expect(200);
    expect(status.body.status.unresolvedReferences).toEqual([
      expect.objectContaining({ kind: 'issue', id: 'corridor' }),
    ]);
  });

  it('gives no warning once the issue is defined before, in the log or earlier in the batch', async () => {
    const batch = await request(h.app)
      .post('/negotiations/talks/events')
      .send({ events: [resolved('2025-01-05'), raised] })
      .expect(201);
    expect(batch.body.warnings).toEqual([]);
    const later = await request(h.app)
      .post('/negotiations/talks/events')
      .send(resolved('2025-01-06'))
      .expect(201);
    expect(later.body.warnings).toEqual([]);
  });

  it('warns when the definition comes only later than the development naming it', async () => {
    await request(h.app).post('/negotiations/talks/events').send(raised).expect(201);
    const early = await request(h.app)
      .post('/negotiations/talks/events')
      .send(resolved('2025-01-01'))
      .expect(201);
    expect(early.body.warnings).toEqual([
      {
        field: 'events.0.payload.issueId',
        reason: 'names issue "corridor", which is defined only later (2025-01-02)',
      },
    ]);
  });

  it.each([
    ['?strict=true', {}],
    ['', { Prefer: 'handling=strict' }],
  ])('refuses it in strict mode (%s) with 422 naming the field, storing nothing', async (query, headers) => {
    const res = await request(h.app)
      .post(`/negotiations/talks/events${query}`)
      .set(headers)
      .send(resolved('2025-01-05'))
      .expect(422);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.errors).toEqual([
      { field: 'events.0.payload.issueId', reason: 'names issue "corridor", which no development defines' },
    ]);
    expect(await stored()).toBe(0);
  });

  it('refuses an unknown query parameter or a bad strict value with 400, storing nothing', async () => {
    const bad = await request(h.app).post('/negotiations/talks/events?strict=yes').send(raised).expect(400);
    expect(bad.body.errors).toEqual([{ field: 'strict', reason: 'must be one of: true, false' }]);
    const unknown = await request(h.app)
      .post('/negotiations/talks/events?strictly=true')
      .send(raised)
      .expect(400);
    expect(unknown.body.errors).toEqual([
      { field: 'strictly', reason: 'is not a query parameter of this endpoint (known: strict)' },
    ]);
    expect(await stored()).toBe(0);
  });

  it('refuses in strict mode a withdrawal by someone who is not a party to the agreement, naming the field', async () => {
    const deal = event('AgreementReached', '2025-01-10', {
      agreementId: 'accord',
      scope: 'framework',
      parties: ['North', 'South'],
    });
    await request(h.app).post('/negotiations/talks/events').send(deal).expect(201);
    const withdrawal = event('PartyWithdrewFromAgreement', '2025-02-01', {
      agreementId: 'accord',
      party: 'East',
    });
    const res = await request(h.app)
      .post('/negotiations/talks/events?strict=true')
      .send(withdrawal)
      .expect(422);
    expect(res.body.errors).toEqual([
      {
        field: 'events.0.payload.party',
        reason: '"East" is not a party to agreement "accord" (its parties: North, South)',
      },
    ]);
    expect(await stored()).toBe(1);
    const lenient = await request(h.app).post('/negotiations/talks/events').send(withdrawal).expect(201);
    expect(lenient.body.warnings).toEqual(res.body.errors);
  });
});
