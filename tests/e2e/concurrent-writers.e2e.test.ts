import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoredEvent } from '../../src/domain';
import { findChainBreak } from '../../src/store';
import { postEvents, readStream } from '../../scripts/reliability/client';
import {
  ServerProcess,
  serverMain,
  startServerProcess,
  stopGracefully,
  writerToken,
} from '../../scripts/reliability/server-process';

// Spawns processes (servers, workers, a child Node): generous on a busy machine, never a speed check.
jest.setTimeout(120_000);

const describeIfBuilt = existsSync(serverMain()) ? describe : describe.skip;
if (!existsSync(serverMain()))
  console.warn(
    `concurrent-writers e2e skipped: ${serverMain()} missing; run "npm run build" (npm test does)`,
  );

const CLIENTS = 10;

const event = (label: string) => ({
  id: crypto.randomUUID(),
  type: 'StatementIssued',
  occurredAt: '2024-07-04',
  precision: 'day',
  reportedAt: '2024-07-05',
  sources: [
    { outlet: 'Wire', title: 'T', publishedAt: '2024-07-05', quote: label, attribution: { kind: 'outlet' } },
  ],
  payload: { by: ['Egypt'], kind: 'unilateral' },
});

describeIfBuilt('two server processes writing to one SQLite file, many clients each', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracker-two-'));
  const writer = writerToken();
  let servers: ServerProcess[] = [];
  beforeAll(async () => {
    const env = {
      DATA_DIR: dataDir,
      IMPORT_REFERENCE_STORY: 'false',
      WRITES_PER_MINUTE: '1000000',
      ...writer.env,
    };
    servers = [await startServerProcess(env)];
    servers.push(await startServerProcess(env));
  });
  afterAll(async () => {
    await Promise.all(servers.map(stopGracefully));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const auth = () => ({ authorization: `Bearer ${writer.token}` });
  const urlOf = (client: number) => servers[client % servers.length]?.url ?? '';

  it('with If-Match on one revision, exactly one client wins across both processes; the rest get 412', async () => {
    const opened = await postEvents(urlOf(0), 'shared', event('opening'), {
      ...auth(),
      'if-none-match': '*',
    });
    expect(opened.status).toBe(201);
    for (let revision = 0; revision < 6; revision += 1) {
      const contenders = Array.from({ length: CLIENTS }, (_, c) => event(`r${revision} c${c}`));
      const answers = await Promise.all(
        contenders.map((body, c) =>
          postEvents(urlOf(c), 'shared', body, { ...auth(), 'if-match': `"${revision}"` }),
        ),
      );
      expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
      expect(answers.filter((a) => a.status === 412)).toHaveLength(CLIENTS - 1);
      for (const loser of answers.filter((a) => a.status === 412))
        expect(loser.headers.get('etag')).toBe(`"${revision + 1}"`);
    }
    const stored: StoredEvent[] = await readStream(urlOf(1), 'shared');
    expect(stored).toHaveLength(7);
    expect(findChainBreak(stored)).toBeUndefined();
  });

  it('without If-Match, every batch sent to either process lands whole and once, and both read the same log', async () => {
    const batches = Array.from({ length: CLIENTS * 3 }, (_, b) =>
      Array.from({ length: 1 + (b % 4) }, (_, i) => event(`b${b} e${i}`)),
    );
    const answers = await Promise.all(
      batches.map((events, b) => postEvents(urlOf(b), 'flood', { events }, auth())),
    );
    expect(answers.map((a) => a.status)).toEqual(batches.map(() => 201));
    const claimed = answers.flatMap((a) =>
      (a.body as { events: Array<{ revision: number }> }).events.map((e) => e.revision),
    );
    const [fromFirst, fromSecond] = [
      await readStream(urlOf(0), 'flood'),
      await readStream(urlOf(1), 'flood'),
    ];
    expect(fromFirst).toEqual(fromSecond);
    expect(fromFirst).toHaveLength(batches.flat().length);
    expect(claimed.sort((a, b) => a - b)).toEqual(fromFirst.map((_, i) => i));
    expect(new Set(fromFirst.map((e) => e.id)).size).toBe(fromFirst.length);
    expect(findChainBreak(fromFirst)).toBeUndefined();
  });
});
