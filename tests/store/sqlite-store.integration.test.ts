import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toLeanEvent } from '../../src/domain';
import { createSqliteEventStore } from '../../src/store';
import { manualClock, reported, unwrap, appendAll } from '../support/builders';
import { describeEventStoreConformance } from './event-store-conformance';

const tempDir = () => mkdtempSync(join(tmpdir(), 'tracker-sqlite-'));

describeEventStoreConformance('SQLite store', (clock) => {
  const dir = tempDir();
  return Promise.resolve({
    store: createSqliteEventStore({ file: join(dir, 'events.sqlite'), clock }),
    cleanup: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  });
});

describe('SQLite store on its file', () => {
  it('finds derived copies that no longer say what the hashed data says', async () => {
    const dir = tempDir();
    const file = join(dir, 'events.sqlite');
    const store = createSqliteEventStore({ file, clock: manualClock() });
    const [first, second] = [
      reported('TalksResumed', { venue: 'Doha' }),
      reported('TalksResumed', { venue: 'Cairo' }),
    ];
    await appendAll(store, [first, second]);
    expect(unwrap(await store.checkDerivedCopies!()())).toEqual([]);
    // Someone with the file edits the copy folds read (the trigger only guards honest connections).
    const other = new Database(file);
    other.exec('DROP TRIGGER events_are_immutable');
    other
      .prepare(`UPDATE events SET lean = replace(lean, 'Cairo', 'Paris') WHERE event_id = ?`)
      .run(second.id);
    other.prepare('UPDATE events SET occurred_start = occurred_start + 1 WHERE event_id = ?').run(first.id);
    // A development dressed as a retraction would drop out of every replay.
    other.prepare(`UPDATE events SET type = 'EventRetracted' WHERE event_id = ?`).run(second.id);
    other.close();
    const problems = unwrap(await store.checkDerivedCopies!()());
    expect(problems).toEqual([
      expect.objectContaining({
        eventId: first.id,
        revision: 0,
        reason: expect.stringContaining('occurred_start'),
      }),
      expect.objectContaining({
        eventId: second.id,
        revision: 1,
        reason: expect.stringMatching(/lean, type/),
      }),
    ]);
    expect(unwrap(await store.checkDerivedCopies!('elsewhere')())).toEqual([]);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers stream revisions that follow commits of other connections at once', async () => {
    const dir = tempDir();
    const file = join(dir, 'events.sqlite');
    const a = createSqliteEventStore({ file, clock: manualClock() });
    const b = createSqliteEventStore({ file, clock: manualClock() });
    const revision = async (store: typeof a, id = 'n') => unwrap(await store.streamRevision(id)());
    expect(await revision(a)).toBe(-1);
    expect(await revision(b)).toBe(-1);
    await appendAll(a, [reported('TalksResumed', { venue: 'Doha' })]);
    expect(await revision(a)).toBe(0);
    expect(await revision(b)).toBe(0);
    await appendAll(b, [
      reported('TalksStalled', { reason: 'gaps' }),
      reported('TalksResumed', { venue: 'Cairo' }),
    ]);
    expect(await revision(b)).toBe(2);
    expect(await revision(a)).toBe(2);
    // A plain connection outside any store commits too.
    const other = new Database(file);
    other.prepare('UPDATE streams SET revision = revision WHERE negotiation_id = ?').run('n');
    await appendAll(a, [reported('TalksStalled', { reason: 'gaps' })], { negotiationId: 'm' });
    other.close();
    expect(await revision(b, 'm')).toBe(0);
    expect(await revision(b)).toBe(2);
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps appended events across a reopen', async () => {
    const dir = tempDir();
    const file = join(dir, 'events.sqlite');
    const first = createSqliteEventStore({ file, clock: manualClock() });
    const event = reported('TalksResumed', { venue: 'Doha' });
    await appendAll(first, [event], { recordedBy: 'me' });
    await first.close();
    const reopened = createSqliteEventStore({ file });
    expect(unwrap(await reopened.readStream('n')()).map((e) => e.id)).toEqual([event.id]);
    await reopened.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses, at the database level, to update or delete a recorded event', async () => {
    const dir = tempDir();
    const file = join(dir, 'events.sqlite');
    const store = createSqliteEventStore({ file, clock: manualClock() });
    unwrap(
      await store.append({
        negotiationId: 'n',
        events: [reported('TalksResumed', { venue: 'Doha' })],
        expectedRevision: { kind: 'any' },
        recordedBy: 'me',
      })(),
    );
    const db = new Database(file);
    expect(() => db.prepare("UPDATE events SET data = '{}'").run()).toThrow(/immutable/);
    expect(() => db.prepare('DELETE FROM events').run()).toThrow(/never deleted/);
    db.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('SQLite lean reads', () => {
  it('serve exactly the lean form of each stored event (sources reduced to attributions)', async () => {
    const dir = tempDir();
    const store = createSqliteEventStore({ file: join(dir, 'events.sqlite'), clock: manualClock() });
    const events = [
      reported('TalksResumed', { venue: 'Doha', format: 'indirect' }, { summary: 'resumed' }),
      reported('StatementIssued', { by: ['Qatar', 'Egypt'], kind: 'joint', characterisation: 'progress' }),
      reported(
        'DelegationSent',
        { party: 'Israel', venue: 'Doha', head: { name: 'D. Barnea' } },
        { occurredAt: '2024-07', precision: 'month' },
      ),
    ];
    await appendAll(store, events, { recordedBy: 'me' });
    const full = unwrap(await store.readStream('n')());
    const lean = unwrap(await store.readLeanStream!('n')());
    expect(lean).toEqual(full.map(toLeanEvent));
    expect(JSON.stringify(lean)).not.toContain('a quote supporting the event');
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
