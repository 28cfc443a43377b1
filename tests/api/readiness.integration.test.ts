import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { createApp } from '../../src/api';
import { createReadiness } from '../../src/api/readiness';
import { createTracker } from '../../src/application/tracker';
import { hashToken, principalLookup } from '../../src/auth';
import { decodeNewEvent } from '../../src/domain';
import { EventToAppend, SqliteEventStore, createSqliteEventStore } from '../../src/store';
import { manualClock, unwrap } from '../support/builders';
import { development } from '../support/live-app';

/**
 * A store the server cannot write says so: /ready answers 503 with the cause and when to retry, /health shows it,
 * one log line names it, and a write is refused with 503 and Retry-After while reads go on being served.
 */
const NEGOTIATION = 'talks';

describe('readiness of the embedded store', () => {
  let dir: string;
  let file: string;
  const clock = manualClock('2025-01-05T08:00:00.000Z');

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-ready-'));
    file = join(dir, 'events.sqlite');
    const store = createSqliteEventStore({ file, clock });
    unwrap(
      await store.append({
        negotiationId: NEGOTIATION,
        events: [unwrap(decodeNewEvent({ ...development(1), id: randomUUID() })) as EventToAppend],
        expectedRevision: { kind: 'any' },
        recordedBy: 'test',
      })(),
    );
    await store.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const serve = (store: SqliteEventStore, overrides: Partial<Parameters<typeof createApp>[0]> = {}) => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write: (chunk: Buffer, _encoding, callback) => {
          lines.push(chunk.toString());
          callback();
        },
      }),
    );
    const readiness = createReadiness({
      probe: () => unwrapProbe(store),
      store: `the store file ${file}`,
      logger,
      intervalMs: 60_000,
    });
    const app = createApp({
      tracker: createTracker({ store, newEventId: randomUUID }),
      clock,
      storeName: 'sqlite',
      readiness,
      writesPerMinute: 1_000,
      ...overrides,
    });
    return { app, readiness, lines };
  };
  const unwrapProbe = (store: SqliteEventStore) => {
    if (store.probeWrites === undefined) throw new Error('the SQLite store probes its writes');
    return store.probeWrites();
  };

  it('is ready on a store it can write', async () => {
    const store = createSqliteEventStore({ file, clock });
    const { app, readiness } = serve(store);
    await readiness.recheck();
    expect((await request(app).get('/ready').expect(200)).body).toEqual({ ready: true, store: 'sqlite' });
    expect((await request(app).get('/health').expect(200)).body).toMatchObject({ status: 'ok', ready: true });
    readiness.stop();
    await store.close();
  });

  it('on a read-only store: not ready, with the cause; reads served, writes refused with Retry-After', async () => {
    const store = createSqliteEventStore({ file, clock, readonly: true });
    const { app, readiness, lines } = serve(store);
    await readiness.recheck();

    const ready = await request(app).get('/ready').expect(503);
    expect(ready.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(Number(ready.headers['retry-after'])).toBeGreaterThan(0);
    expect(ready.body).toMatchObject({ type: '/problems/not-ready', errors: [{ field: '(store)' }] });
    expect(ready.body.detail).toContain(`the store file ${file} is read-only for this process`);
    const health = await request(app).get('/health').expect(200);
    expect(health.body).toMatchObject({ status: 'degraded', ready: false });
    expect(health.body.cause).toContain('make it writable and restart the server');
    // One line, naming the cause, however many times it was probed.
    await readiness.recheck();
    const causeLines = lines.filter((line) => line.includes('not ready'));
    expect(causeLines).toHaveLength(1);
    expect(causeLines[0]).toContain('read-only');

    await request(app).get(`/negotiations/${NEGOTIATION}/status?asOf=2024-07-05`).expect(200);
    const write = await request(app)
      .post(`/negotiations/${NEGOTIATION}/events`)
      .send(development(2))
      .expect(503);
    expect(write.headers['retry-after']).toBeDefined();
    expect(write.body.detail).toContain('the store is read-only for this server');
    expect(unwrap(await store.readStream(NEGOTIATION)())).toHaveLength(1);
    readiness.stop();
    await store.close();
  });

  it('tells another machine without a token only that it is not ready and why in a word, never where', async () => {
    const store = createSqliteEventStore({ file, clock, readonly: true });
    const token = 'nt_readiness-operator-token';
    const principals = [{ principal: 'operator', role: 'reader' as const, tokenSha256: hashToken(token) }];
    const { app, readiness } = serve(store, {
      access: { principalFor: principalLookup(principals), readsRequireAuth: false },
      trustProxy: 'loopback',
    });
    await readiness.recheck();
    const outside = { 'X-Forwarded-For': '203.0.113.7' };
    const health = await request(app).get('/health').set(outside).expect(200);
    expect(Object.keys(health.body).sort()).toEqual(['ready', 'reason', 'status', 'time']);
    expect(health.body).toMatchObject({ status: 'degraded', ready: false, reason: 'read-only' });
    const ready = await request(app).get('/ready').set(outside).expect(503);
    expect(ready.body.errors).toEqual([{ field: '(store)', reason: 'read-only' }]);
    for (const answer of [health, ready]) expect(answer.text).not.toContain(dir);
    const withToken = await request(app).get('/health').set(outside).set('Authorization', `Bearer ${token}`);
    expect(withToken.body.cause).toContain(file);
    expect((await request(app).get('/health').expect(200)).body.cause).toContain(file);
    readiness.stop();
    await store.close();
  });

  it('on a store another process holds locked: not ready until the lock is let go', async () => {
    const store = createSqliteEventStore({ file, clock });
    const { app, readiness, lines } = serve(store);
    await readiness.recheck();
    const other = new Database(file);
    other.exec('BEGIN EXCLUSIVE');
    // A lock held for one commit is normal between servers sharing a file: only a lock that stays counts.
    await readiness.recheck();
    await request(app).get('/ready').expect(200);
    await readiness.recheck();
    const locked = await request(app).get('/ready').expect(503);
    expect(locked.body.detail).toContain('is locked by another process');

    other.exec('ROLLBACK');
    other.close();
    await readiness.recheck();
    await request(app).get('/ready').expect(200);
    expect(lines.some((line) => line.includes('takes writes again'))).toBe(true);
    readiness.stop();
    await store.close();
  });
});
