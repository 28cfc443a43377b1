import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventType } from '../../src/domain';
import { ParsedLine, parseNdjson } from '../../src/import';
import { EffectiveLog, effectiveLog, initialState, unresolvedInBatch } from '../../src/projections';
import { createInMemoryEventStore } from '../../src/store';
import { manualClock, unwrap } from '../support/builders';
import { viewsAsOf } from '../support/reference-story';

/**
 * The second reference story: the Northern Ireland peace process, 1994-2007, recorded from the public record.
 * Given the story file, as of each date that ../shared/stories/northern-ireland.md lists, the status, the issues
 * and the phases say what that date's answer says.
 */

const STORY_FILE = join(__dirname, '..', '..', 'events', 'northern-ireland-1994-2007.ndjson');
const STORY_ID = 'northern-ireland-1994-2007';
const IICD = 'Independent International Commission on Decommissioning';

const storyLines = (): ParsedLine[] => unwrap(parseNdjson(readFileSync(STORY_FILE, 'utf8')));

/** The story appended (in file order) to a fresh in-memory store, as its effective log. */
const storyLog = async (): Promise<EffectiveLog> => {
  const store = createInMemoryEventStore(manualClock('2026-01-01T00:00:00.000Z'));
  unwrap(
    await store.append({
      negotiationId: STORY_ID,
      events: storyLines().map((line) => ({ ...line.event, id: line.event.id ?? '' })),
      expectedRevision: { kind: 'no-stream' },
      recordedBy: 'test',
    })(),
  );
  return effectiveLog(unwrap(await store.readStream(STORY_ID)()));
};

/** The id of the story's one development of a type on a day. */
const idOf = (type: EventType, occurredAt: string): string => {
  const found = storyLines().filter((l) => l.event.type === type && l.event.occurredAt === occurredAt);
  if (found.length !== 1) throw new Error(`expected one ${type} on ${occurredAt}, found ${found.length}`);
  return found[0]?.event.id ?? '';
};

