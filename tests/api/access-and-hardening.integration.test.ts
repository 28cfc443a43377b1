import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from '../support/contract-request';
import { AccessPolicy, createApp } from '../../src/api';
import { createTracker } from '../../src/application/tracker';
import { hashToken, parseTokenSpec, principalLookup } from '../../src/auth';
import { createLogger } from '../../src/composition';
import { timelinePage } from '../../src/web';
import { createInMemoryEventStore } from '../../src/store';
import { manualClock, unwrap } from '../support/builders';

const TOKENS = { reader: 'nt_reader_token', writer: 'nt_writer_token', admin: 'nt_admin_token' };
const principals = unwrap(
  parseTokenSpec(
    `rita:reader:${hashToken(TOKENS.reader)},walt:writer:${hashToken(TOKENS.writer)},ada:admin:${hashToken(TOKENS.admin)}`,
  ),
);

const event = {
  type: 'TalksResumed',
  occurredAt: '2025-01-03',
  precision: 'day',
  reportedAt: '2025-01-04',
  sources: [
    {
      outlet: 'Wire',
      title: 'T',
      publishedAt: '2025-01-04',
      quote: 'talks resume',
      attribution: { kind: 'outlet' },
    },
  ],
  payload: { venue: 'Doha' },
};

const build = (overrides: Partial<Parameters<typeof createApp>[0]> = {}, readsRequireAuth = false) => {
  const store = createInMemoryEventStore(manualClock());
  const access: AccessPolicy = { principalFor: principalLookup(principals), readsRequireAuth };
  const app = createApp({
    tracker: createTracker({ store, newEventId: () => crypto.randomUUID() }),
    access,
    principals,
    ...overrides,
  });
  return { app, store };
};
const bearer = (role: keyof typeof TOKENS) => `Bearer ${TOKENS[role]}`;

