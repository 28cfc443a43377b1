import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TreeFrontier, createSqliteEventStore, eventLeafHash, rootAt } from '../../src/store';
import { appendAll, manualClock, reported, unwrap } from '../support/builders';

/** A file written before the tree existed: the reference story imported by commit afed99e (user_version 2). */
const OLD_FILE = join(__dirname, '..', 'fixtures', 'store-from-main', 'events.sqlite');

const withDir = async (test: (dir: string) => Promise<void>) => {
  const dir = mkdtempSync(join(tmpdir(), 'tracker-tree-'));
  try {
    await test(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const rootOfStoredHashes = (file: string): string => {
  const db = new Database(file, { readonly: true });
  const frontier = new TreeFrontier();
  for (const hash of db.prepare<[], string>('SELECT hash FROM events ORDER BY position').pluck().iterate())
    frontier.push(eventLeafHash(hash));
  db.close();
  return frontier.root().toString('hex');
};

describe('the SQLite store keeps the Merkle tree in its file', () => {
  it('builds the tree of a file written before the tree existed, once, and keeps growing it', () =>
    withDir(async (dir) => {
      const file = join(dir, 'events.sqlite');
      copyFileSync(OLD_FILE, file);
      const before = new Database(file, { readonly: true });
      expect(before.pragma('user_version', { simple: true })).toBe(2);
      before.close();
      const store = createSqliteEventStore({ file, clock: manualClock() });
      const head = await store.readTree!((tree) => [tree.size, rootAt(tree, tree.size).toString('hex')])();
      expect(unwrap(head)).toEqual([59, rootOfStoredHashes(file)]);
      await store.close();
      const db = new Database(file, { readonly: true });
      expect(db.pragma('user_version', { simple: true })).toBe(3);
      const nodes = db.prepare<[], number>('SELECT count(*) FROM merkle_nodes').pluck().get();
      db.close();
      // Each complete subtree once: 59 leaves, then 29, 14, 7, 3 and 1 full parents above them.
      expect(nodes).toBe(59 + 29 + 14 + 7 + 3 + 1);
      const reopened = createSqliteEventStore({ file, clock: manualClock() });
      await appendAll(reopened, [reported('TalksResumed', { venue: 'Doha' })], { negotiationId: 'later' });
      expect(unwrap(await reopened.readTree!((tree) => tree.size)())).toBe(60);
      expect(unwrap(await reopened.readTree!((tree) => rootAt(tree, 60).toString('hex'))())).toBe(
        rootOfStoredHashes(file),
      );
      await reopened.close();
    }));

  it('refuses, at the database level, to delete a streams row, lower it, or change a tree node', () =>
    withDir(async (dir) => {
      const file = join(dir, 'events.sqlite');
      const store = createSqliteEventStore({ file, clock: manualClock() });
      await appendAll(store, [
        reported('TalksResumed', { venue: 'Doha' }),
        reported('TalksStalled', { reason: 'gaps' }),
      ]);
      const db = new Database(file);
      expect(() => db.prepare('DELETE FROM streams').run()).toThrow(/never deleted/);
      expect(() => db.prepare('UPDATE streams SET revision = 0, event_count = 1').run()).toThrow(
        /only moves forward/,
      );
      expect(() => db.prepare(`UPDATE streams SET last_hash = 'x'`).run()).toThrow(/only moves forward/);
      expect(() =>
        db.prepare(`INSERT INTO streams VALUES ('ghost', 0, 'x', 1, '2025-01-01T00:00:00.000Z')`).run(),
      ).toThrow(/last event/);
      expect(() => db.prepare('UPDATE merkle_nodes SET hash = zeroblob(32)').run()).toThrow(/immutable/);
      expect(() => db.prepare('DELETE FROM merkle_nodes').run()).toThrow(/never deleted/);
      db.close();
      await store.close();
    }));

  it('refuses to open a file whose triggers were dropped, or whose streams rows disagree with its events', () =>
    withDir(async (dir) => {
      const file = join(dir, 'events.sqlite');
      const store = createSqliteEventStore({ file, clock: manualClock() });
      await appendAll(store, [
        reported('TalksResumed', { venue: 'Doha' }),
        reported('TalksStalled', { reason: 'gaps' }),
      ]);
      await appendAll(store, [reported('TalksResumed', { venue: 'Cairo' })], { negotiationId: 'm' });
      await store.close();
      const db = new Database(file);
      db.exec('DROP TRIGGER streams_are_never_deleted');
      db.close();
      expect(() => createSqliteEventStore({ file })).toThrow(/trigger streams_are_never_deleted is missing/);
      // Put back by hand after the row went: the rows now disagree with the events.
      const again = new Database(file);
      again.exec(`DELETE FROM streams WHERE negotiation_id = 'm'`);
      again.exec(
        `CREATE TRIGGER streams_are_never_deleted BEFORE DELETE ON streams BEGIN SELECT RAISE(ABORT, 'no'); END`,
      );
      again.close();
      expect(() => createSqliteEventStore({ file })).toThrow(
        /streams rows count 2 events, the log's positions run to 3/,
      );
    }));
});
