import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ServerProcess,
  projectRoot,
  serverMain,
  startServerProcess,
  stopGracefully,
} from '../../scripts/reliability/server-process';
import { ProtocolDouble, startProtocolDouble } from '../support/eventstore-protocol-double';

/**
 * The README's "Try it" and "Command line" blocks, run exactly as written by bash from the project's directory
 * against the built server on a fresh store. Only the server's address, the token it printed and the EventStoreDB
 * address (the protocol double, in this process) are put in. curl is told by a CURL_HOME config, not by the
 * commands, to fail on an HTTP error and end each answer with a newline.
 */
const ROOT = projectRoot();
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The first sh block under a heading. */
const shellBlock = (heading: string): string => {
  const section = README.split(/^## /m).find((part) => part.startsWith(`${heading}\n`));
  const block = section === undefined ? undefined : /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error(`README has no sh block under "## ${heading}"`);
  return block;
};

/** Replaces every occurrence, insisting there is one: a README that stopped saying it must fail here. */
const put = (text: string, from: string, to: string): string => {
  if (!text.includes(from)) throw new Error(`README block no longer contains ${from}`);
  return text.split(from).join(to);
};

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

// Asynchronous: the protocol double answers from this process.
const bash = (script: string, env: Record<string, string>): Promise<Ran> =>
  new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });

const jsonLines = (text: string): Array<Record<string, unknown>> =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

// A server, npx and a dozen commands, with two one-second sleeps: generous on a busy machine.
jest.setTimeout(240_000);

const describeIfBuilt = existsSync(serverMain()) ? describe : describe.skip;
if (!existsSync(serverMain()))
  console.warn(`README commands e2e skipped: ${serverMain()} missing; run "npm run build" (npm test does)`);

describeIfBuilt('the README commands, as written', () => {
  const work = mkdtempSync(join(tmpdir(), 'tracker-readme-'));
  const dataDir = join(work, 'data');
  let server: ServerProcess;
  let double: ProtocolDouble;
  let env: Record<string, string>;

  beforeAll(async () => {
    writeFileSync(join(work, '.curlrc'), 'fail-with-body\nsilent\nshow-error\nwrite-out = "\\n"\n');
    double = await startProtocolDouble();
    server = await startServerProcess({ DATA_DIR: dataDir, AUTH_TOKENS: '', EVENTSTORE_URL: '' });
    env = { DATA_DIR: dataDir, CURL_HOME: work, EVENTSTORE_URL: '', AUTH_TOKENS: '', LOG_LEVEL: 'silent' };
  });
  afterAll(async () => {
    await stopGracefully(server);
    await double.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('"Try it": every request answers, the append lands, and knownAt shows the log before it', async () => {
    const token = /Authorization: Bearer (nt_\S+)/.exec(server.output())?.[1] ?? '';
    expect(token).toMatch(/^nt_/);
    let script = put(shellBlock('Try it'), 'http://127.0.0.1:3000', server.url);
    script = put(script, 'TOKEN=nt_...', `TOKEN=${token}`);
    const ran = await bash(script, env);
    expect({ code: ran.code, stderr: ran.stderr }).toEqual({ code: 0, stderr: '' });
    expect(ran.stdout).toMatch(/^HTTP\/1\.1 201 Created/m);
    const statuses = jsonLines(ran.stdout).filter((answer) => answer['asOf'] === '2025-01-11') as Array<{
      knownAt?: string;
      status: { activity: string; activitySince?: { type: string; occurredAt: string } };
    }>;
    expect(statuses).toHaveLength(2);
    const [now, before] = statuses;
    expect(now?.knownAt).toBeUndefined();
    expect(now?.status.activity).toBe('stalled');
    expect(now?.status.activitySince).toEqual(
      expect.objectContaining({ type: 'TalksStalled', occurredAt: '2025-01-10' }),
    );
    expect(before?.knownAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(before?.status.activity).toBe('active');
    expect(before?.status.activitySince).toEqual(
      expect.objectContaining({ type: 'TalksResumed', occurredAt: '2025-01-03' }),
    );
  });

  it('"Command line": every command succeeds on the live store, export is clean NDJSON, the restore verifies', async () => {
    const esdb = new URL(double.url.replace(/^esdb:/, 'http:')).host;
    const files = join(work, 'files');
    let script = put(shellBlock('Command line'), 'localhost:2113', esdb);
    // The block's own folder, kept past its last line so that what it wrote can be read here.
    script = put(script, 'work=$(mktemp -d)', `work=${files}; mkdir "$work"`);
    script = put(script, 'rm -rf "$work"', ':');
    const before = readdirSync(ROOT).sort();
    const ran = await bash(script, env);
    expect(readdirSync(ROOT).sort()).toEqual(before);
    // With its standard error in the message when it fails.
    expect({ code: ran.code, stderr: ran.code === 0 ? '' : ran.stderr }).toEqual({ code: 0, stderr: '' });
    // The stories of events/ as the server imported them, and the one event "Try it" appended.
    const stories = readdirSync(join(ROOT, 'events'))
      .filter((name) => name.endsWith('.ndjson'))
      .map(
        (name) =>
          readFileSync(join(ROOT, 'events', name), 'utf8')
            .split('\n')
            .filter((l) => l.trim() !== '').length,
      );
    const imported = stories.reduce((sum, n) => sum + n, 0);
    const all = `${imported + 1} events`;
    const negotiations = `${stories.length} negotiation(s)`;
    expect(ran.stdout).toContain(
      `imported 0 events from ${stories.length} file(s); ${imported} already stored`,
    );
    const exported = readFileSync(join(files, 'log.ndjson'), 'utf8').trim().split('\n');
    expect(exported).toHaveLength(imported + 1);
    for (const line of exported) expect(Object.keys(JSON.parse(line) as object)).toContain('negotiationId');
    expect(ran.stdout).toContain(`restored ${all} of ${negotiations}`);
    expect(ran.stdout.split(`hash chain verified: ${all} in ${negotiations}`)).toHaveLength(3);
    expect(ran.stdout).toContain(`replayed ${all} of ${negotiations}`);
    expect(ran.stdout).toMatch(/"activity": "stalled"/);
    expect(ran.stdout).toMatch(/^nt_\S+$/m);
    expect(ran.stdout).toContain(`copied ${all} (0 already there) of ${negotiations}`);
    expect(double.log.stream('negotiation-gaza-ceasefire-2024')).toHaveLength(60); // 59 and the appended one
  });
});
