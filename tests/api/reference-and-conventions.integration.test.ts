import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { IncomingHttpHeaders, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROBLEM_SLUGS, openApiDocument, packageVersion } from '../../src/api';
import * as E from 'fp-ts/Either';
import { randomUUID } from 'node:crypto';
import { createTracker } from '../../src/application/tracker';
import { importNdjsonFiles } from '../../src/import';
import request from '../support/contract-request';
import { Harness, harness } from '../support/app-harness';
import { REFERENCE_FILE, REFERENCE_ID, referenceLines } from '../support/reference-story';

/** An answer's headers and its bytes as they went over the wire (HTTP clients would decompress them). */
const rawGet = (app: Harness['app'], path: string, acceptEncoding: string) =>
  new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      get({ host: '127.0.0.1', port, path, headers: { 'Accept-Encoding': acceptEncoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          server.close(() => resolve({ headers: res.headers, body: Buffer.concat(chunks) })),
        );
      }).on('error', reject);
    });
  });

describe('the API reference, problem pages and HTTP conventions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = harness('sqlite');
    // The app's tracker follows the store, so the story can be imported through a tracker of its own.
    const importer = createTracker({ store: h.store, newEventId: randomUUID });
    const imported = await importNdjsonFiles(importer, [REFERENCE_FILE], 'importer');
    expect(E.isRight(imported)).toBe(true);
  });
  afterAll(() => h.close());
  const base = `/negotiations/${REFERENCE_ID}`;

  it('serves the OpenAPI document it is built from at /openapi.json', async () => {
    const res = await request(h.app).get('/openapi.json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual(openApiDocument({ version: packageVersion() }));
  });

  it('serves a reference page at /docs from its own origin, with its assets', async () => {
    const page = await request(h.app).get('/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(page.text).not.toMatch(/https?:\/\//);
    for (const asset of page.text.match(/(?:src|href)="([^"]+)"/g) ?? []) {
      const path = /"([^"]+)"/.exec(asset)?.[1] ?? '';
      await request(h.app).get(path).expect(200);
    }
    const start = await request(h.app).get('/docs/start.js').expect(200);
    expect(start.text).toMatch(/url: '\/openapi\.json'/);
  });

  it('answers every problem type URI with what it means and what to do, as HTML, text or JSON', async () => {
    for (const slug of PROBLEM_SLUGS) {
      const html = await request(h.app).get(`/problems/${slug}`).set('Accept', 'text/html').expect(200);
      expect(html.text).toMatch(/What it means[\s\S]*What to do/);
    }
    const text = await request(h.app)
      .get('/problems/revision-conflict')
      .set('Accept', 'text/plain')
      .expect(200);
    expect(text.text).toMatch(/^The negotiation has moved on/);
    expect(text.text).toMatch(/If-Match/);
    const json = await request(h.app)
      .get('/problems/revision-conflict')
      .set('Accept', 'application/json')
      .expect(200);
    expect(json.body).toMatchObject({ type: '/problems/revision-conflict', statuses: [412] });
    await request(h.app).get('/problems/no-such-problem').expect(404);
  });

  it('a problem names the request field: an unknown query parameter is called one, by its name', async () => {
    const res = await request(h.app).get(`${base}/status?as_of=2024-12-01`).expect(400);
    expect(res.body.errors).toEqual([
      {
        field: 'as_of',
        reason: 'is not a query parameter of this endpoint (known: asOf, deadlines, include, knownAt)',
      },
    ]);
    expect(res.body.detail).not.toMatch(/AsOfParams/);
  });

  it('compresses large answers with br or gzip, and leaves small ones alone', async () => {
    const brotli = await rawGet(h.app, `${base}/events?limit=50`, 'br');
    expect(brotli.headers['content-encoding']).toBe('br');
    const fromBrotli = JSON.parse(brotliDecompressSync(brotli.body).toString('utf8'));
    expect(fromBrotli.events).toHaveLength(50);
    const gzip = await rawGet(h.app, `${base}/events?limit=50`, 'gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gzip.body).toString('utf8'))).toEqual(fromBrotli);
    const plain = await rawGet(h.app, `${base}/events?limit=50`, 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(brotli.body.length * 3);
    const small = await request(h.app).get('/health').set('Accept-Encoding', 'br, gzip');
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('links the pages of events and of the history in a Link header', async () => {
    const first = await request(h.app).get(`${base}/events?limit=20`).expect(200);
    expect(first.headers['link']).toBe(
      `<${base}/events?fromRevision=0&limit=20>; rel="first", <${base}/events?fromRevision=20&limit=20>; rel="next"`,
    );
    const last = await request(h.app).get(`${base}/events?fromRevision=40&limit=20`).expect(200);
    expect(last.headers['link']).toBe(`<${base}/events?fromRevision=0&limit=20>; rel="first"`);
    const history = await request(h.app).get(`${base}/history?limit=10`).expect(200);
    expect(history.headers['link']).toMatch(/<[^>]+fromRevision=10&limit=10>; rel="next"/);
  });

  it('answers 406 to an Accept it cannot give, and serves what it can', async () => {
    const refused = await request(h.app).get(`${base}/status`).set('Accept', 'text/csv').expect(406);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body.errors).toEqual([{ field: 'Accept', reason: 'must accept application/json' }]);
    await request(h.app).get(`${base}/history`).set('Accept', 'application/x-ndjson').expect(200);
    await request(h.app).get(`${base}/status`).set('Accept', 'application/x-ndjson').expect(406);
    await request(h.app).get(`${base}/status`).set('Accept', 'text/html, */*;q=0.8').expect(200);
  });

  it('serves one negotiation, and one event by its id', async () => {
    const lines = referenceLines();
    const negotiation = await request(h.app).get(base).expect(200);
    expect(negotiation.body).toMatchObject({
      negotiationId: REFERENCE_ID,
      revision: lines.length - 1,
      eventCount: lines.length,
      links: { status: `${base}/status` },
    });
    expect(negotiation.headers['etag']).toBe(`"${lines.length - 1}"`);
    await request(h.app).get('/negotiations/never-recorded').expect(404);

    const wanted = lines[lines.length - 1]?.event;
    const event = await request(h.app).get(`${base}/events/${wanted?.id}`).expect(200);
    expect(event.body).toMatchObject({ id: wanted?.id, type: wanted?.type, revision: lines.length - 1 });
    const missing = await request(h.app)
      .get(`${base}/events/00000000-0000-4000-8000-000000000000`)
      .expect(404);
    expect(missing.body.errors).toEqual([
      { field: 'eventId', reason: 'names nothing that has been recorded' },
    ]);
    const bad = await request(h.app).get(`${base}/events/not-a-uuid`).expect(400);
    expect(bad.body.errors[0].field).toBe('eventId');
  });
});
