import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REFERENCE_FILE, REFERENCE_ID } from '../support/reference-story';

/**
 * The command line as a tool: its version and help, one exit code per kind of failure with one clear line, a
 * restore that gives back the same recorded log, the timeline's date filters and the import's progress.
 */
const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

const run = (dataDir: string, ...args: string[]) => {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, DATA_DIR: dataDir, EVENTSTORE_URL: '', LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

// Every test spawns the built command line, several times: generous on a busy machine.
jest.setTimeout(120_000);

const describeIfBuilt = existsSync(CLI) ? describe : describe.skip;
if (!existsSync(CLI))
  console.warn(`command-line tool e2e skipped: ${CLI} missing; run "npm run build" (npm test does)`);

describeIfBuilt('the command line as a tool', () => {
  const work = mkdtempSync(join(tmpdir(), 'tracker-cli-tool-'));
  const story = join(work, 'story');
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  beforeAll(() => {
    expect(run(story, 'import', REFERENCE_FILE).code).toBe(0);
  });

  it('prints the version of package.json, and help with examples, environment and exit codes', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const shown = run(story, '--version');
    expect(shown.code).toBe(0);
    expect(shown.stdout.trim()).toBe(version);
    const help = run(story, '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('npx negotiation-tracker export > log.ndjson');
    expect(help.stdout).toContain('DATA_DIR');
    expect(help.stdout).toContain('EVENTSTORE_URL');
    expect(help.stdout).toMatch(
      /Exit codes:[\s\S]*2 {2}usage[\s\S]*3 {2}the store failed[\s\S]*6 {2}a named file[\s\S]*7 {2}input refused/,
    );
  });

  it('answers a usage error with exit 2 and one line', () => {
    for (const args of [['bogus'], ['export', '--no-such-option'], ['status']]) {
      const refused = run(story, ...args);
      expect(refused.code).toBe(2);
      expect(lines(refused.stderr)).toHaveLength(1);
      expect(refused.stderr).toContain('error:');
    }
    const badEnvironment = spawnSync(process.execPath, [CLI, 'verify'], {
      env: { ...process.env, DATA_DIR: story, EVENTSTORE_URL: 'http://nowhere' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(badEnvironment.status).toBe(2);
    expect(lines(badEnvironment.stderr)).toEqual([expect.stringContaining('EVENTSTORE_URL')]);
  });

  it('answers a missing file with exit 6 and one line, importing nothing', () => {
    const empty = join(work, 'missing-file');
    const missing = run(empty, 'import', REFERENCE_FILE, join(work, 'nothing-here.ndjson'));
    expect(missing.code).toBe(6);
    expect(lines(missing.stderr)).toEqual([expect.stringContaining('nothing-here.ndjson')]);
    expect(existsSync(join(empty, 'events.sqlite'))).toBe(false);
  });

  it('refuses a file with a bad line with exit 7, naming the line, and imports none of the files', () => {
    const target = join(work, 'bad-line');
    const bad = join(work, 'bad.ndjson');
    writeFileSync(bad, '{"negotiationId": "x", "type": "TalksStalled"}\n');
    const refused = run(target, 'import', REFERENCE_FILE, bad);
    expect(refused.code).toBe(7);
    expect(refused.stderr).toContain(`${bad}:1:`);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(run(target, 'export').stdout).toBe('');
  });

  it('answers a store that cannot be opened with exit 3 and one line', () => {
    const broken = join(work, 'not-a-database');
    mkdirSync(broken);
    writeFileSync(join(broken, 'events.sqlite'), 'this is not a database file, only text '.repeat(200));
    for (const command of ['export', 'replay', 'verify']) {
      const failed = run(broken, command);
      expect(failed.code).toBe(3);
      expect(lines(failed.stderr)).toEqual([expect.stringMatching(/cannot open .*file is not a database/)]);
    }
  });

  it('shows the import progress against the total of every file, with an estimate', () => {
    const imported = run(join(work, 'progress'), 'import', REFERENCE_FILE);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toMatch(/import \[.*\] 100% \| 59\/59 events \| .* left/);
  });

  it('restores an export --with-recording into an empty store with the same ids, clocks and hashes', () => {
    const backup = join(work, 'backup.ndjson');
    const exported = run(story, 'export', '--with-recording', '--out', backup);
    expect(exported.code).toBe(0);
    const restoredDir = join(work, 'restored');
    const restored = run(restoredDir, 'import', '--with-recording', backup);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain('restored 59 events of 1 negotiation(s)');
    const verified = run(restoredDir, 'verify');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('hash chain verified: 59 events');
    // Byte for byte: every id, revision, recordedAt, recordedBy and hash, in the same order.
    expect(run(restoredDir, 'export', '--with-recording').stdout).toBe(readFileSync(backup, 'utf8'));
    const recordedBy = lines(readFileSync(backup, 'utf8')).map(
      (line) => (JSON.parse(line) as { recordedBy: string }).recordedBy,
    );
    expect(new Set(recordedBy).size).toBe(1);
    expect(recordedBy[0]).toMatch(/^cli:/);
  });

  it('refuses to restore into a store that holds events, and a file whose hashes do not match, restoring nothing', () => {
    const backup = join(work, 'backup-2.ndjson');
    expect(run(story, 'export', '--with-recording', '--out', backup).code).toBe(0);
    const intoFull = run(story, 'import', '--with-recording', backup);
    expect(intoFull.code).toBe(7);
    expect(intoFull.stderr).toContain('a restore needs an empty store');

    const altered = join(work, 'altered.ndjson');
    writeFileSync(
      altered,
      readFileSync(backup, 'utf8').replace('Internal deliberations.', 'internal deliberations.'),
    );
    const target = join(work, 'restore-altered');
    const refused = run(target, 'import', '--with-recording', altered);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('hash chain BROKEN');
    expect(refused.stderr).toContain('hash-mismatch');
    expect(run(target, 'export').stdout).toBe('');

    // A plain import of recorded events says what to do instead.
    const plain = run(join(work, 'plain-recorded'), 'import', backup);
    expect(plain.code).toBe(7);
    expect(plain.stderr).toContain('restore it with import --with-recording');
  });

  it('filters the timeline with --from, --to and --as-of', () => {
    const timeline = (...args: string[]) => {
      const answer = run(story, 'timeline', '--negotiation', REFERENCE_ID, ...args);
      expect(answer.code).toBe(0);
      return (JSON.parse(answer.stdout) as { timeline: Array<{ occurredAt: string }> }).timeline;
    };
    const all = timeline();
    const december = timeline('--from', '2024-12-01', '--to', '2024-12-31');
    expect(december.length).toBeGreaterThan(0);
    expect(december.length).toBeLessThan(all.length);
    for (const { occurredAt } of december) expect(occurredAt.slice(0, 7)).toBe('2024-12');
    const untilJuly = timeline('--as-of', '2024-07-05');
    expect(untilJuly.length).toBeLessThan(all.length);
    for (const { occurredAt } of untilJuly) expect(occurredAt.slice(0, 10) <= '2024-07-05').toBe(true);
    // --to and --as-of together: the earlier bound wins.
    expect(timeline('--to', '2024-12-31', '--as-of', '2024-07-05')).toEqual(untilJuly);
    const refused = run(story, 'timeline', '--negotiation', REFERENCE_ID, '--from', 'yesterday');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--from');
  });

  it('writes nothing but NDJSON on standard output for export', () => {
    const exported = run(story, 'export');
    expect(exported.code).toBe(0);
    const exportedLines = lines(exported.stdout);
    expect(exportedLines).toHaveLength(59);
    for (const line of exportedLines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(exported.stderr).toContain('exported 59 events');
    expect(readdirSync(story)).toContain('events.sqlite');
  });
});
