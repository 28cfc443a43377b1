import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { eventually } from '../support/eventually';
import { referenceLines } from '../support/reference-story';

/**
 * The README's "Audit" section, run as written: its five commands, with `npm start` and `npm run cli --` standing
 * for the built programs (npm would only build them first), HOME a fresh folder and the server on a free port.
 */
const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const SERVER = join(ROOT, 'dist', 'src', 'main.js');
jest.setTimeout(120_000);

const auditCommands = (): string[] => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Audit\n'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.replace('npm run cli --', `node ${CLI}`).replace('npm start', `node ${SERVER}`));
};

const describeIfBuilt = existsSync(CLI) ? describe : describe.skip;

describeIfBuilt('the README Audit section', () => {
  const home = mkdtempSync(join(tmpdir(), 'tracker-readme-audit-'));
  const env = {
    ...process.env,
    HOME: home,
    DATA_DIR: join(home, 'data'),
    PORT: '0',
    LOG_LEVEL: 'silent',
    EVENTSTORE_URL: '',
    CHECKPOINT_PUBLISH_COMMAND: '',
  };
  const shell = (command: string) =>
    spawnSync('bash', ['-c', command], { env, encoding: 'utf8', timeout: 60_000 });
  let server: ChildProcess | undefined;
  afterAll(() => {
    if (server?.pid !== undefined) process.kill(-server.pid, 'SIGTERM');
    rmSync(home, { recursive: true, force: true });
  });

  it('has five commands that save checkpoints elsewhere and prove later that nothing changed', async () => {
    const commands = auditCommands();
    expect(commands).toHaveLength(5);
    const [serve, keep, later, offline, onDisk] = commands as [string, string, string, string, string];

    // 1. The server imports the reference stories and publishes its first checkpoint, of all of them.
    let output = '';
    // Its own process group, so stopping it stops the server whether or not bash ran it as a child.
    server = spawn('bash', ['-c', serve], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const audit = join(home, 'audit');
    const publishedSizes = () =>
      (existsSync(audit) ? readdirSync(audit) : [])
        .map((name) => Number(/^checkpoint-(\d+)\.txt$/.exec(name)?.[1] ?? 0))
        .filter((size) => size > 0);
    await eventually(60_000, () => publishedSizes().length > 0);
    const [size = 0] = publishedSizes();
    await eventually(60_000, () => output.includes('Checkpoint key'));
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    process.kill(-(server.pid ?? 0), 'SIGTERM');
    await exited;
    server = undefined;

    const second = shell(keep);
    expect(second.status).toBe(0);
    expect(readFileSync(join(audit, 'log.key'), 'utf8').trim()).toBe(
      /Checkpoint key[^:]*: (\S+)/.exec(output)?.[1],
    );
    expect(readFileSync(join(audit, 'checkpoint-then.txt'), 'utf8')).toBe(
      readFileSync(join(audit, `checkpoint-${size}.txt`), 'utf8'),
    );

    // Time passes: more is recorded.
    const more = referenceLines()
      .slice(0, 2)
      .map((line) => JSON.stringify({ ...line.event, id: randomUUID(), negotiationId: 'later-talks' }));
    writeFileSync(join(home, 'more.ndjson'), `${more.join('\n')}\n`);
    expect(spawnSync(process.execPath, [CLI, 'import', join(home, 'more.ndjson')], { env }).status).toBe(0);

    const third = shell(later);
    expect(third.status).toBe(0);
    expect(third.stdout).toContain(`checkpoint of ${size + 2} events`);
    const fourth = shell(offline);
    expect(fourth.stderr).toBe('');
    expect(fourth.status).toBe(0);
    expect(fourth.stdout).toContain(
      `it extends the checkpoint of ${size} events: nothing recorded before that changed`,
    );
    const fifth = shell(onDisk);
    expect(fifth.status).toBe(0);
    expect(fifth.stdout).toContain(`the log extends the checkpoint of ${size} events`);
    expect(readdirSync(audit).sort()).toEqual(
      [
        `checkpoint-${size}.txt`,
        'checkpoint-now.txt',
        'checkpoint-then.txt',
        'log.key',
        'then-to-now.json',
      ].sort(),
    );
  });
});
