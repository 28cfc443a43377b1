import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endOfDateOrDateTime } from '../../src/domain';
import { effectiveLog, issuesView, phasesView, stateAsOf, statusView } from '../../src/projections';
import { createSqliteEventStore } from '../../src/store';
import { unwrap } from '../support/builders';

/**
 * A store file written by the version before the model in slices (commit afed99e, see tests/fixtures), with the
 * answers that version's CLI gave. Events already stored never change: the file must open and every fact it
 * answered then must be answered the same now (new fields may be added beside them).
 */
const FIXTURE = join(__dirname, '..', 'fixtures', 'store-from-main');

describe('a store file written by the previous version', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'store-from-main-'));
    copyFileSync(join(FIXTURE, 'events.sqlite'), join(dir, 'events.sqlite'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens and gives the same answers for Gaza at every date it was asked', async () => {
    const expected = JSON.parse(readFileSync(join(FIXTURE, 'answers.json'), 'utf8')) as Record<
      string,
      { revision: number; status?: unknown; issues?: unknown; phases?: unknown }
    >;
    const store = createSqliteEventStore({ file: join(dir, 'events.sqlite') });
    try {
      const stream = unwrap(await store.readStream('gaza-ceasefire-2024')());
      expect(stream).toHaveLength(59);
      const log = effectiveLog(stream);
      const keys = Object.keys(expected);
      expect(keys.length).toBe(24);
      for (const key of keys) {
        const [view, asOf] = key.split(' ') as ['status' | 'issues' | 'phases', string];
        const result = stateAsOf(log, { asOf });
        const asOfMs = endOfDateOrDateTime(asOf);
        const answer =
          view === 'status'
            ? statusView(result, asOfMs)
            : view === 'issues'
              ? issuesView(result, true)
              : phasesView(result, asOfMs);
        const old = expected[key];
        expect(old?.revision).toBe(58);
        expect({ key, answer }).toMatchObject({ key, answer: old?.[view] as object });
      }
    } finally {
      await store.close();
    }
  });
});
