import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REFERENCE_FILE, referenceLines } from '../support/reference-story';

const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

const run = (dataDir: string, ...args: string[]) => {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

const describeIfBuilt = existsSync(CLI) ? describe : describe.skip;
if (!existsSync(CLI))
  console.warn(`command-line e2e skipped: ${CLI} missing; run "npm run build" (npm test does)`);

// Every test spawns the built command line, several times: generous on a busy machine.
jest.setTimeout(120_000);

describeIfBuilt('the command line over the embedded store', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracker-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('imports the reference story, then verifies its hash chain', () => {
    const imported = run(dataDir, 'import', REFERENCE_FILE);
    expect(imported.stdout).toContain('imported 59 events');
    expect(imported.code).toBe(0);
    const again = run(dataDir, 'import', REFERENCE_FILE);
    expect(again.stdout).toContain('imported 0 events from 1 file(s); 59 already stored');
    const verified = run(dataDir, 'verify');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('hash chain verified: 59 events in 1 negotiation(s)');
  });

  it('refuses a read of a DATA_DIR holding no store, saying so, and creates nothing there', () => {
    const mistyped = join(dataDir, 'no-such-data');
    for (const command of [
      ['status', '--negotiation', 'gaza-ceasefire-2024'],
      ['export'],
      ['replay'],
      ['verify'],
      ['checkpoint'],
    ]) {
      const refused = run(mistyped, ...command);
      expect({ command, code: refused.code }).toEqual({ command, code: 6 });
      expect(refused.stderr).toContain(`no store at ${join(mistyped, 'events.sqlite')}`);
    }
    expect(existsSync(mistyped)).toBe(false);
  });

  it('answers status as of a date like the API does, and refuses a bad date with exit 2', () => {
    const status = run(dataDir, 'status', '--negotiation', 'gaza-ceasefire-2024', '--as-of', '2024-12-27');
    expect(status.code).toBe(0);
    const body = JSON.parse(status.stdout) as {
      status: { activity: string; recalledDelegations: Array<{ party: string }> };
    };
    expect(body.status.activity).toBe('stalled');
    expect(body.status.recalledDelegations.map((d) => d.party)).toEqual(['Israel']);
    // Longer than MAX_NEGOTIATION_EVENTS: refused with the count and the limit, not a crash or "no negotiation".
    const tooLong = spawnSync(
      process.execPath,
      [CLI, 'status', '--negotiation', 'gaza-ceasefire-2024', '--as-of', '2024-12-27'],
      {
        env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', MAX_NEGOTIATION_EVENTS: '58' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(tooLong.status).toBe(7);
    expect(tooLong.stderr).toContain('has 59 events, more than the 58 this process folds in memory');
    const bad = run(dataDir, 'status', '--negotiation', 'gaza-ceasefire-2024', '--as-of', 'tomorrow');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--as-of');
  });

  it('exports an NDJSON log that imports into an empty store with the same answers; replay summarises', () => {
    const exported = run(dataDir, 'export');
    expect(exported.code).toBe(0);
    expect(exported.stdout.trim().split('\n')).toHaveLength(59);
    const file = join(dataDir, 'export.ndjson');
    writeFileSync(file, exported.stdout);
    const copyDir = mkdtempSync(join(tmpdir(), 'tracker-cli-copy-'));
    try {
      expect(run(copyDir, 'import', file).code).toBe(0);
      const original = JSON.parse(
        run(dataDir, 'phases', '--negotiation', 'gaza-ceasefire-2024', '--as-of', '2024-07-05').stdout,
      ) as { phases: unknown };
      const copy = JSON.parse(
        run(copyDir, 'phases', '--negotiation', 'gaza-ceasefire-2024', '--as-of', '2024-07-05').stdout,
      ) as { phases: unknown };
      expect(copy.phases).toEqual(original.phases);
      const replay = run(copyDir, 'replay');
      expect(replay.stdout).toContain('replayed 59 events of 1 negotiation(s)');
    } finally {
      rmSync(copyDir, { recursive: true, force: true });
    }
  });

  it('issues a token whose digest, not the token, lands in the tokens file', () => {
    const issued = run(dataDir, 'token', '--principal', 'auditor', '--role', 'reader');
    expect(issued.code).toBe(0);
    const token = issued.stdout.trim();
    expect(token).toMatch(/^nt_/);
    const tokens = readFileSync(join(dataDir, 'tokens.json'), 'utf8');
    expect(tokens).toContain('"auditor"');
    expect(tokens).not.toContain(token);
  });

  it('catches a byte altered in any copy of an event in the SQLite file, and names the event', () => {
    const recall = referenceLines().find((l) => l.event.type === 'DelegationRecalled');
    const clean = readFileSync(join(dataDir, 'events.sqlite'));
    // The recall's reason is in the hashed data, in the lean copy folds read, and in the index replays read.
    const needle = Buffer.from('Internal deliberations.');
    const places: number[] = [];
    for (let at = clean.indexOf(needle); at >= 0; at = clean.indexOf(needle, at + 1)) places.push(at);
    expect(places.length).toBeGreaterThanOrEqual(3);
    const reports = places.map((at, k) => {
      const dir = mkdtempSync(join(tmpdir(), `tracker-cli-tampered-${k}-`));
      const bytes = Buffer.from(clean);
      bytes[at] = 'i'.charCodeAt(0);
      writeFileSync(join(dir, 'events.sqlite'), bytes);
      const verified = run(dir, 'verify');
      rmSync(dir, { recursive: true, force: true });
      return verified;
    });
    // Whichever copy was altered, verify fails.
    for (const verified of reports) expect(verified.code).toBe(1);
    const said = reports.map((r) => r.stderr);
    // The hashed data: the chain breaks at that event.
    expect(said).toContainEqual(expect.stringContaining('hash chain BROKEN'));
    expect(said).toContainEqual(
      expect.stringContaining(`event ${recall?.event.id} at revision 49: hash-mismatch`),
    );
    // The lean copy: it no longer says what the data says.
    expect(said).toContainEqual(
      expect.stringContaining(
        `event ${recall?.event.id} at revision 49: derived copy differs from the hashed data: lean`,
      ),
    );
    // The index entry: it no longer matches its row.
    expect(said).toContainEqual(expect.stringContaining('integrity check: row'));
  });
});
