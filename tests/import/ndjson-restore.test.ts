import * as E from 'fp-ts/Either';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordedFields } from '../../src/domain';
import { restoreRecordedFiles } from '../../src/import';
import { EventStore, createInMemoryEventStore, findChainBreak } from '../../src/store';
import { manualClock, unwrap, unwrapLeft } from '../support/builders';
import { REFERENCE_ID, referenceLines } from '../support/reference-story';

/** Given the reference story recorded in one store and exported with its recording, restoring it elsewhere... */
describe('restoring an export --with-recording', () => {
  const work = mkdtempSync(join(tmpdir(), 'tracker-restore-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const recordedStory = async (): Promise<{ store: EventStore; file: string; text: string }> => {
    const store = createInMemoryEventStore(manualClock('2025-03-01T12:00:00.000Z'));
    const lines = referenceLines();
    // Two appends, so the restored log has more than one recording batch.
    for (const part of [lines.slice(0, 20), lines.slice(20)])
      unwrap(
        await store.append({
          negotiationId: REFERENCE_ID,
          events: part.map((line) => ({ ...line.event, id: line.event.id ?? '' })),
          expectedRevision: { kind: 'any' },
          recordedBy: 'original-recorder',
        })(),
      );
    const events = unwrap(await store.readAll()());
    const text = events.map((event) => JSON.stringify(recordedFields(event))).join('\n') + '\n';
    const file = join(work, `story-${Math.random().toString(36).slice(2)}.ndjson`);
    writeFileSync(file, text);
    return { store, file, text };
  };

  it('gives an empty store the same events with the same ids, revisions, clocks and hashes', async () => {
    const { store, file } = await recordedStory();
    const target = createInMemoryEventStore(manualClock('2030-01-01T00:00:00.000Z'));
    const progress: Array<[number, number]> = [];
    const summary = unwrap(
      await restoreRecordedFiles(target, [file], (done, total) => progress.push([done, total])),
    );
    expect(summary).toEqual({ files: 1, events: 59, negotiations: 1 });
    const original = unwrap(await store.readStream(REFERENCE_ID)()).map(recordedFields);
    const restored = unwrap(await target.readStream(REFERENCE_ID)());
    expect(restored.map(recordedFields)).toEqual(original);
    expect(findChainBreak(restored)).toBeUndefined();
    // The target's clock played no part: the recording times are the original ones.
    expect(new Set(restored.map((e) => e.recordedAt))).toEqual(new Set(['2025-03-01T12:00:00.000Z']));
    expect(progress[0]).toEqual([0, 59]);
    expect(progress[progress.length - 1]).toEqual([59, 59]);
  });

  it('refuses a store that already holds events, writing nothing', async () => {
    const { store, file } = await recordedStory();
    const before = unwrap(await store.readAll()()).length;
    expect(unwrapLeft(await restoreRecordedFiles(store, [file]))).toEqual({
      _tag: 'StoreNotEmpty',
      negotiations: 1,
      events: 59,
    });
    expect(unwrap(await store.readAll()())).toHaveLength(before);
  });

  it('refuses an altered event, a missing one and a forged recording, naming the line, writing nothing', async () => {
    const { text } = await recordedStory();
    const lines = text.trim().split('\n');
    const cases: Array<{ name: string; lines: string[]; line: number; reason: string }> = [
      {
        name: 'altered',
        lines: lines.map((l, i) => (i === 30 ? l.replace('"reportedAt":"202', '"reportedAt":"201') : l)),
        line: 31,
        reason: 'hash-mismatch',
      },
      { name: 'missing', lines: lines.filter((_, i) => i !== 10), line: 11, reason: 'revision-gap' },
      {
        name: 'forged',
        lines: lines.map((l, i) => (i === 5 ? l.replace('original-recorder', 'someone-else') : l)),
        line: 6,
        reason: 'hash-mismatch',
      },
    ];
    for (const bad of cases) {
      const file = join(work, `${bad.name}.ndjson`);
      writeFileSync(file, bad.lines.join('\n'));
      const target = createInMemoryEventStore();
      const refused = await restoreRecordedFiles(target, [file]);
      expect(E.isLeft(refused) && refused.left).toEqual(
        expect.objectContaining({ _tag: 'ChainMismatch', file, line: bad.line, reason: bad.reason }),
      );
      expect(unwrap(await target.listStreams()())).toEqual([]);
    }
  });

  it('refuses lines that are not recorded events, naming each', async () => {
    const file = join(work, 'plain.ndjson');
    writeFileSync(file, `${JSON.stringify(referenceLines()[0]?.event)}\nnot json\n`);
    const refused = unwrapLeft(await restoreRecordedFiles(createInMemoryEventStore(), [file]));
    expect(refused._tag).toBe('InvalidLines');
    expect(refused._tag === 'InvalidLines' && refused.errors.map((e) => e.line)).toEqual([1, 2]);
  });
});
