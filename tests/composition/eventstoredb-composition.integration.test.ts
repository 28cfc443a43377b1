import * as E from 'fp-ts/Either';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from '../support/contract-request';
import { Runtime, compose, openStore } from '../../src/composition';
import { loadConfig } from '../../src/config';
import { unwrap } from '../support/builders';
import { ProtocolDouble, startProtocolDouble } from '../support/eventstore-protocol-double';
import { REFERENCE_ID, referenceLines } from '../support/reference-story';

const PROJECT_ROOT = resolve(__dirname, '..', '..');

describe('choosing the store by configuration', () => {
  it('keeps the embedded store the default and takes EventStoreDB from EVENTSTORE_URL', async () => {
    const embedded = unwrap(loadConfig({ DATA_DIR: '/tmp/tracker-unused' }, PROJECT_ROOT));
    expect(embedded.eventStoreUrl).toBeUndefined();
    const chosen = unwrap(loadConfig({ EVENTSTORE_URL: 'esdb://localhost:2113?tls=false' }, PROJECT_ROOT));
    expect(chosen.eventStoreUrl).toBe('esdb://localhost:2113?tls=false');
    const opened = openStore({ ...chosen, eventStoreUrl: 'esdb://127.0.0.1:1?tls=false' });
    expect(opened.name).toBe('eventstoredb');
    await opened.store.close();
  });

  it('names EVENTSTORE_URL when it is not a connection string', () => {
    const refused = loadConfig({ EVENTSTORE_URL: 'http://localhost:2113' }, PROJECT_ROOT);
    expect(E.isLeft(refused) && refused.left.map((v) => v.field)).toEqual(['EVENTSTORE_URL']);
  });
});

describe('two API replicas starting together on an empty EventStoreDB', () => {
  let double: ProtocolDouble;
  let dataDirs: string[];
  let runtimes: Runtime[];

  beforeEach(async () => {
    double = await startProtocolDouble();
    dataDirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'tracker-replica-')));
    runtimes = await Promise.all(
      dataDirs.map((dir) =>
        compose(
          unwrap(
            loadConfig({ DATA_DIR: dir, EVENTSTORE_URL: double.url, LOG_LEVEL: 'silent' }, PROJECT_ROOT),
          ),
        ),
      ),
    );
  });
  afterEach(async () => {
    await Promise.all(runtimes.map((runtime) => runtime.store.close()));
    await double.stop();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('import the reference story once between them and answer the same', async () => {
    const stored = double.log.stream(`negotiation-${REFERENCE_ID}`) ?? [];
    expect(stored).toHaveLength(referenceLines().length);
    expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
    const answers = await Promise.all(
      runtimes.map((runtime) =>
        request(runtime.app).get(`/negotiations/${REFERENCE_ID}/status`).query({ asOf: '2024-12-27' }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers[1]?.body).toEqual(answers[0]?.body);
    const health = await request(runtimes[0]!.app).get('/health');
    expect(health.body.store).toBe('eventstoredb');
  });
});
