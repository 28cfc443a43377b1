import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtocolDouble, startProtocolDouble } from '../support/eventstore-protocol-double';
import { REFERENCE_FILE, REFERENCE_ID } from '../support/reference-story';

/**
 * `copy` moves the reference story from the embedded store to EventStoreDB (the protocol double, in this
 * process) and back into a new embedded store, which then verifies and exports exactly as the original.
 */
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

// Asynchronous on purpose: the double answers from this process, so a blocking spawn would never hear back.
const run = (env: Record<string, string>, ...args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      // EVENTSTORE_URL is cleared unless a test sets it: a developer's shell may point it at a live server.
      {
        env: { ...process.env, LOG_LEVEL: 'silent', EVENTSTORE_URL: '', ...env },
        timeout: 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });

// Each test spawns the command line several times: on a busy machine that takes far more than jest's default.
jest.setTimeout(60_000);

const describeIfBuilt = existsSync(CLI) ? describe : describe.skip;
if (!existsSync(CLI))
  console.warn(`copy command e2e skipped: ${CLI} missing; run "npm run build" (npm test does)`);

// Each test spawns the built command line several times: generous on a busy machine.
jest.setTimeout(120_000);

describeIfBuilt('copying a log between the embedded store and EventStoreDB', () => {
  let double: ProtocolDouble;
  const original = mkdtempSync(join(tmpdir(), 'tracker-copy-from-'));
  const copied = mkdtempSync(join(tmpdir(), 'tracker-copy-to-'));

  beforeAll(async () => {
    double = await startProtocolDouble();
    expect((await run({ DATA_DIR: original }, 'import', REFERENCE_FILE)).code).toBe(0);
  });
  afterAll(async () => {
    await double.stop();
    for (const dir of [original, copied]) rmSync(dir, { recursive: true, force: true });
  });

  it('copies there and back with ids, clocks, hashes and order kept, and verifies each copy', async () => {
    const there = await run({}, 'copy', '--from', original, '--to', double.url, '--batch-size', '20');
    expect(there.code).toBe(0);
    expect(there.stdout).toContain('copied 59 events (0 already there) of 1 negotiation(s)');
    expect(there.stdout).toContain('verified: 59 events');
    expect(double.log.stream(`negotiation-${REFERENCE_ID}`)).toHaveLength(59);

    // The copy keeps the order, so its tree is the original's: it extends a checkpoint signed over the original.
    const signed = await run(
      { DATA_DIR: original },
      'checkpoint',
      '--out',
      join(original, 'checkpoint.txt'),
      '--key-out',
      join(original, 'key.txt'),
    );
    expect(signed.code).toBe(0);
    const audited = await run(
      { EVENTSTORE_URL: double.url },
      'verify',
      '--checkpoint',
      join(original, 'checkpoint.txt'),
      '--key',
      join(original, 'key.txt'),
    );
    expect(audited.stderr).toBe('');
    expect(audited.stdout).toContain('hash chain verified: 59 events in 1 negotiation(s)');
    expect(audited.stdout).toContain('the log extends the checkpoint of 59 events');

    const again = await run({}, 'copy', '--from', original, '--to', double.url);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('copied 0 events (59 already there)');

    const back = await run({}, 'copy', '--from', double.url, '--to', copied);
    expect(back.code).toBe(0);
    expect(back.stdout).toContain('copied 59 events');

    const verified = await run({ DATA_DIR: copied }, 'verify');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('hash chain verified: 59 events');
    const exportOf = async (env: Record<string, string>) =>
      (await run(env, 'export', '--with-recording')).stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown);
    const originalLog = await exportOf({ DATA_DIR: original });
    expect(originalLog).toHaveLength(59);
    expect(await exportOf({ DATA_DIR: copied })).toEqual(originalLog);
    expect(await exportOf({ EVENTSTORE_URL: double.url })).toEqual(originalLog);

    const statusOf = async (env: Record<string, string>) =>
      JSON.parse(
        (await run(env, 'status', '--negotiation', REFERENCE_ID, '--as-of', '2024-12-27')).stdout,
      ) as unknown;
    expect(await statusOf({ EVENTSTORE_URL: double.url })).toEqual(await statusOf({ DATA_DIR: original }));
  });

  it('refuses the same store on both sides (exit 2, usage) and a missing source (exit 6)', async () => {
    const same = await run({}, 'copy', '--from', original, '--to', original);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('same store');
    const missing = await run({}, 'copy', '--from', join(original, 'nothing.sqlite'), '--to', double.url);
    expect(missing.code).toBe(6);
    expect(missing.stderr).toContain('no embedded store');
  });

  it('refuses to copy over another history, with exit code 1', async () => {
    const other = mkdtempSync(join(tmpdir(), 'tracker-copy-other-'));
    try {
      expect((await run({}, 'copy', '--from', original, '--to', double.url)).code).toBe(0);
      const story = await run({ DATA_DIR: other }, 'import', REFERENCE_FILE, '--recorded-by', 'another');
      expect(story.code).toBe(0);
      const refused = await run({}, 'copy', '--from', other, '--to', double.url);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`another history of "${REFERENCE_ID}"`);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
