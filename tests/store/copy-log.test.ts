import { recordedFields } from '../../src/domain';
import { EventStore, copyLog, createInMemoryEventStore, verifyCopy } from '../../src/store';
import { manualClock, reported, unwrap, unwrapLeft } from '../support/builders';

/** Given a log recorded over time in one store, a copy holds the same events, recordings and order. */
const stalled = (reason: string) => reported('TalksStalled', { reason });

const recordedLog = async (): Promise<EventStore> => {
  const clock = manualClock('2024-07-01T00:00:00.000Z');
  const store = createInMemoryEventStore(clock);
  const append = async (negotiationId: string, reasons: string[], recordedBy: string) => {
    clock.advance(86_400_000);
    unwrap(
      await store.append({
        negotiationId,
        events: reasons.map(stalled),
        expectedRevision: { kind: 'any' },
        recordedBy,
      })(),
    );
  };
  await append('doha', ['d0', 'd1'], 'analyst');
  await append('cairo', ['c0'], 'editor');
  await append('doha', ['d2'], 'editor');
  await append('cairo', ['c1', 'c2', 'c3'], 'analyst');
  return store;
};

const everything = async (store: EventStore) => unwrap(await store.readAll()());

describe('copying a log between stores', () => {
  it('writes every event as recorded, in the same global order, and verifies the copy', async () => {
    const source = await recordedLog();
    const target = createInMemoryEventStore(manualClock('2030-01-01T00:00:00.000Z'));
    const progress: number[] = [];
    const summary = unwrap(
      await copyLog(source, target, { batchSize: 2, onProgress: (done) => progress.push(done) }),
    );
    expect(summary).toEqual({ negotiations: 2, copied: 7, alreadyThere: 0 });
    expect(progress.at(-1)).toBe(7);
    expect((await everything(target)).map(recordedFields)).toEqual(
      (await everything(source)).map(recordedFields),
    );
    expect(unwrap(await verifyCopy(source, target))).toEqual({ negotiations: 2, events: 7 });
  });

  it('copies nothing twice when run again, and finishes a copy that stopped half way', async () => {
    const source = await recordedLog();
    const target = createInMemoryEventStore(manualClock());
    const [first, second] = unwrap(await source.readStream('doha')());
    unwrap(
      await target.appendRecorded({ negotiationId: 'doha', events: [first!, second!].map(recordedFields) })(),
    );
    expect(unwrap(await copyLog(source, target))).toEqual({ negotiations: 2, copied: 5, alreadyThere: 2 });
    expect(unwrap(await copyLog(source, target))).toEqual({ negotiations: 2, copied: 0, alreadyThere: 7 });
    expect(await everything(target)).toHaveLength(7);
    expect(unwrap(await verifyCopy(source, target)).events).toBe(7);
  });

  it('refuses to copy over another history of the same negotiation', async () => {
    const source = await recordedLog();
    const target = createInMemoryEventStore(manualClock());
    unwrap(
      await target.append({
        negotiationId: 'doha',
        events: [stalled('written in the target')],
        expectedRevision: { kind: 'any' },
        recordedBy: 'someone',
      })(),
    );
    expect(unwrapLeft(await copyLog(source, target))).toEqual({
      _tag: 'Diverged',
      negotiationId: 'doha',
      reason: 'revision 0 differs from the source',
    });
  });

  it('finds a target that is missing events, or holds them in another global order', async () => {
    const source = await recordedLog();
    const incomplete = createInMemoryEventStore(manualClock());
    unwrap(await copyLog(source, incomplete));
    unwrap(
      await incomplete.append({
        negotiationId: 'extra',
        events: [stalled('not in the source')],
        expectedRevision: { kind: 'any' },
        recordedBy: 'x',
      })(),
    );
    expect(unwrap(await verifyCopy(source, incomplete)).events).toBe(7);

    const reordered = createInMemoryEventStore(manualClock());
    for (const negotiationId of ['cairo', 'doha'])
      unwrap(
        await reordered.appendRecorded({
          negotiationId,
          events: unwrap(await source.readStream(negotiationId)()).map(recordedFields),
        })(),
      );
    expect(unwrapLeft(await verifyCopy(source, reordered))).toMatchObject({
      _tag: 'Mismatched',
      mismatches: [{ reason: expect.stringMatching(/global order/) }],
    });

    const partial = createInMemoryEventStore(manualClock());
    unwrap(
      await partial.appendRecorded({
        negotiationId: 'doha',
        events: unwrap(await source.readStream('doha')()).map(recordedFields),
      })(),
    );
    expect(unwrapLeft(await verifyCopy(source, partial))).toMatchObject({
      _tag: 'Mismatched',
      mismatches: [{ negotiationId: 'cairo' }],
    });
  });
});