describe('the Northern Ireland peace process, 1994-2007', () => {
  let log: EffectiveLog;
  beforeAll(async () => {
    log = await storyLog();
  });

  const at = (asOf: string) => viewsAsOf(log, asOf);
  const standingOf = (asOf: string, party: string) =>
    at(asOf).status.participants.find((p) => p.party === party)?.standing;
  const ceasefire = (asOf: string, ceasefireId: string) =>
    at(asOf).status.ground.ceasefires.find((c) => c.ceasefireId === ceasefireId);
  const phase = (asOf: string, phaseId: string) => {
    const found = at(asOf).phases.phases.find((p) => p.phaseId === phaseId);
    if (found === undefined) throw new Error(`no phase ${phaseId} as of ${asOf}`);
    return found;
  };
  const agreement = (asOf: string, agreementId: string) =>
    at(asOf).status.agreements.find((a) => a.agreementId === agreementId);
  const decommissioning = (asOf: string) =>
    at(asOf).issues.issues.find((i) => i.issueId === 'decommissioning');
  const deadline = (asOf: string) =>
    at(asOf).status.deadlines.find((d) => d.deadlineId === 'decommissioning-by-may-2000');

  describe('the story file', () => {
    it('decodes line by line, one negotiation, unique ids', () => {
      const lines = storyLines();
      expect(lines.length).toBeGreaterThanOrEqual(40);
      expect(new Set(lines.map((l) => l.event.negotiationId))).toEqual(new Set([STORY_ID]));
      expect(new Set(lines.map((l) => l.event.id)).size).toBe(lines.length);
    });

    it('leaves no reference unresolved, and strict mode would take every line', () => {
      expect(at('2007-05-09').status.unresolvedReferences).toEqual([]);
      // A restored ceasefire is declared again: it was defined from its first declaration.
      const events = storyLines().map((l) => ({ ...l.event, id: l.event.id ?? '' }));
      expect(unresolvedInBatch(initialState, events)).toEqual([]);
    });

    it('invents no words: each source quotes verbatim, paraphrases, or is a document', () => {
      const sources = storyLines().flatMap((l) => l.event.sources);
      const unsupported = sources.filter(
        (s) => s.kind !== 'document' && (s.quote ?? s.paraphrase ?? '').length === 0,
      );
      expect(unsupported).toEqual([]);
      expect(sources.every((s) => s.quote === undefined || s.paraphrase === undefined)).toBe(true);
      // Only exact public phrases are quoted; everything else is marked as a paraphrase.
      expect(sources.filter((s) => s.quote !== undefined).map((s) => s.quote)).toEqual([
        'complete cessation of military operations',
        'formally ordered an end to the armed campaign',
      ]);
    });
  });

  describe('as of 1996-06-11: talks open at Stormont without Sinn Féin', () => {
    it('is negotiating at Stormont, chaired by George Mitchell', () => {
      const { status } = at('1996-06-11');
      expect(status.stage).toBe('negotiating');
      expect(status.venue?.name).toBe('Stormont, Belfast');
      expect(status.roles).toEqual([expect.objectContaining({ party: 'George Mitchell', role: 'chair' })]);
    });
    it('has the governments and the elected parties at the table, Sinn Féin excluded for want of a ceasefire', () => {
      const { status } = at('1996-06-11');
      const atTable = status.participants.filter((p) => p.standing === 'at-table').map((p) => p.party);
      expect(atTable).toEqual(
        expect.arrayContaining(['British Government', 'Irish Government', 'UUP', 'SDLP', 'DUP', 'UKUP']),
      );
      expect(atTable).not.toContain('Sinn Féin');
      expect(status.participants.find((p) => p.party === 'Sinn Féin')).toMatchObject({
        standing: 'excluded',
        reason: expect.stringContaining('no IRA ceasefire'),
      });
    });
    it('has no IRA ceasefire in effect: it broke down with Canary Wharf, while the loyalist one holds', () => {
      const { status } = at('1996-06-11');
      expect(ceasefire('1996-06-11', 'ira-ceasefire')).toMatchObject({
        state: 'broken-down',
        since: { occurredAt: '1996-02-09' },
      });
      expect(ceasefire('1996-06-11', 'clmc-ceasefire')?.state).toBe('in-effect');
      expect(status.ground.situation).toBe('hostilities');
      expect(status.ground.actors.find((a) => a.actor === 'IRA')?.posture).toBe('hostilities');
    });
  });

  describe('as of 1997-09-16: Sinn Féin in the talks, the IRA ceasefire restored', () => {
    it('has Sinn Féin at the table, after affirming the Mitchell Principles; the DUP and UKUP gone', () => {
      const { status } = at('1997-09-16');
      expect(status.participants.find((p) => p.party === 'Sinn Féin')).toMatchObject({
        standing: 'at-table',
        since: { occurredAt: '1997-09-15' },
      });
      expect(
        status.conditions.commitments.find((c) => c.commitmentId === 'mitchell-principles'),
      ).toMatchObject({ parties: ['Sinn Féin'], made: { occurredAt: '1997-09-09' } });
      expect(standingOf('1997-09-16', 'DUP')).toBe('left');
      expect(standingOf('1997-09-16', 'UKUP')).toBe('left');
      expect(status.stage).toBe('negotiating');
    });
    it('has the IRA ceasefire in effect again, declared a second time', () => {
      expect(ceasefire('1997-09-16', 'ira-ceasefire')).toMatchObject({
        state: 'in-effect',
        declarations: 2,
        since: { occurredAt: '1997-07-20' },
      });
      expect(at('1997-09-16').status.ground.situation).toBe('ceasefire-in-effect');
    });
  });

  describe('as of 1998-04-11: the Agreement reached, the referendums ahead', () => {
    it('awaits ratification by the two referendums', () => {
      const { status } = at('1998-04-11');
      expect(status.stage).toBe('awaiting-ratification');
      expect(agreement('1998-04-11', 'belfast-agreement')).toMatchObject({
        kind: 'comprehensive',
        status: 'agreed',
        awaitingRatificationBy: ['Northern Ireland referendum', 'Republic of Ireland referendum'],
      });
    });
    it('has no implementation started: both phases blocked, the shadow Assembly on the referendums', () => {
      const { phases } = at('1998-04-11');
      expect(phases.phases.map((p) => [p.phaseId, p.state])).toEqual([
        ['shadow-assembly', 'blocked'],
        ['devolution', 'blocked'],
      ]);
      expect(phases.phases.every((p) => p.started === undefined)).toBe(true);
      expect(phase('1998-04-11', 'shadow-assembly').blocking.map((b) => b.prerequisite.kind)).toEqual([
        'ratified-by',
        'ratified-by',
      ]);
    });
  });

  describe('as of 1998-05-23: ratified North and South', () => {
    it('is in force, approved by both referendums with their votes', () => {
      const { status } = at('1998-05-23');
      const belfast = agreement('1998-05-23', 'belfast-agreement');
      expect(belfast?.status).toBe('in-force');
      expect(belfast?.awaitingRatificationBy).toEqual([]);
      expect(belfast?.ratifications.map((r) => [r.body, r.outcome, r.yesPercent])).toEqual([
        ['Northern Ireland referendum', 'approved', 71.1],
        ['Republic of Ireland referendum', 'approved', 94.4],
      ]);
      expect(status.stage).toBe('agreement-in-force');
    });
    it('has the institutions not yet in operation: the shadow Assembly ready, devolution blocked', () => {
      expect(phase('1998-05-23', 'shadow-assembly').state).toBe('ready');
      const devolution = phase('1998-05-23', 'devolution');
      expect(devolution.state).toBe('blocked');
      expect(devolution.blocking.map((b) => b.description)).toContain('shadow-assembly started');
    });
  });

  describe('as of 1999-12-03: devolution', () => {
    it('has the institutions of all three strands in operation', () => {
      const { status } = at('1999-12-03');
      expect(status.stage).toBe('implementing');
      expect(phase('1999-12-03', 'devolution')).toMatchObject({
        state: 'in-progress',
        started: { occurredAt: '1999-12-02' },
      });
      expect(phase('1999-12-03', 'shadow-assembly').state).toBe('completed');
    });
    it('has decommissioning open, left by the Agreement to implementation, and due by May 2000', () => {
      const issue = decommissioning('1999-12-03');
      expect(issue?.state).not.toBe('resolved');
      expect(issue?.blocks).toEqual(['devolution']);
      expect(deadline('1999-12-03')).toMatchObject({
        state: 'pending',
        deadline: '2000-05-22',
        passed: false,
        concerns: { issueId: 'decommissioning' },
      });
    });
  });

  describe('as of 2000-02-12: the first suspension', () => {
    it('has devolution suspended over decommissioning, the Agreement still in force', () => {
      const { status } = at('2000-02-12');
      const devolution = phase('2000-02-12', 'devolution');
      expect(devolution.state).toBe('suspended');
      expect(devolution.suspensions.at(-1)).toMatchObject({
        reason: expect.stringContaining('decommissioning'),
        issueIds: ['decommissioning'],
        suspended: { occurredAt: '2000-02-11' },
      });
      expect(status.stage).toBe('implementation-suspended');
      expect(agreement('2000-02-12', 'belfast-agreement')?.status).toBe('in-force');
    });
  });

  describe('as of 2000-05-31: restored, the deadline gone by', () => {
    it('has devolution restored, the decommissioning deadline passed and decommissioning still open', () => {
      const devolution = phase('2000-05-31', 'devolution');
      expect(devolution.state).toBe('in-progress');
      expect(devolution.suspensions.at(-1)?.resumed?.occurredAt).toBe('2000-05-30');
      expect(at('2000-05-31').status.stage).toBe('implementing');
      expect(deadline('2000-05-31')).toMatchObject({ state: 'pending', passed: true });
      expect(decommissioning('2000-05-31')?.state).not.toBe('resolved');
    });
  });

  describe('as of 2002-10-15: suspended again', () => {
    it('has devolution suspended a second time and direct rule back', () => {
      const devolution = phase('2002-10-15', 'devolution');
      expect(devolution.state).toBe('suspended');
      expect(devolution.suspensions.map((s) => s.suspended.occurredAt)).toEqual(['2000-02-11', '2002-10-14']);
      expect(at('2002-10-15').status.stage).toBe('implementation-suspended');
    });
    it('has the IICD report of a first act of decommissioning, only partly verifying it', () => {
      expect(at('2002-10-15').status.conditions.verifications).toEqual([
        expect.objectContaining({ body: IICD, subject: 'ira-decommissioning', outcome: 'partly-verified' }),
      ]);
      expect(decommissioning('2002-10-15')?.state).toBe('narrowed');
    });
  });

  describe('as of 2005-09-27: decommissioning complete', () => {
    it('has decommissioning resolved, verified by the IICD, with the report as evidence', () => {
      const { status } = at('2005-09-27');
      expect(status.conditions.verifications).toEqual([
        expect.objectContaining({
          body: IICD,
          subject: 'ira-decommissioning',
          outcome: 'verified',
          reports: 2,
          evidence: expect.objectContaining({
            eventId: idOf('VerificationReported', '2005-09-26'),
            occurredAt: '2005-09-26',
          }),
        }),
      ]);
      expect(decommissioning('2005-09-27')).toMatchObject({
        state: 'resolved',
        stateSince: { eventId: idOf('IssueResolved', '2005-09-26') },
        blocks: [],
      });
    });
    it('has the IRA campaign ended, its ceasefire still in effect', () => {
      const { status } = at('2005-09-27');
      expect(status.ground.actors.find((a) => a.actor === 'IRA')).toMatchObject({
        posture: 'campaign-ended',
        since: { occurredAt: '2005-07-28' },
      });
      expect(ceasefire('2005-09-27', 'ira-ceasefire')?.state).toBe('in-effect');
    });
  });

  describe('as of 2006-10-14: the St Andrews timetable', () => {
    it('has restoring devolution await its two named conditions', () => {
      const restore = phase('2006-10-14', 'restore-devolution');
      expect(restore.state).toBe('blocked');
      expect(restore.agreementId).toBe('st-andrews-agreement');
      expect(restore.blocking.map((b) => b.description)).toEqual([
        'DUP acceptance of power-sharing with Sinn Féin',
        'Sinn Féin support for policing (the PSNI)',
      ]);
      expect(restore.startBy).toBe('2007-03-26');
      expect(restore.startMissed).toBe(false);
    });
    it('still has devolution suspended, under two agreements in force', () => {
      const { status } = at('2006-10-14');
      expect(status.stage).toBe('implementation-suspended');
      expect(phase('2006-10-14', 'devolution').state).toBe('suspended');
      expect(status.agreements.map((a) => [a.agreementId, a.status])).toEqual([
        ['belfast-agreement', 'in-force'],
        ['st-andrews-agreement', 'in-force'],
      ]);
    });
  });

  describe('as of 2007-05-09: power shared again', () => {
    it('has devolution restored', () => {
      const { status } = at('2007-05-09');
      expect(status.stage).toBe('implementing');
      expect(phase('2007-05-09', 'devolution')).toMatchObject({ state: 'in-progress' });
      expect(phase('2007-05-09', 'devolution').suspensions.map((s) => s.resumed?.occurredAt)).toEqual([
        '2000-05-30',
        '2007-05-08',
      ]);
      expect(phase('2007-05-09', 'restore-devolution')).toMatchObject({
        state: 'in-progress',
        started: { occurredAt: '2007-05-08' },
      });
      expect(standingOf('2007-05-09', 'DUP')).toBe('at-table');
    });
    it('has every condition met, each with its evidence', () => {
      const restore = phase('2007-05-09', 'restore-devolution');
      expect(restore.blocking).toEqual([]);
      expect(restore.prerequisites.map((p) => [p.description, p.met, p.since?.eventId])).toEqual([
        ['DUP acceptance of power-sharing with Sinn Féin', true, idOf('ComplianceAssessed', '2007-03-26')],
        ['Sinn Féin support for policing (the PSNI)', true, idOf('ComplianceAssessed', '2007-01-28')],
      ]);
    });
    it('says the restoration came later than the St Andrews date of 26 March', () => {
      expect(phase('2007-05-09', 'restore-devolution').startMissed).toBe(true);
    });
  });

  it('says whether the Agreement holds: pending, holding, disrupted while devolution is suspended, holding again', () => {
    const deal = (asOf: string) => at(asOf).status.deal;
    expect(deal('1998-04-11')).toMatchObject({ state: 'pending', agreementId: 'belfast-agreement' });
    expect(deal('1999-12-03')).toMatchObject({
      state: 'holding',
      agreementId: 'belfast-agreement',
      reasons: [],
    });
    expect(deal('2002-10-15')).toMatchObject({
      state: 'disrupted',
      reasons: [
        { reason: 'phase devolution suspended', evidence: { eventId: idOf('PhaseSuspended', '2002-10-14') } },
      ],
    });
    expect(deal('2007-05-09')).toMatchObject({ state: 'holding', reasons: [] });
  });

  it('orders the same day as reported: on 1999-12-02 the shadow period ends before devolution starts', () => {
    const before = viewsAsOf(log, '1999-12-02');
    expect(phase('1999-12-02', 'devolution').state).toBe('in-progress');
    expect(before.status.lastDevelopment?.eventId).toBe(idOf('PhaseStarted', '1999-12-02'));
  });
});
