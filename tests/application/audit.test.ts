import { historyPage } from '../../src/application/audit';
import { Moment, diffBetween, momentOf } from '../../src/projections';
import { StoredEvent } from '../../src/domain';
import { createInMemoryEventStore } from '../../src/store';
import { manualClock, reported, unwrap } from '../support/builders';
import { REFERENCE_ID, referenceLines, referenceLog } from '../support/reference-story';

const recordedStory = async (): Promise<StoredEvent[]> => {
  const store = createInMemoryEventStore(manualClock('2025-02-01T10:00:00.000Z'));
  for (const line of referenceLines())
    unwrap(
      await store.append({
        negotiationId: REFERENCE_ID,
        events: [{ ...line.event, id: line.event.id ?? '' }],
        expectedRevision: { kind: 'any' },
        recordedBy: 'auditor-test',
      })(),
    );
  return [...unwrap(await store.readStream(REFERENCE_ID)())];
};

describe('the audit history of the reference story', () => {
  let stream: StoredEvent[];
  beforeAll(async () => {
    stream = await recordedStory();
  });

  it('lists every event in recorded order with who recorded it, when, and a verified hash', () => {
    const history = historyPage(stream, 0, stream.length);
    expect(history.map((h) => h.revision)).toEqual(stream.map((_, i) => i));
    expect(
      history.every((h) => h.recordedBy === 'auditor-test' && h.recordedAt === '2025-02-01T10:00:00.000Z'),
    ).toBe(true);
    expect(history.every((h) => h.verification.hashMatchesContent && h.verification.chainsToPrevious)).toBe(
      true,
    );
  });

  it('says what each event changed: the December recall turns the Israeli delegation into a recalled one', () => {
    const history = historyPage(stream, 0, stream.length);
    const recall = history.find((h) => h.type === 'DelegationRecalled');
    expect(recall?.changes).toContainEqual({
      section: 'status',
      path: 'status.delegation.Israel',
      before: expect.stringContaining('in Doha'),
      after: 'recalled from Doha',
      evidence: recall?.eventId,
    });
    // Every development in the story changes at least one fact, except those only adding context.
    expect(history.filter((h) => h.changes.length > 0).length).toBeGreaterThan(stream.length / 2);
  });

  it('pages from any revision with the same changes as a full replay', () => {
    const full = historyPage(stream, 0, stream.length);
    const page = historyPage(stream, 40, 5);
    expect(page).toEqual(full.slice(40, 45));
  });

  it('flags an event whose content no longer matches its hash, and the chain after an altered hash', () => {
    const tampered = stream.map((e, i) => (i === 10 ? { ...e, summary: 'quietly edited' } : e));
    const history = historyPage(tampered, 0, tampered.length);
    expect(history[10]?.verification).toEqual({ hashMatchesContent: false, chainsToPrevious: true });
    const rehashed = stream.map((e, i) => (i === 10 ? { ...e, hash: 'f'.repeat(64) } : e));
    expect(historyPage(rehashed, 0, rehashed.length)[11]?.verification.chainsToPrevious).toBe(false);
  });
});

const at = (asOf: string): Moment => {
  const moment = momentOf({ asOf }, Date.parse('2026-01-01T00:00:00Z'));
  if (moment._tag === 'Left') throw new Error(`bad moment ${asOf}`);
  return moment.right;
};

describe('the diff between two dates', () => {
  it('names what changed from the July breakthrough to the December recall, and the events responsible', async () => {
    const log = await referenceLog();
    const diff = diffBetween(log, at('2024-07-05'), at('2024-12-27'));
    const byPath = Object.fromEntries(diff.changes.map((c) => [c.path, c]));
    expect(byPath['status.activity']).toMatchObject({ before: 'active', after: 'stalled' });
    expect(byPath['status.delegation.Israel']).toMatchObject({ after: 'recalled from Doha' });
    expect(byPath['issues.prisoner-deportation.state']).toMatchObject({ after: 'open' });
    expect(byPath['issues.prisoner-deportation.state']?.before).toBeUndefined();
    const responsible = new Set(diff.developments.map((d) => d.eventId));
    expect(responsible.has(byPath['status.delegation.Israel']?.evidence ?? '')).toBe(true);
    expect(diff.developments.every((d) => d.occurredAt >= '2024-07-05')).toBe(true);
  });

  it('is empty between a date and itself', async () => {
    const log = await referenceLog();
    expect(diffBetween(log, at('2024-08-09'), at('2024-08-09'))).toEqual({
      changes: [],
      developments: [],
    });
  });
});

describe('the audit history of a report that changes the past', () => {
  it('a retraction that moved the stage for two earlier years shows where it did, though not today', async () => {
    const store = createInMemoryEventStore(manualClock('2025-02-01T10:00:00.000Z'));
    const opened = reported('TalksOpened', { venue: 'Geneva' }, { occurredAt: '2021-01-10' });
    const collapse = reported('TalksCollapsed', { reason: 'walk-out' }, { occurredAt: '2022-06-01' });
    const resumed = reported('TalksResumed', { venue: 'Vienna' }, { occurredAt: '2024-06-01' });
    const retraction = reported(
      'EventRetracted',
      { targetEventId: collapse.id, reason: 'the walk-out was a rumour' },
      { occurredAt: '2025-01-30' },
    );
    for (const event of [opened, collapse, resumed, retraction])
      unwrap(
        await store.append({
          negotiationId: 'n',
          events: [event],
          expectedRevision: { kind: 'any' },
          recordedBy: 't',
        })(),
      );
    const history = historyPage([...unwrap(await store.readStream('n')())], 0, 4);
    const entry = history[3];
    expect(entry?.affectsFrom).toBe('2022-06-01');
    expect(entry?.changes.find((c) => c.path === 'status.stage')).toBeUndefined();
    expect(entry?.changesAsOfAffected).toContainEqual(
      expect.objectContaining({ path: 'status.stage', before: 'collapsed', after: 'negotiating' }),
    );
    // A late report of the collapse itself changed the answers as of its own date.
    expect(history[1]?.changesAsOfAffected).toContainEqual(
      expect.objectContaining({ path: 'status.stage', before: 'negotiating', after: 'collapsed' }),
    );
  });
});
