import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { AccessPolicy, createApp } from '../../src/api';
import { createTracker } from '../../src/application/tracker';
import { hashToken, parseTokenSpec, principalLookup } from '../../src/auth';
import { createInMemoryEventStore } from '../../src/store';
import { manualClock, unwrap } from '../support/builders';

/**
 * Budgets cannot be turned against a writer: junk without a valid token is counted on its address's own budget,
 * so however much of it comes from the writer's address (or from behind the same proxy), the writer's requests,
 * counted on its principal's budget, still land. Reads have a budget of their own.
 */
const TOKENS = { walt: 'nt_walt_writer', wendy: 'nt_wendy_writer' };
const principals = unwrap(
  parseTokenSpec(`walt:writer:${hashToken(TOKENS.walt)},wendy:writer:${hashToken(TOKENS.wendy)}`),
);

const event = (n: number) => ({
  type: 'TalksResumed',
  occurredAt: '2025-01-03',
  precision: 'day',
  reportedAt: '2025-01-04',
  sources: [
    {
      outlet: 'Wire',
      title: 'T',
      publishedAt: '2025-01-04',
      quote: `talks resume ${n}`,
      attribution: { kind: 'outlet' },
    },
  ],
  payload: { venue: 'Doha' },
});

const build = (overrides: Partial<Parameters<typeof createApp>[0]> = {}) => {
  const store = createInMemoryEventStore(manualClock());
  const access: AccessPolicy = { principalFor: principalLookup(principals), readsRequireAuth: false };
  const app = createApp({
    tracker: createTracker({ store, newEventId: () => crypto.randomUUID() }),
    access,
    principals,
    writesPerMinute: 4,
    anonymousPerMinute: 3,
    readsPerMinute: 5,
    ...overrides,
  });
  return { app, store };
};

const junk = (app: ReturnType<typeof build>['app'], n: number, forwardedFor?: string) => {
  const post = request(app).post('/negotiations/talks/events').send(event(n));
  if (forwardedFor !== undefined) post.set('X-Forwarded-For', forwardedFor);
  return n % 2 === 0 ? post : post.set('Authorization', `Bearer nt_forged_${n}`);
};

const write = (app: ReturnType<typeof build>['app'], who: keyof typeof TOKENS, n: number) =>
  request(app)
    .post('/negotiations/talks/events')
    .set('Authorization', `Bearer ${TOKENS[who]}`)
    .send(event(n));

describe('request budgets per client', () => {
  it('limits requests without a valid token on their own budget: the writer from the same address still writes', async () => {
    const { app, store } = build();
    const statuses: number[] = [];
    for (let n = 0; n < 10; n += 1) statuses.push((await junk(app, n)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
    const limited = await junk(app, 10);
    expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.errors).toEqual([
      { field: 'Authorization', reason: 'limit of 3 unauthenticated requests a minute reached' },
    ]);

    // Same address, a valid writer token: its own budget, untouched by the junk.
    for (let n = 0; n < 4; n += 1) await write(app, 'walt', n).expect(201);
    expect(unwrap(await store.readStream('talks')())).toHaveLength(4);
  });

  it('keys a writer budget by principal: one writer spending its budget leaves another its own', async () => {
    const { app } = build();
    for (let n = 0; n < 4; n += 1) await write(app, 'walt', n).expect(201);
    const over = await write(app, 'walt', 4).expect(429);
    expect(over.body.errors[0].reason).toBe('write rate limit of 4 a minute reached');
    await write(app, 'wendy', 5).expect(201);
  });

  it('gives reads their own budget per address, apart from writes and from junk', async () => {
    const { app } = build();
    for (let n = 0; n < 5; n += 1) await junk(app, n);
    for (let n = 0; n < 5; n += 1) await request(app).get('/negotiations').expect(200);
    const limited = await request(app).get('/negotiations').expect(429);
    expect(limited.body.errors[0].reason).toBe('read rate limit of 5 a minute reached');
    await write(app, 'walt', 1).expect(201);
    // Health and readiness are never limited.
    for (let n = 0; n < 10; n += 1) await request(app).get('/health').expect(200);
    await request(app).get('/ready').expect(200);
  });

  it('with TRUST_PROXY, counts clients behind the proxy by their forwarded address', async () => {
    const { app } = build({ trustProxy: 1 });
    for (let n = 0; n < 3; n += 1) await junk(app, n, '203.0.113.7');
    await junk(app, 3, '203.0.113.7').expect(429);
    await junk(app, 4, '198.51.100.9').expect(401);
    // Without trusting the proxy, the header is not taken at its word: every request is the proxy's.
    const { app: untrusting } = build();
    for (let n = 0; n < 3; n += 1) await junk(untrusting, n, `198.51.100.${n}`);
    await junk(untrusting, 3, '198.51.100.99').expect(429);
  });

  it('logs one line per request without header values, a token in the query redacted', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        lines.push(chunk.toString());
        callback();
      },
    });
    const { app } = build({ logger: pino({ level: 'info' }, sink) });
    await request(app)
      .get('/negotiations?token=nt_secret_in_query&access_token=nt_other_secret&asOf=2024-07-05')
      .set('Authorization', `Bearer ${TOKENS.walt}`)
      .set('Cookie', 'session=nt_cookie_secret');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '{}') as {
      req: Record<string, unknown>;
      res: Record<string, unknown>;
    };
    expect(line.req).toEqual({
      id: expect.any(String) as string,
      method: 'GET',
      url: '/negotiations?token=[Redacted]&access_token=[Redacted]&asOf=2024-07-05',
      remoteAddress: expect.any(String) as string,
    });
    // The listing refuses parameters it does not know (the tokens): the refusal is logged, redacted, all the same.
    expect(line.res).toEqual({ statusCode: 400 });
    expect(lines[0]).not.toMatch(/nt_secret_in_query|nt_other_secret|nt_walt_writer|nt_cookie_secret/);
  });
});
