import { initialState, unresolvedInBatch } from '../../src/projections';
import { storyLines, storyLog, viewsAsOf } from '../support/reference-story';

/**
 * The third reference story: the Sri Lanka ceasefire agreement and peace talks, 2002-2008, recorded from the public
 * record (each event cites its reports). Norway facilitates, a Nordic mission verifies, Thailand hosts; the LTTE
 * suspends its participation in 2003 and comes back in 2006; hostilities resume; the government gives notice and the
 * agreement ends on 16 January 2008. As of each date the answers say what the record says.
 */

const FILE = 'sri-lanka-2002-2008.ndjson';
const GOV = 'Government of Sri Lanka';
const LTTE = 'LTTE';

describe('the Sri Lanka ceasefire agreement, 2002-2008', () => {
  let at: (asOf: string) => ReturnType<typeof viewsAsOf>;
  beforeAll(async () => {
    const log = await storyLog(FILE, 'sri-lanka-2002-2008');
    at = (asOf) => viewsAsOf(log, asOf);
  });
  const standing = (asOf: string, party: string) =>
    at(asOf).status.participants.find((p) => p.party === party)?.standing;
  const agreement = (asOf: string) =>
    at(asOf).status.agreements.find((a) => a.agreementId === 'ceasefire-agreement');

  it('names nothing it does not define, and every source cites its report', () => {
    const events = storyLines(FILE).map((l) => ({ ...l.event, id: l.event.id ?? '' }));
    expect(unresolvedInBatch(initialState, events)).toEqual([]);
    const sources = events.flatMap((e) => e.sources);
    expect(sources.every((s) => s.url !== undefined)).toBe(true);
    expect(sources.filter((s) => s.kind !== 'document' && (s.quote ?? s.paraphrase) === undefined)).toEqual(
      [],
    );
  });

  it('before the agreement nothing is known of talks', () => {
    expect(at('2002-01-10').status).toMatchObject({ stage: 'pre-negotiation', activity: 'not-started' });
  });

  it('22 February 2002: signed in two copies, by each party, and not yet in force', () => {
    const { status } = at('2002-02-22');
    expect(agreement('2002-02-22')).toMatchObject({
      status: 'signed',
      signed: { signatories: [GOV, LTTE], signings: 2 },
    });
    expect(status.deal.state).toBe('pending');
    expect(status.roles.map((r) => `${r.party}:${r.role}`).sort()).toEqual([
      'Norway:facilitator',
      'Sri Lanka Monitoring Mission:verifier',
    ]);
  });

  it('23 February 2002: in force from midnight, the ceasefire holding', () => {
    expect(agreement('2002-02-23')?.status).toBe('in-force');
    expect(at('2002-02-23').status).toMatchObject({
      stage: 'interim-agreement',
      deal: { state: 'holding' },
      ground: { situation: 'ceasefire-in-effect' },
    });
  });

  it('September 2002: talks open at a Thai naval base, Thailand hosting', () => {
    const { status } = at('2002-09-17');
    expect(status).toMatchObject({ activity: 'active', venue: { name: 'Sattahip, Thailand' } });
    expect(status.roles).toContainEqual(expect.objectContaining({ party: 'Thailand', role: 'host' }));
  });

  it('April 2003: the LTTE suspends its participation; talks suspended, the deal disrupted, round seven off', () => {
    const { status } = at('2003-04-25');
    expect(standing('2003-04-25', LTTE)).toBe('suspended');
    expect(status).toMatchObject({
      activity: 'suspended',
      activityReason: 'LTTE suspended its participation',
    });
    expect(status.deal.state).toBe('disrupted');
    expect(status.deal.reasons[0]?.reason).toMatch(
      /^LTTE suspended its participation: excluded from the Washington/,
    );
    expect(status.cancelledMeetings.map((m) => m.meetingId)).toEqual(['round-7']);
    expect(status.upcomingTalks).toEqual([]);
    // The agreement itself still stands.
    expect(agreement('2003-04-25')?.status).toBe('in-force');
  });

  it('February 2006: back at the table in Geneva, the deal holding again, a next round set', () => {
    const { status } = at('2006-02-24');
    expect(standing('2006-02-24', LTTE)).toBe('at-table');
    expect(status).toMatchObject({
      activity: 'active',
      venue: { name: 'Geneva' },
      deal: { state: 'holding' },
    });
    expect(status.upcomingTalks.map((t) => t.scheduledFor)).toEqual(['2006-04-19']);
  });

  it('April 2006: the next round called off, talks stalled with the blame named', () => {
    const { status } = at('2006-04-21');
    expect(status.activity).toBe('stalled');
    expect(status.blameClaims).toEqual([expect.objectContaining({ by: LTTE, blames: GOV })]);
    expect(status.cancelledMeetings.map((m) => m.meetingId)).toContain('geneva-2');
  });

  it('August 2006: fighting over Mavil Aru; the agreement formally in force, the deal disrupted', () => {
    const { status } = at('2006-08-15');
    expect(agreement('2006-08-15')?.status).toBe('in-force');
    expect(status.ground.situation).toBe('hostilities');
    expect(status.deal).toMatchObject({ state: 'disrupted', agreementId: 'ceasefire-agreement' });
    expect(status.deal.reasons.map((r) => r.reason).sort()).toEqual([
      `${GOV}: hostilities`,
      `${LTTE}: hostilities`,
    ]);
  });

  it('10 January 2008: notice given, the agreement ends on the 16th', () => {
    expect(at('2008-01-10').status.deadlines).toEqual([
      expect.objectContaining({
        deadlineId: 'cfa-termination',
        deadline: '2008-01-16',
        state: 'pending',
        passed: false,
      }),
    ]);
  });

  it('17 January 2008: the government withdrew; the agreement ended, the monitors gone', () => {
    const { status } = at('2008-01-17');
    expect(agreement('2008-01-17')).toMatchObject({ status: 'terminated', remainingParties: [LTTE] });
    expect(status).toMatchObject({ stage: 'agreement-ended', deal: { state: 'party-withdrew' } });
    expect(status.deal.reasons[0]?.reason).toMatch(
      /^Government of Sri Lanka withdrew from ceasefire-agreement/,
    );
    expect(status.roles.map((r) => r.party)).not.toContain('Sri Lanka Monitoring Mission');
    expect(status.formerRoles).toContainEqual(
      expect.objectContaining({ party: 'Sri Lanka Monitoring Mission' }),
    );
    expect(status.ground.ceasefires[0]).toMatchObject({ ceasefireId: 'cfa-ceasefire', state: 'broken-down' });
  });
});
