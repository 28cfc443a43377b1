import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NewEvent, TrackerClient, createTrackerClient } from '../../clients/typescript';
import { openApiDocument, packageVersion } from '../../src/api';
import { contractFetch } from '../support/contract';
import { LiveApp, WRITER_TOKEN, development, liveApp } from '../support/live-app';
import { REFERENCE_ID, referenceLines } from '../support/reference-story';

const CLIENT_DIR = join(__dirname, '..', '..', 'clients', 'typescript');
const GENERATOR = join(__dirname, '..', '..', 'node_modules', 'openapi-typescript', 'bin', 'cli.js');

describe('the generated TypeScript client', () => {
  it('is what a fresh generation from the served document gives (npm run client:generate)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracker-client-'));
    try {
      const document = `${JSON.stringify(openApiDocument({ version: packageVersion() }), null, 2)}\n`;
      writeFileSync(join(dir, 'openapi.json'), document);
      execFileSync(
        process.execPath,
        [GENERATOR, join(dir, 'openapi.json'), '--output', join(dir, 'schema.ts')],
        {
          stdio: 'pipe',
        },
      );
      expect(readFileSync(join(CLIENT_DIR, 'openapi.json'), 'utf8')).toBe(document);
      expect(readFileSync(join(CLIENT_DIR, 'schema.ts'), 'utf8')).toBe(
        readFileSync(join(dir, 'schema.ts'), 'utf8'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('a user of the TypeScript client, against a running server', () => {
  let live: LiveApp;
  let client: TrackerClient;
  beforeAll(async () => {
    live = await liveApp('sqlite');
    client = createTrackerClient(live.url, { token: WRITER_TOKEN, fetch: contractFetch });
  });
  afterAll(() => live.close());

  const story = () => referenceLines().map(({ event }) => event as unknown as NewEvent);
  const path = { negotiationId: REFERENCE_ID };

  it('appends the reference story in batches, each conditional on the ETag of the last', async () => {
    const events = story();
    let etag: string | undefined;
    for (let start = 0; start < events.length; start += 20) {
      const header: Record<string, string> =
        etag === undefined ? { 'If-None-Match': '*' } : { 'If-Match': etag };
      const { data, error, response } = await client.POST('/negotiations/{negotiationId}/events', {
        params: { path, header },
        body: { events: events.slice(start, start + 20) },
      });
      expect(error).toBeUndefined();
      expect(response.status).toBe(201);
      expect(data?.revision).toBe(Math.min(start + 20, events.length) - 1);
      etag = response.headers.get('etag') ?? undefined;
    }
    expect(etag).toBe(`"${events.length - 1}"`);
  });

  it('is told with a typed problem when its If-Match is stale, and appends once it has re-read', async () => {
    const event = development('client') as unknown as NewEvent;
    const stale = await client.POST('/negotiations/{negotiationId}/events', {
      params: { path, header: { 'If-Match': '"3"' } },
      body: event,
    });
    expect(stale.response.status).toBe(412);
    expect(stale.error?.type).toBe('/problems/revision-conflict');
    const current = stale.error?.currentRevision;
    expect(current).toBe(story().length - 1);
    const retried = await client.POST('/negotiations/{negotiationId}/events', {
      params: { path, header: { 'If-Match': `"${current}"` } },
      body: event,
    });
    expect(retried.response.status).toBe(201);
    // The response to that append was lost, say: the same event sent again is the original append, not a second.
    const again = await client.POST('/negotiations/{negotiationId}/events', {
      params: { path },
      body: event,
    });
    expect(again.response.status).toBe(200);
    expect(again.data?.replayed).toBe(true);
    expect(again.data?.events).toEqual(retried.data?.events);
  });

  it('reads the status as of a date', async () => {
    const { data, error } = await client.GET('/negotiations/{negotiationId}/status', {
      params: { path, query: { asOf: '2024-07-10' } },
    });
    expect(error).toBeUndefined();
    expect(data?.asOf).toBe('2024-07-10');
    expect((data?.status as { title?: string }).title).toMatch(/Gaza/);
  });

  it('pages through the whole history by its next links', async () => {
    const revisions: number[] = [];
    let fromRevision: number | undefined = 0;
    while (fromRevision !== undefined) {
      const page = await client.GET('/negotiations/{negotiationId}/history', {
        params: { path, query: { fromRevision, limit: 25 } },
      });
      expect(page.error).toBeUndefined();
      const body = page.data as { history: Array<{ revision: number }>; next?: string };
      revisions.push(...body.history.map((entry) => entry.revision));
      const next: string | null =
        body.next === undefined ? null : new URL(body.next, live.url).searchParams.get('fromRevision');
      fromRevision = next === null ? undefined : Number(next);
    }
    expect(revisions).toEqual([...Array(story().length + 1).keys()]);
  });
});
