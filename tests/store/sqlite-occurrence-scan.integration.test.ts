import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NewEvent } from '../../src/domain';
import { createScanFold, effectiveLog, stateAsOf } from '../../src/projections';
import { EventStore, SQLITE_STORE_VERSION, createSqliteEventStore } from '../../src/store';
import { negotiationEvents } from '../../scripts/bench/workload';
import { manualClock, reported, unwrap, appendAll } from '../support/builders';

const day = fc
  .integer({ min: 0, max: 200 })
  .map((offset) => new Date(Date.UTC(2024, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10));
const plusDays = (date: string, days: number) =>
  new Date(Date.parse(date) + days * 86_400_000).toISOString().slice(0, 10);
const development = fc
  .tuple(day, fc.integer({ min: 0, max: 4 }), fc.constantFrom('day', 'month', 'range'))
  .map(([date, kind, precision]) => {
    const valid =
      precision === 'day'
        ? { occurredAt: date }
        : precision === 'month'
          ? { occurredAt: date.slice(0, 7), precision: 'month' as const }
          : { occurredAt: `${date}/${plusDays(date, 3)}`, precision: 'range' as const };
    switch (kind) {
      case 0:
        return reported('TalksStalled', { reason: date }, valid);
      case 1:
        return reported('TalksResumed', { venue: date < '2024-04' ? 'Doha' : 'Cairo' }, valid);
      case 2:
        return reported('DelegationSent', { party: 'Israel', venue: 'Doha' }, valid);
      case 3:
        return reported('DelegationRecalled', { party: 'Israel' }, valid);
      default:
        return reported('PositionStated', { issueId: 'corridors', party: 'Hamas', position: date }, valid);
    }
  });

/** Appends developments, then corrections and retractions aimed at some of them, in separate appends. */
const appendStory = async (
  store: EventStore,
  events: Array<NewEvent & { id: string }>,
  amendments: Array<[number, 'correct' | 'retract', string]>,
) => {
  await appendAll(store, events, { recordedBy: 't' });
  for (const [index, action, date] of amendments) {
    const target = events[index % events.length];
    if (target === undefined) continue;
    const amendment =
      action === 'retract'
        ? reported('EventRetracted', { targetEventId: target.id, reason: 'withdrawn' })
        : reported('EventCorrected', {
            targetEventId: target.id,
            reason: 'misdated',
            corrections: { occurredAt: date, precision: 'day' },
          });
    // A correction of an already retracted target is refused by the rules; the store itself would take it, so
    // both folds must also agree on ignoring it.
    await store.append({
      negotiationId: 'n',
      events: [amendment],
      expectedRevision: { kind: 'any' },
      recordedBy: 't',
    })();
  }
};

describe('replaying by occurrence scan', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const freshStore = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracker-scan-'));
    dirs.push(dir);
    return {
      file: join(dir, 'events.sqlite'),
      store: createSqliteEventStore({ file: join(dir, 'events.sqlite'), clock: manualClock() }),
    };
  };

  it('folds to the same state as the effective log, corrections and retractions included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(development, { minLength: 1, maxLength: 60 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('correct' as const, 'retract' as const), day), {
          maxLength: 8,
        }),
        async (events, amendments) => {
          const { store } = freshStore();
          await appendStory(store, events, amendments);
          const fold = createScanFold();
          const scanned = unwrap(await store.scanLeanByOccurrence!('n', fold)());
          const expected = effectiveLog(unwrap(await store.readStream('n')()));
          const { state, developments } = fold.finish();
          expect(state).toEqual(stateAsOf(expected, {}).state);
          expect(developments).toBe(expected.developments.length);
          expect(scanned).toBe(unwrap(await store.readStream('n')()).length);
          await store.close();
        },
      ),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 25) },
    );
  });

  it('migrates a file written before the derived columns, leaving data and hashes untouched', async () => {
    const { file, store } = freshStore();
    const events = [
      reported('TalksStalled', { reason: 'r' }, { occurredAt: '2024-06', precision: 'month' }),
      reported('TalksResumed', { venue: 'Doha' }),
    ];
    await appendAll(store, events, { recordedBy: 't' });
    await store.close();
    // Make it look like an older file: the derived columns gone (SQLite drops a column only without triggers or
    // indexes on it).
    const db = new Database(file);
    db.exec('DROP TRIGGER events_are_immutable; DROP TRIGGER events_are_never_deleted');
    db.exec('DROP INDEX events_by_occurrence; DROP INDEX events_amendments');
    for (const column of ['lean', 'occurred_start', 'occurred_end', 'reported_at'])
      db.exec(`ALTER TABLE events DROP COLUMN ${column}`);
    db.pragma('user_version = 0');
    const before = db.prepare('SELECT data, hash FROM events ORDER BY position').all();
    db.close();
    const reopened = createSqliteEventStore({ file });
    const fold = createScanFold();
    unwrap(await reopened.scanLeanByOccurrence!('n', fold)());
    expect(fold.finish().state.talks.activity).toBe('active');
    await reopened.close();
    const after = new Database(file);
    expect(after.prepare('SELECT data, hash FROM events ORDER BY position').all()).toEqual(before);
    expect(() => after.prepare("UPDATE events SET data = '{}'").run()).toThrow(/immutable/);
    expect(after.pragma('user_version', { simple: true })).toBe(SQLITE_STORE_VERSION);
    after.close();
  });

  it('reads developments in occurrence order from an index, and amendments without reading every event', async () => {
    const { file, store } = freshStore();
    await appendAll(store, [reported('TalksResumed', { venue: 'Doha' })], { recordedBy: 't' });
    await store.close();
    // A file of user_version 1 (derived columns, no scan indexes) gets them when opened.
    const old = new Database(file);
    old.exec('DROP INDEX events_by_occurrence; DROP INDEX events_amendments');
    old.pragma('user_version = 1');
    old.close();
    await createSqliteEventStore({ file }).close();
    const db = new Database(file, { readonly: true });
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('n') as Array<{ detail: string }>)
        .map((row) => row.detail)
        .join('; ');
    // The queries of scanLeanByOccurrence, word for word.
    expect(
      plan(`SELECT lean FROM events WHERE negotiation_id = ? AND type NOT IN ('EventCorrected', 'EventRetracted')
       ORDER BY occurred_start, occurred_end, reported_at, event_id`),
    ).toBe('SEARCH events USING COVERING INDEX events_by_occurrence (negotiation_id=?)');
    expect(
      plan(
        `SELECT lean FROM events WHERE negotiation_id = ? AND type IN ('EventCorrected', 'EventRetracted') ORDER BY revision`,
      ),
    ).toBe('SEARCH events USING INDEX events_amendments (negotiation_id=?)');
    db.close();
  });

  it('folds the benchmark workload, late reports, corrections and retractions included, as the effective log does', async () => {
    const { store } = freshStore();
    const events = [...negotiationEvents({ seed: 11, spanDays: 300, events: 1500 })];
    await appendAll(store, events, { recordedBy: 't' });
    // Every 50th event corrected (some into the past, some into the future), every 70th retracted, and some
    // corrected twice or corrected then retracted.
    for (let index = 0; index < events.length; index += 1) {
      const target = events[index]?.id ?? '';
      const amendments = [
        ...(index % 50 === 0
          ? [
              reported('EventCorrected', {
                targetEventId: target,
                reason: 'misdated',
                corrections: { occurredAt: plusDays('2020-03-01', (index * 7) % 280), precision: 'day' },
              }),
            ]
          : []),
        ...(index % 150 === 0
          ? [
              reported('EventCorrected', {
                targetEventId: target,
                reason: 'vaguer',
                corrections: { occurredAt: '2020-06', precision: 'month' },
              }),
            ]
          : []),
        ...(index % 70 === 0
          ? [reported('EventRetracted', { targetEventId: target, reason: 'withdrawn' })]
          : []),
      ];
      for (const amendment of amendments)
        unwrap(
          await store.append({
            negotiationId: 'n',
            events: [amendment],
            expectedRevision: { kind: 'any' },
            recordedBy: 't',
          })(),
        );
    }
    const fold = createScanFold();
    unwrap(await store.scanLeanByOccurrence!('n', fold)());
    const { state, developments } = fold.finish();
    const expected = effectiveLog(unwrap(await store.readStream('n')()));
    expect(developments).toBe(expected.developments.length);
    expect(developments).toBeLessThan(events.length);
    expect(state).toEqual(stateAsOf(expected, {}).state);
    // From the same lean events folded one by one by evolve: the same state down to the order of every object's
    // keys (lean events keep their fields in canonical order, decoded ones in the codec's, hence not above).
    const printed = (value: unknown) =>
      JSON.stringify(value, (_key, inner: unknown) => (inner === undefined ? '<undefined>' : inner));
    const lean = effectiveLog(unwrap(await store.readLeanStream!('n')()));
    expect(printed(state)).toBe(printed(stateAsOf(lean, {}).state));
    await store.close();
  });
});
