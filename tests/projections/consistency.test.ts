import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNdjson } from '../../src/import';
import { EffectiveLog, inconsistenciesInBatch, stateAsOf } from '../../src/projections';
import { createInMemoryEventStore } from '../../src/store';
import { manualClock, unwrap } from '../support/builders';
import { given, on } from '../support/given';

/** The developments the log's own state contradicts: warned at append, never silently taken as they come. */

const PARTIES = ['North', 'South'];
const opened = on('2020-01-01', 'NegotiationOpened', { title: 'Talks', parties: PARTIES, mediators: [] });
const talks = on('2020-01-10', 'TalksOpened', { venue: 'Geneva' });
const deal = on('2020-03-01', 'AgreementReached', {
  agreementId: 'accord',
  scope: 'framework',
  parties: PARTIES,
  phases: [{ phaseId: 'first', name: 'Phase 1', order: 1, provisions: [], prerequisites: [] }],
});

const judge = (story: ReturnType<typeof given>, ...batch: ReturnType<typeof on>[]) =>
  inconsistenciesInBatch(
    (asOf) => story.stateAt(asOf),
    batch.map((event, index) => ({ ...event, id: event.id ?? `batch-${index}` })),
  );

describe('consistency of a new development with the log', () => {
  it('warns when talks resume that were active, not once they had stalled (in the log or the batch)', () => {
    const story = given(opened, talks);
    const resumed = on('2020-02-01', 'TalksResumed', { venue: 'Vienna' });
    expect(judge(story, resumed)).toEqual([
      {
        field: 'events.0.type',
        reason: 'resumes talks that were not stalled, suspended or collapsed (active since 2020-01-10)',
      },
    ]);
    const stalled = on('2020-01-20', 'TalksStalled', { reason: 'deadlock' });
    expect(judge(given(opened, talks, stalled), resumed)).toEqual([]);
    expect(judge(story, stalled, resumed)).toEqual([]);
    // Developments of one day judged in turn: the second resumption that day finds the talks already running.
    const sameDay = [
      on('2020-02-01', 'TalksStalled', { reason: 'deadlock' }),
      on('2020-02-01', 'TalksResumed', { venue: 'Vienna' }),
      on('2020-02-01', 'TalksResumed', { venue: 'Geneva' }),
    ];
    expect(judge(story, ...sameDay).map((w) => w.field)).toEqual(['events.2.type']);
    // Judged as of its own date: a stall recorded for a later date does not excuse an earlier resumption.
    const lateStall = on('2020-03-01', 'TalksStalled', { reason: 'deadlock' });
    expect(judge(given(opened, talks, lateStall), resumed)).toHaveLength(1);
  });

  it('warns when a phase resumes that is not suspended', () => {
    const started = on('2020-03-05', 'PhaseStarted', { phaseId: 'first' });
    const resumed = on('2020-04-01', 'PhaseResumed', { phaseId: 'first' });
    expect(judge(given(opened, talks, deal, started), resumed)).toEqual([
      { field: 'events.0.payload.phaseId', reason: 'resumes phase "first", which is not suspended' },
    ]);
    const suspended = on('2020-03-20', 'PhaseSuspended', { phaseId: 'first', reason: 'violations' });
    expect(judge(given(opened, talks, deal, started, suspended), resumed)).toEqual([]);
  });

  it('warns of a withdrawal by a non-party and of a second withdrawal by the same party', () => {
    const story = given(opened, talks, deal);
    const byEast = on('2020-05-01', 'PartyWithdrewFromAgreement', { agreementId: 'accord', party: 'East' });
    expect(judge(story, byEast)).toEqual([
      {
        field: 'events.0.payload.party',
        reason: '"East" is not a party to agreement "accord" (its parties: North, South)',
      },
    ]);
    const byNorth = on('2020-05-01', 'PartyWithdrewFromAgreement', { agreementId: 'accord', party: 'North' });
    expect(judge(story, byNorth)).toEqual([]);
    const again = on('2020-06-01', 'PartyWithdrewFromAgreement', { agreementId: 'accord', party: 'North' });
    expect(judge(given(opened, talks, deal, byNorth), again)).toEqual([
      {
        field: 'events.0.payload.party',
        reason: '"North" already withdrew from agreement "accord" (2020-05-01)',
      },
    ]);
  });
});

describe('the reference stories', () => {
  it.each(['gaza-ceasefire-2024.ndjson', 'northern-ireland-1994-2007.ndjson', 'sri-lanka-2002-2008.ndjson'])(
    '%s: no development contradicts the log before it',
    async (file) => {
      const lines = unwrap(parseNdjson(readFileSync(join(__dirname, '..', '..', 'events', file), 'utf8')));
      const store = createInMemoryEventStore(manualClock('2030-01-01T00:00:00.000Z'));
      unwrap(
        await store.append({
          negotiationId: 'story',
          events: lines.map((line) => ({ ...line.event, id: line.event.id ?? '' })),
          expectedRevision: { kind: 'no-stream' },
          recordedBy: 'test',
        })(),
      );
      const stored = unwrap(await store.readStream('story')());
      const findings = stored.flatMap((event, index) => {
        const before = new EffectiveLog();
        stored.slice(0, index).forEach((earlier) => before.record(earlier));
        return inconsistenciesInBatch((asOf) => stateAsOf(before, { asOf }).state, [event]).map(
          (finding) => `${event.id}: ${finding.reason}`,
        );
      });
      expect(findings).toEqual([]);
    },
  );
});
