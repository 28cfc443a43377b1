import * as E from 'fp-ts/Either';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { newEventId } from '../../src/application/event-ids';
import { Runtime, compose } from '../../src/composition';
import { loadConfig } from '../../src/config';
import { NewEvent } from '../../src/domain';
import { Uuid } from '../../src/domain/codecs';
import { ANY_REVISION } from '../../src/store';
import { reported, unwrap } from '../support/builders';

const PROJECT_ROOT = resolve(__dirname, '..', '..');
const versionOf = (id: string) => id[14];

/** Drops the id a test builder gives, so the tracker mints one. */
const withoutId = ({ id: _id, ...event }: NewEvent): NewEvent => event;

describe('minted event ids', () => {
  it('are version 7 UUIDs the domain accepts, each sorting after the one minted before it', () => {
    // Thousands within a few milliseconds: most share their millisecond with others, so order within one
    // millisecond is what is checked, not only the clock.
    const ids = Array.from({ length: 5_000 }, () => newEventId());
    for (const id of ids) {
      expect(E.isRight(Uuid.decode(id))).toBe(true);
      expect(versionOf(id)).toBe('7');
    }
    expect(new Set(ids).size).toBe(ids.length);
    const outOfOrder = ids.findIndex((id, index) => index > 0 && id <= (ids[index - 1] as string));
    expect(outOfOrder).toBe(-1);
    // The first 48 bits (13 characters with the hyphen) are the millisecond: many neighbours share one.
    const sameMillisecond = ids.filter(
      (id, index) => index > 0 && id.slice(0, 13) === ids[index - 1]?.slice(0, 13),
    );
    expect(sameMillisecond.length).toBeGreaterThan(ids.length / 2);
  });
});

describe('the composed tracker', () => {
  let dataDir: string;
  let runtime: Runtime;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tracker-ids-'));
    runtime = await compose(
      unwrap(
        loadConfig({ DATA_DIR: dataDir, IMPORT_REFERENCE_STORY: 'false', LOG_LEVEL: 'silent' }, PROJECT_ROOT),
      ),
    );
  });
  afterEach(async () => {
    await runtime.store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives events sent without an id time-ordered ids, in the order they are recorded, and keeps sent ids', async () => {
    const sentId = '3f2c9a4e-8b1d-4c6f-9e2a-5d7b1c0e4f68';
    const append = (events: readonly NewEvent[]) =>
      runtime.tracker.append({
        negotiationId: 'ids',
        events,
        expectedRevision: ANY_REVISION,
        recordedBy: 'test',
      })();
    unwrap(
      await append([
        withoutId(reported('NegotiationOpened', { title: 'Ids', parties: ['A', 'B'], mediators: ['C'] })),
        withoutId(reported('TalksResumed', { venue: 'Doha' })),
      ]),
    );
    unwrap(await append([reported('TalksResumed', { venue: 'Cairo' }, { id: sentId })]));
    unwrap(await append([withoutId(reported('TalksResumed', { venue: 'Rome' }))]));

    const stored = unwrap(await runtime.store.readStream('ids')());
    expect(stored.map((event) => event.revision)).toEqual([0, 1, 2, 3]);
    expect(stored[2]?.id).toBe(sentId);
    const minted = stored.filter((event) => event.id !== sentId).map((event) => event.id);
    expect(minted.map(versionOf)).toEqual(['7', '7', '7']);
    expect([...minted].sort()).toEqual(minted);
  });
});
