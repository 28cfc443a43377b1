import request from 'supertest';
import { EVENT_TYPES } from '../../src/domain';
import { Harness, harness } from '../support/app-harness';
import { development } from '../support/live-app';

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: string[];
  items?: Schema;
  oneOf?: Schema[];
}
interface Schemas {
  envelope: Schema;
  types: Array<{ type: string; correction: boolean; payload: Schema }>;
}

const writeAs = (app: Harness['app'], negotiationId: string, body: object) =>
  request(app)
    .post(`/negotiations/${negotiationId}/events`)
    .set('content-type', 'application/json')
    .send(body);

describe('GET /schema/events: what the forms are built from', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness('in-memory');
  });
  afterEach(() => h.close());

  it('describes every event type of the catalog, and the envelope with its enumerations', async () => {
    const response = await request(h.app).get('/schema/events');
    expect(response.status).toBe(200);
    const schemas = JSON.parse(response.text) as Schemas;
    expect(schemas.types.map((entry) => entry.type)).toEqual(EVENT_TYPES);
    expect(schemas.envelope.required).toEqual(
      expect.arrayContaining(['type', 'occurredAt', 'precision', 'reportedAt', 'sources', 'payload']),
    );
    expect(schemas.envelope.properties?.['precision']?.enum).toEqual(['instant', 'day', 'month', 'range']);
    const source = schemas.envelope.properties?.['sources']?.items;
    expect(source?.required).toEqual(expect.arrayContaining(['outlet', 'publishedAt']));
    expect(Object.keys(source?.properties ?? {})).toEqual(expect.arrayContaining(['quote', 'attribution']));
  });

  it('names as required exactly the payload fields the API refuses when missing, for every type', async () => {
    const schemas = JSON.parse((await request(h.app).get('/schema/events')).text) as Schemas;
    for (const { type, payload } of schemas.types) {
      const refused = await writeAs(h.app, 'talks', development(type, { type, payload: {} }));
      expect(refused.status).toBe(400);
      const missing = (refused.body as { errors: Array<{ field: string; reason: string }> }).errors
        .filter((error) => error.reason === 'is required')
        .map((error) => error.field);
      expect([...missing].sort()).toEqual((payload.required ?? []).map((field) => `payload.${field}`).sort());
    }
  });
});

describe('CSV downloads of the timeline and of the issues', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness('sqlite');
  });
  afterEach(() => h.close());

  it('has a row for each development, quoting commas, quotes and line breaks, and defusing formulas', async () => {
    const tricky = development('x', {
      summary: '=HYPERLINK("evil") said, "quoted"\nand more',
    });
    expect((await writeAs(h.app, 'talks', { events: [development(1), tricky] })).status).toBe(201);
    const response = await request(h.app).get('/negotiations/talks/timeline.csv');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toBe('attachment; filename="talks-timeline.csv"');
    expect(response.text).toContain(`"'=HYPERLINK(""evil"") said, ""quoted""\nand more"`);
    for (const id of [tricky.id]) expect(response.text).toContain(id);
  });

  it('lists every issue with its state as of the date asked', async () => {
    const raised = development('r', {
      type: 'IssueRaised',
      occurredAt: '2024-07-01',
      payload: { issueId: 'guarantees', title: 'Guarantees', raisedBy: 'Hamas' },
    });
    const resolved = development('s', {
      type: 'IssueResolved',
      occurredAt: '2024-08-01',
      payload: { issueId: 'guarantees' },
    });
    expect((await writeAs(h.app, 'talks', { events: [raised, resolved] })).status).toBe(201);
    const july = await request(h.app).get('/negotiations/talks/issues.csv?asOf=2024-07-15&state=all');
    expect(july.text.split('\r\n')[1]).toMatch(/^guarantees,Guarantees,open,2024-07-01,Hamas,/);
    const august = await request(h.app).get('/negotiations/talks/issues.csv?asOf=2024-08-15&state=all');
    expect(august.text.split('\r\n')[1]).toMatch(/^guarantees,Guarantees,resolved,/);
  });

  it('refuses an unknown parameter as problem+json naming it', async () => {
    expect((await writeAs(h.app, 'talks', development(1))).status).toBe(201);
    const response = await request(h.app).get('/negotiations/talks/timeline.csv?format=xlsx');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((response.body as { errors: Array<{ field: string }> }).errors[0]?.field).toBe('format');
  });
});
