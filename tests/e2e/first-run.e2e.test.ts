import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SERVER_NODE_FLAGS,
  ServerProcess,
  projectRoot,
  serverMain,
  startServerProcess,
  stopGracefully,
} from '../../scripts/reliability/server-process';

/**
 * A first `npm start` as a new user meets it: a busy port is said in one line before anything is imported or a
 * token created; the banner's query answers for the data loaded; a token the command line issues works on the
 * running server at once.
 */
const CLI = join(projectRoot(), 'dist', 'src', 'cli', 'main.js');

const talksStalled = {
  type: 'TalksStalled',
  occurredAt: '2025-01-10',
  precision: 'day',
  reportedAt: '2025-01-11',
  sources: [
    {
      outlet: 'Example Wire',
      title: 'Doha talks pause',
      publishedAt: '2025-01-11',
      quote: 'the talks paused on Friday',
      attribution: { kind: 'anonymous', descriptor: 'diplomat briefed on the talks' },
    },
  ],
  payload: { reason: 'Delegations returned for consultations' },
};

// Each test starts the built server (and the command line): generous on a busy machine.
jest.setTimeout(120_000);

const describeIfBuilt = existsSync(serverMain()) && existsSync(CLI) ? describe : describe.skip;
if (!existsSync(serverMain()))
  console.warn(`first-run e2e skipped: ${serverMain()} missing; run "npm run build" (npm test does)`);

describeIfBuilt('a first run', () => {
  const work = mkdtempSync(join(tmpdir(), 'tracker-first-run-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('says in one line that the port is busy, and imports nothing and creates no token', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    const dataDir = join(work, 'busy');
    try {
      const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, serverMain()], {
        env: {
          ...process.env,
          DATA_DIR: dataDir,
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toEqual([
        expect.stringContaining(`port ${port} on 127.0.0.1 is already in use`),
      ]);
      expect(stdout).toBe('');
      expect(existsSync(dataDir) ? readdirSync(dataDir) : []).toEqual([]);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  describe('on a free port', () => {
    const dataDir = join(work, 'fresh');
    let server: ServerProcess;
    beforeAll(async () => {
      server = await startServerProcess({ DATA_DIR: dataDir, AUTH_TOKENS: '', EVENTSTORE_URL: '' });
    });
    afterAll(() => stopGracefully(server));

    it('suggests a query that answers for the data it loaded', async () => {
      const suggested = /Try: curl '([^']+)'/.exec(server.output())?.[1];
      expect(suggested).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/negotiations\/gaza-ceasefire-2024\/status\?asOf=\d{4}-\d\d-\d\d$/,
      );
      const answer = await fetch(suggested ?? '');
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as { revision: number; status: { stage: string } };
      expect(body.revision).toBe(58);
      expect(body.status.stage).not.toBe('pre-negotiation');
    });

    it('prints the writer token it created, which writes', async () => {
      const token = /Authorization: Bearer (nt_\S+)/.exec(server.output())?.[1];
      expect(token).toBeDefined();
      const appended = await fetch(`${server.url}/negotiations/first-run-generated/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(talksStalled),
      });
      expect(appended.status).toBe(201);
    });

    it('shows the first token again: in full on demand, masked in the banner of each later start', async () => {
      const token = /Authorization: Bearer (nt_\S+)/.exec(server.output())?.[1] ?? '';
      expect(token).toMatch(/^nt_/);
      const shown = spawnSync(process.execPath, [CLI, 'token', '--show-first'], {
        env: { ...process.env, DATA_DIR: dataDir, AUTH_TOKENS_FILE: '' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect({ code: shown.status, stdout: shown.stdout.trim() }).toEqual({ code: 0, stdout: token });
      expect(statSync(join(dataDir, 'first-writer-token')).mode & 0o777).toBe(0o600);
      const again = await startServerProcess({
        DATA_DIR: join(work, 'fresh'),
        AUTH_TOKENS: '',
        EVENTSTORE_URL: '',
      });
      try {
        expect(again.output()).not.toContain(token);
        expect(again.output()).toContain(`Writer token: ${token.slice(0, 7)}…${token.slice(-4)}`);
      } finally {
        await stopGracefully(again);
      }
    });

    it('accepts a token the command line issues while it runs, without a restart', async () => {
      const post = (token: string) =>
        fetch(`${server.url}/negotiations/first-run-issued/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(talksStalled),
        });
      const issued = spawnSync(process.execPath, [CLI, 'token', '--principal', 'alice', '--role', 'writer'], {
        env: { ...process.env, DATA_DIR: dataDir, AUTH_TOKENS_FILE: '' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(issued.status).toBe(0);
      const token = issued.stdout.trim();
      expect((await post(`${token}x`)).status).toBe(401);
      const appended = await post(token);
      expect(appended.status).toBe(201);
      const history = (await (await fetch(`${server.url}/negotiations/first-run-issued/events`)).json()) as {
        events: Array<{ recordedBy: string }>;
      };
      expect(history.events.map((e) => e.recordedBy)).toEqual(['alice']);
    });
  });
});
