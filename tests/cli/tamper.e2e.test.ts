import Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SQLITE_STORE_SCHEMA,
  buildMissingTree,
  canonicalJson,
  createSqliteEventStore,
  hashCanonicalText,
} from '../../src/store';
import { proveInclusion } from '../../src/transparency';
import { unwrap } from '../support/builders';
import { REFERENCE_FILE, REFERENCE_ID, referenceLines } from '../support/reference-story';

/**
 * An attacker with write access to a real store file, tried the ways the issue lists. Each attack works on a
 * copy of one file (the reference story, then a second negotiation), and verify, read-only, must catch and name
 * it without changing a byte of the file.
 */
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
const OTHER = 'second-talks';
jest.setTimeout(120_000);

const run = (dataDir: string, ...args: string[]) => {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', EVENTSTORE_URL: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

const checksum = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const describeIfBuilt = existsSync(CLI) ? describe : describe.skip;

describeIfBuilt('verify against someone with write access to the store file', () => {
  const base = mkdtempSync(join(tmpdir(), 'tracker-tamper-'));
  const saved = mkdtempSync(join(tmpdir(), 'tracker-tamper-saved-'));
  const dirs: string[] = [base, saved];
  const gaza = referenceLines().map((line) => line.event.id ?? '');

  beforeAll(() => {
    expect(run(base, 'import', REFERENCE_FILE).code).toBe(0);
    const other = referenceLines()
      .slice(0, 3)
      .map((line) => JSON.stringify({ ...line.event, id: randomUUID(), negotiationId: OTHER }));
    writeFileSync(join(saved, 'other.ndjson'), `${other.join('\n')}\n`);
    expect(run(base, 'import', join(saved, 'other.ndjson')).code).toBe(0);
    // The checkpoint and key an owner kept elsewhere before anything was touched.
    const checkpoint = run(
      base,
      'checkpoint',
      '--out',
      join(saved, 'checkpoint.txt'),
      '--key-out',
      join(saved, 'key.txt'),
    );
    expect(checkpoint.code).toBe(0);
    expect(checkpoint.stdout).toContain('checkpoint of 62 events');
  });
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** A copy of the store, changed by `tamper` on a plain connection with the triggers lifted and put back. */
  const tampered = (tamper: (db: Database.Database) => void): string => {
    const dir = mkdtempSync(join(tmpdir(), 'tracker-tampered-'));
    dirs.push(dir);
    cpSync(base, dir, { recursive: true });
    const db = new Database(join(dir, 'events.sqlite'));
    for (const name of db
      .prepare<[], string>(`SELECT name FROM sqlite_master WHERE type = 'trigger'`)
      .pluck()
      .all())
      db.exec(`DROP TRIGGER ${name}`);
    tamper(db);
    db.exec(SQLITE_STORE_SCHEMA);
    db.close();
    return dir;
  };

  /** Runs verify and checks it left the file exactly as it was. */
  const verify = (dir: string, ...args: string[]) => {
    const file = join(dir, 'events.sqlite');
    const before = checksum(file);
    const result = run(dir, 'verify', ...args);
    expect(checksum(file)).toBe(before);
    return result;
  };
  const withCheckpoint = ['--checkpoint', join(saved, 'checkpoint.txt'), '--key', join(saved, 'key.txt')];

  /** `checkpoint --since` the saved checkpoint, into a fresh folder: what it exits with and which files it wrote. */
  const checkpointSince = (dir: string) => {
    const out = mkdtempSync(join(tmpdir(), 'tracker-since-'));
    dirs.push(out);
    const result = run(
      dir,
      'checkpoint',
      '--since',
      join(saved, 'checkpoint.txt'),
      '--proof-out',
      join(out, 'proof.json'),
      '--out',
      join(out, 'now.txt'),
    );
    return { ...result, written: readdirSync(out) };
  };

  const eventOf = (db: Database.Database, negotiationId: string, revision: number) =>
    db
      .prepare<[string, number], { event_id: string; data: string }>(
        'SELECT event_id, data FROM events WHERE negotiation_id = ? AND revision = ?',
      )
      .get(negotiationId, revision);

  /** Rewrites a negotiation from `revision` on with every hash recomputed, its streams row and the tree to match. */
  const rewriteAndRehash = (
    db: Database.Database,
    negotiationId: string,
    revision: number,
    edit: (event: Record<string, unknown>) => void,
  ) => {
    const rows = db
      .prepare<[string], { event_id: string; revision: number; data: string; hash: string }>(
        'SELECT event_id, revision, data, hash FROM events WHERE negotiation_id = ? ORDER BY revision',
      )
      .all(negotiationId);
    let previous = rows[revision - 1]?.hash ?? '0'.repeat(64);
    const update = db.prepare('UPDATE events SET data = ?, hash = ? WHERE event_id = ?');
    for (const row of rows.slice(revision)) {
      const event = JSON.parse(row.data) as Record<string, unknown>;
      if (row.revision === revision) edit(event);
      event['previousHash'] = previous;
      const text = canonicalJson(event);
      previous = hashCanonicalText(text);
      update.run(text, previous, row.event_id);
    }
    db.prepare('UPDATE streams SET last_hash = ? WHERE negotiation_id = ?').run(previous, negotiationId);
    rebuildTree(db);
  };
  const rebuildTree = (db: Database.Database) => {
    db.exec('DELETE FROM merkle_nodes');
    buildMissingTree(db);
  };

  it('verifies the untouched file, read-only, and proves it extends the saved checkpoint', () => {
    const clean = verify(base, ...withCheckpoint);
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('hash chain verified: 62 events in 2 negotiation(s)');
    expect(clean.stdout).toContain('the log extends the checkpoint of 62 events');
  });

  it('catches an edit in the middle and names the event', () => {
    const dir = tampered((db) =>
      db
        .prepare(
          `UPDATE events SET data = replace(data, 'Internal deliberations.', 'No reason given.') WHERE event_id = ?`,
        )
        .run(gaza[49]),
    );
    const result = verify(dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('hash chain BROKEN');
    expect(result.stderr).toContain(`${REFERENCE_ID}: event ${gaza[49]} at revision 49: hash-mismatch`);
  });

  it('catches a deletion in the middle: the gap, the broken link and the tree', () => {
    const dir = tampered((db) => db.prepare('DELETE FROM events WHERE event_id = ?').run(gaza[20]));
    const result = verify(dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `event ${gaza[21]} at revision 21: revision-gap: revisions 20 to 20 are missing before it`,
    );
    expect(result.stderr).toContain(`event ${gaza[21]} at revision 21: previous-hash-mismatch`);
    expect(result.stderr).toContain(
      '(log): events-missing: positions 21 to 21 are missing: events were deleted',
    );
    expect(result.stderr).toMatch(
      /\(log\): tree: the stored tree \(62 leaves\) does not match the 61 events/,
    );
  });

  it('catches the last event of a negotiation deleted (the streams row still names it)', () => {
    const dir = tampered((db) => db.prepare('DELETE FROM events WHERE event_id = ?').run(gaza[58]));
    const result = verify(dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${REFERENCE_ID}: streams-row: the streams row says revision 58, the last event is at 57: events after it are missing`,
    );
  });

  it("catches an edit hidden by deleting the negotiation's streams row", () => {
    let edited = '';
    const dir = tampered((db) => {
      edited = eventOf(db, OTHER, 1)?.event_id ?? '';
      db.prepare(
        `UPDATE events SET data = replace(data, '"recordedBy":"', '"recordedBy":"someone else, not ') WHERE event_id = ?`,
      ).run(edited);
      db.prepare('DELETE FROM streams WHERE negotiation_id = ?').run(OTHER);
    });
    const result = verify(dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${OTHER}: streams-row: has 3 event(s) but no streams row`);
    expect(result.stderr).toContain(`${OTHER}: event ${edited} at revision 1: hash-mismatch`);
    // The store itself refuses to start on it.
    const opened = run(dir, 'export');
    expect(opened.code).toBe(3);
    expect(opened.stderr).toContain('refusing to open');
  });

  it('catches a lowered streams revision', () => {
    const dir = tampered((db) =>
      db
        .prepare(
          'UPDATE streams SET revision = revision - 1, event_count = event_count - 1 WHERE negotiation_id = ?',
        )
        .run(REFERENCE_ID),
    );
    const result = verify(dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${REFERENCE_ID}: streams-row: the streams row says revision 57, lower than the last event's 58`,
    );
  });

  it('catches an event rewritten with every later hash recomputed, given a checkpoint from before', () => {
    const dir = tampered((db) =>
      rewriteAndRehash(db, REFERENCE_ID, 30, (event) => {
        const [first, ...rest] = event['sources'] as Array<Record<string, unknown>>;
        event['sources'] = [{ ...first, quote: 'words nobody wrote' }, ...rest];
      }),
    );
    // Chains, streams rows, tree and copies are all consistent again: only an outside anchor can tell.
    expect(verify(dir).code).toBe(0);
    const result = verify(dir, ...withCheckpoint);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('the log does NOT extend the checkpoint');
    expect(result.stderr).toContain(
      "(checkpoint): not-extended: the first 62 events no longer hash to the checkpoint's root",
    );
    expect(checkpointSince(dir)).toMatchObject({ code: 4, written: [] });
    expect(checkpointSince(dir).stderr).toContain('rewritten, truncated or reordered since; nothing written');
  });

  it('catches a whole negotiation dropped, given a checkpoint from before', () => {
    const dir = tampered((db) => {
      db.prepare('DELETE FROM events WHERE negotiation_id = ?').run(OTHER);
      db.prepare('DELETE FROM streams WHERE negotiation_id = ?').run(OTHER);
      db.exec(`UPDATE sqlite_sequence SET seq = 59 WHERE name = 'events'`);
      rebuildTree(db);
    });
    expect(verify(dir).code).toBe(0);
    const result = verify(dir, ...withCheckpoint);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(
      '(checkpoint): not-extended: the log holds 59 events, fewer than the 62 the checkpoint covers: events were removed since',
    );
    expect(checkpointSince(dir)).toMatchObject({ code: 4, written: [] });
  });

  it('reports an undecodable date and a real break elsewhere, both by name', () => {
    const dir = tampered((db) => {
      db.prepare(
        `UPDATE events SET data = replace(data, '"occurredAt":"', '"occurredAt":"2024-13-45') WHERE event_id = ?`,
      ).run(gaza[10]);
      db.prepare(
        `UPDATE events SET data = replace(data, '"recordedBy":"', '"recordedBy":"someone else, not ') WHERE event_id = ?`,
      ).run(gaza[40]);
    });
    const result = verify(dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`event ${gaza[10]} at revision 10: undecodable: does not decode: occurredAt`),
    );
    expect(result.stderr).toContain(`event ${gaza[10]} at revision 10: hash-mismatch`);
    expect(result.stderr).toContain(`event ${gaza[40]} at revision 40: hash-mismatch`);
  });

  it('reports a dropped trigger without putting it back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracker-tampered-'));
    dirs.push(dir);
    cpSync(base, dir, { recursive: true });
    const db = new Database(join(dir, 'events.sqlite'));
    db.exec('DROP TRIGGER events_are_immutable');
    db.close();
    const result = verify(dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('(file): trigger-missing: trigger events_are_immutable is missing');
    expect(verify(dir).stderr).toContain('trigger events_are_immutable is missing');
  });

  it('checks an inclusion proof offline, bound to its event, and refuses a forged or relabelled one (exit 5)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracker-proof-'));
    dirs.push(dir);
    cpSync(base, dir, { recursive: true });
    const store = createSqliteEventStore({ file: join(dir, 'events.sqlite') });
    const proof = unwrap(await proveInclusion(store, gaza[12] ?? '', 62)());
    const events = unwrap(await store.readStream(REFERENCE_ID)());
    await store.close();
    const write = (name: string, value: unknown) => {
      writeFileSync(join(saved, name), JSON.stringify(value));
      return join(saved, name);
    };
    const event12 = write('event-12.json', events[12]);
    const event13 = write('event-13.json', events[13]);
    const args = ['--key', join(saved, 'key.txt'), '--checkpoint', join(saved, 'checkpoint.txt')];
    const check = (proofFile: string, eventFile: string) =>
      run(dir, 'verify-proof', ...args, '--inclusion', proofFile, '--event', eventFile);
    expect(proof.leafHash).toMatch(/^[0-9a-f]{64}$/);
    const checked = check(write('proof.json', proof), event12);
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain(`event ${gaza[12]} (hash ${proof.eventHash}) is leaf 12 of it`);
    // Relabelled to another event: the event given is not the one named, or does not make that leaf.
    const relabelled = write('relabelled.json', { ...proof, eventId: gaza[13] });
    expect(check(relabelled, event12).stderr).toContain(`the event in ${event12} is ${gaza[12]}`);
    const other = check(relabelled, event13);
    expect(other.code).toBe(5);
    expect(other.stderr).toContain(`the event ${gaza[13]} hashes to`);
    const altered = write('altered.json', { ...events[12], summary: 'words nobody wrote' });
    expect(check(join(saved, 'proof.json'), altered).stderr).toContain(
      'does not hash to its own recorded hash',
    );
    const forged = check(
      write('forged.json', { ...proof, eventHash: 'ab'.repeat(32), leafHash: undefined }),
      event12,
    );
    expect(forged.code).toBe(5);
    expect(forged.stderr).toContain('the inclusion proof does not verify');
    expect(run(dir, 'verify-proof', ...args, '--inclusion', join(saved, 'proof.json')).code).toBe(2);
    expect(check(join(saved, 'nothing.json'), event12).code).toBe(6);
  });

  it('refuses a checkpoint whose signature does not verify (exit 5) and a missing store (exit 6)', () => {
    const forged = readFileSync(join(saved, 'checkpoint.txt'), 'utf8').replace('\n62\n', '\n61\n');
    writeFileSync(join(saved, 'forged.txt'), forged);
    const result = verify(base, '--checkpoint', join(saved, 'forged.txt'), '--key', join(saved, 'key.txt'));
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('does not verify');
    const empty = mkdtempSync(join(tmpdir(), 'tracker-empty-'));
    dirs.push(empty);
    expect(run(empty, 'verify').code).toBe(6);
  });
});
