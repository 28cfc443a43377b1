import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as TE from 'fp-ts/TaskEither';
import request from 'supertest';
import { createMetrics } from '../../src/api/metrics';
import { addPrincipal } from '../../src/auth';
import { Runtime, compose } from '../../src/composition';
import { loadConfig } from '../../src/config';
import { createInMemoryEventStore } from '../../src/store';
import { manualClock, reported, unwrap } from '../support/builders';

/** The value of one sample line (`name{labels} value`), or undefined when the text has none. */
const sample = (text: string, name: string, labels = ''): number | undefined => {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}${labels === '' ? '' : `{${labels}`}`) && !l.startsWith('#'));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

describe('GET /metrics on the composed server', () => {
  const root = join(__dirname, '..', '..');
  const made: Array<{ runtime: Runtime; dataDir: string }> = [];
  const start = async (env: Record<string, string> = {}) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tracker-metrics-'));
    const runtime = await compose(
      unwrap(
        loadConfig(
          {
            DATA_DIR: dataDir,
            IMPORT_REFERENCE_STORY: 'false',
            LOG_LEVEL: 'silent',
            AUTH_TOKENS: '',
            ...env,
          },
          root,
        ),
      ),
    );
    made.push({ runtime, dataDir });
    return { runtime, dataDir };
  };
  afterAll(async () => {
    for (const { runtime, dataDir } of made) {
      runtime.liveFeed.close();
      await runtime.store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('counts requests by route template and status, appends, and reports queues and the event loop', async () => {
    const { runtime } = await start();
    const app = runtime.app;
    await request(app).get('/negotiations/doha/status').expect(404);
    unwrap(
      await runtime.tracker.append({
        negotiationId: 'doha',
        events: [
          reported('TalksResumed', { venue: 'Doha' }),
          reported('TalksStalled', { reason: 'consultations' }),
        ],
        expectedRevision: { kind: 'any' },
        recordedBy: 'test',
      })(),
    );
    await request(app).get('/negotiations/doha/status').expect(200);
    await request(app).get('/negotiations/doha/status?asOf=2025-01-01').expect(200);
    await request(app).get('/static/app.js').expect(200);
    const scraped = await request(app).get('/metrics').expect(200);
    expect(scraped.headers['content-type']).toMatch(/^text\/plain/);
    const text = scraped.text;
    const statusRoute = 'method="GET",route="/negotiations/:negotiationId/status"';
    expect(sample(text, 'http_requests_total', `${statusRoute},status="200"`)).toBe(2);
    expect(sample(text, 'http_requests_total', `${statusRoute},status="404"`)).toBe(1);
    // Ids never become labels.
    expect(text).not.toContain('route="/negotiations/doha');
    expect(sample(text, 'http_request_duration_seconds_count', `${statusRoute},status="200"`)).toBe(2);
    expect(sample(text, 'http_requests_total', 'method="GET",route="/static/{file}",status="200"')).toBe(1);
    expect(sample(text, 'tracker_events_appended_total')).toBe(2);
    expect(sample(text, 'tracker_store_failures_total')).toBeUndefined();
    expect(sample(text, 'tracker_expensive_reads_queued')).toBe(0);
    expect(sample(text, 'tracker_live_clients')).toBe(0);
    expect(sample(text, 'nodejs_eventloop_lag_p99_seconds')).toEqual(expect.any(Number));
  });

  it('counts the stream clients following the log while they follow', async () => {
    const { runtime } = await start();
    const server = runtime.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const leave = new AbortController();
    try {
      const stream = await fetch(`http://127.0.0.1:${port}/stream`, { signal: leave.signal });
      // The first bytes (the retry and a comment) come once the follower is subscribed.
      await stream.body?.getReader().read();
      const following = await request(runtime.app).get('/metrics').expect(200);
      expect(sample(following.text, 'tracker_live_clients')).toBe(1);
    } finally {
      leave.abort();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('needs a token from another address, unless METRICS_OPEN', async () => {
    const { runtime, dataDir } = await start({ TRUST_PROXY: 'loopback' });
    const token = unwrap(addPrincipal(join(dataDir, 'tokens.json'), 'prometheus', 'reader'));
    const from = (address: string) => request(runtime.app).get('/metrics').set('X-Forwarded-For', address);
    const refused = await from('203.0.113.9').expect(401);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    await from('203.0.113.9').set('Authorization', `Bearer ${token}`).expect(200);
    await from('127.0.0.1').expect(200);
    const open = await start({ TRUST_PROXY: 'loopback', METRICS_OPEN: 'true' });
    await request(open.runtime.app).get('/metrics').set('X-Forwarded-For', '203.0.113.9').expect(200);
  });
});

describe('the store as the metrics see it', () => {
  it('counts each failure of an operation, and passes every answer through unchanged', async () => {
    const metrics = createMetrics();
    const inner = createInMemoryEventStore(manualClock('2025-01-05T08:00:00.000Z'));
    const failing = {
      ...inner,
      listStreams: () => TE.left({ _tag: 'StoreFailure' as const, message: 'disk gone' }),
    };
    const store = metrics.watchStore(failing);
    expect(await store.listStreams()()).toEqual({
      _tag: 'Left',
      left: { _tag: 'StoreFailure', message: 'disk gone' },
    });
    expect(await store.streamRevision('none')()).toEqual({ _tag: 'Right', right: -1 });
    await store.listStreams()();
    const text = await metrics.registry.metrics();
    expect(sample(text, 'tracker_store_failures_total', 'operation="listStreams"')).toBe(2);
    expect(sample(text, 'tracker_store_failures_total', 'operation="streamRevision"')).toBeUndefined();
  });
});