describe('who may write and read', () => {
  it('refuses a write without a token (401, WWW-Authenticate) or with a reader token (403), storing nothing', async () => {
    const { app, store } = build();
    const anonymous = await request(app).post('/negotiations/talks/events').send(event).expect(401);
    expect(anonymous.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(anonymous.body.errors[0].field).toBe('Authorization');
    const reader = await request(app)
      .post('/negotiations/talks/events')
      .set('Authorization', bearer('reader'))
      .send(event)
      .expect(403);
    expect(reader.body.detail).toContain('rita');
    await request(app)
      .post('/negotiations/talks/events')
      .set('Authorization', 'Bearer nt_forged')
      .send(event)
      .expect(401);
    expect(unwrap(await store.readStream('talks')())).toHaveLength(0);
  });

  it('records the authenticated writer as recordedBy; an API key header works too', async () => {
    const { app, store } = build();
    await request(app)
      .post('/negotiations/talks/events')
      .set('Authorization', bearer('writer'))
      .send(event)
      .expect(201);
    await request(app)
      .post('/negotiations/talks/events')
      .set('X-API-Key', TOKENS.admin)
      .send(event)
      .expect(201);
    expect(unwrap(await store.readStream('talks')()).map((e) => e.recordedBy)).toEqual(['walt', 'ada']);
  });

  it('keeps reads open by default but refuses an invalid token on them', async () => {
    const { app } = build();
    await request(app)
      .post('/negotiations/talks/events')
      .set('Authorization', bearer('writer'))
      .send(event)
      .expect(201);
    await request(app).get('/negotiations/talks/status').expect(200);
    await request(app).get('/negotiations/talks/status').set('Authorization', 'Bearer wrong').expect(401);
  });

  it('closes reads when configured: 401 without a token, 200 for a reader', async () => {
    const { app } = build({}, true);
    await request(app)
      .post('/negotiations/talks/events')
      .set('Authorization', bearer('writer'))
      .send(event)
      .expect(201);
    await request(app).get('/negotiations/talks/status').expect(401);
    await request(app).get('/negotiations').expect(401);
    await request(app).get('/negotiations/talks/status').set('Authorization', bearer('reader')).expect(200);
    await request(app).get('/health').expect(200);
  });

  it('lists principals (never digests) to admins only', async () => {
    const { app } = build();
    await request(app).get('/admin/principals').set('Authorization', bearer('writer')).expect(403);
    const res = await request(app).get('/admin/principals').set('Authorization', bearer('admin')).expect(200);
    expect(res.body.principals).toEqual([
      { principal: 'rita', role: 'reader' },
      { principal: 'walt', role: 'writer' },
      { principal: 'ada', role: 'admin' },
    ]);
    expect(JSON.stringify(res.body)).not.toContain(hashToken(TOKENS.admin));
  });
});

describe('hardening limits', () => {
  it('refuses a body over the size limit with 413 problem+json and keeps serving', async () => {
    const { app, store } = build({ bodyLimit: '1kb' });
    const big = { ...event, summary: 'x'.repeat(5000) };
    const res = await request(app)
      .post('/negotiations/talks/events')
      .set('Authorization', bearer('writer'))
      .send(big)
      .expect(413);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(unwrap(await store.readStream('talks')())).toHaveLength(0);
    await request(app)
      .post('/negotiations/talks/events')
      .set('Authorization', bearer('writer'))
      .send(event)
      .expect(201);
  });

  it('rate-limits writes per client with 429 and Retry-After, leaving reads alone', async () => {
    const { app } = build({ writesPerMinute: 3 });
    for (let i = 0; i < 3; i += 1)
      await request(app)
        .post('/negotiations/talks/events')
        .set('Authorization', bearer('writer'))
        .send(event)
        .expect(201);
    const limited = await request(app)
      .post('/negotiations/talks/events')
      .set('Authorization', bearer('writer'))
      .send(event)
      .expect(429);
    expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(limited.headers['retry-after']).toBeDefined();
    await request(app).get('/negotiations/talks/status').expect(200);
  });

  it('sends security headers', async () => {
    const { app } = build();
    const res = await request(app).get('/health').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('grants CORS to configured origins only', async () => {
    const { app } = build({ corsOrigins: ['https://newsroom.example'] });
    const allowed = await request(app).get('/health').set('Origin', 'https://newsroom.example').expect(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://newsroom.example');
    expect(allowed.headers['access-control-expose-headers']).toContain('ETag');
    const other = await request(app).get('/health').set('Origin', 'https://elsewhere.example').expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(app)
      .options('/negotiations/talks/events')
      .set('Origin', 'https://newsroom.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,if-match,content-type')
      .expect(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('If-Match');
  });

  it('gives each request an id, echoed in problems and in one structured log line', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const { app } = build({ logger: pino({ level: 'info' }, sink) });
    const res = await request(app)
      .get('/negotiations/nope/status')
      .set('X-Request-Id', 'trace-123')
      .expect(404);
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(res.body.requestId).toBe('trace-123');
    const generated = await request(app).get('/health').expect(200);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await request(app)
      .post('/negotiations/talks/events')
      .set('Authorization', bearer('writer'))
      .send(event)
      .expect(201);
    const logged = lines.find((l) => (l['req'] as { id?: string } | undefined)?.id === 'trace-123');
    expect(logged).toMatchObject({ level: 40, res: { statusCode: 404 } });
    expect(JSON.stringify(lines)).not.toContain(TOKENS.writer);
  });

  it('logs one line a request, saying the method, the path, the status and the time (secrets redacted)', async () => {
    const collect = (terminal: boolean) => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(
            ...chunk
              .toString()
              .split('\n')
              .filter((line) => line !== ''),
          );
          done();
        },
      });
      return { lines, logger: createLogger({ logLevel: 'info' }, terminal, sink) };
    };
    for (const terminal of [false, true]) {
      const { lines, logger } = collect(terminal);
      const { app } = build(logger === undefined ? {} : { logger });
      await request(app).get('/health').expect(200);
      await request(app).get('/negotiations/nope/status?token=s3cret').expect(400);
      expect(lines).toHaveLength(2);
      const messages = terminal ? lines : lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(messages[0]).toMatch(/GET \/health 200 \d+ ms/);
      expect(messages[1]).toMatch(/GET \/negotiations\/nope\/status\?token=\[Redacted\] 400 \d+ ms/);
      expect(lines.join('\n')).not.toContain('s3cret');
    }
  });

  it("logs the page's files at debug, by the address asked", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    for (const level of ['info', 'debug'] as const) {
      lines.length = 0;
      const logger = createLogger({ logLevel: level }, false, sink);
      const { app } = build({ ...(logger === undefined ? {} : { logger }), extraRoutes: timelinePage() });
      await request(app).get('/static/app.js').expect(200);
      expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(
        level === 'info' ? [] : [expect.stringMatching(/^GET \/static\/app\.js 200 \d+ ms$/)],
      );
    }
  });
});
