import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNewEvent } from '../../src/domain';
import { EventToAppend, createSqliteEventStore } from '../../src/store';
import { manualClock, unwrap } from '../support/builders';
import { development } from '../support/live-app';

describe('the embedded store on disk', () => {
  const work = mkdtempSync(join(tmpdir(), 'tracker-modes-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('creates its folder, its file and the WAL beside it for their owner alone', async () => {
    const dir = join(work, 'data');
    const file = join(dir, 'events.sqlite');
    const store = createSqliteEventStore({ file, clock: manualClock('2025-01-05T08:00:00.000Z') });
    unwrap(
      await store.append({
        negotiationId: 'modes',
        events: [unwrap(decodeNewEvent({ ...development(1), id: randomUUID() })) as EventToAppend],
        expectedRevision: { kind: 'any' },
        recordedBy: 'test',
      })(),
    );
    const modeOf = (path: string) => statSync(path).mode & 0o777;
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(file)).toBe(0o600);
    for (const companion of [`${file}-wal`, `${file}-shm`])
      if (existsSync(companion))
        expect({ companion, mode: modeOf(companion) }).toEqual({ companion, mode: 0o600 });
    expect(existsSync(`${file}-wal`)).toBe(true);
    await store.close();
  });
});
