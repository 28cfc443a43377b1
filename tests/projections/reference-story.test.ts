import { EffectiveLog } from '../../src/projections';
import { referenceLines, referenceLog, viewsAsOf } from '../support/reference-story';

/**
 * Given the reference story (five articles, July 2024 to January 2025), as of each date the status, the open
 * issues and the readiness of phase 1 are what the articles say.
 */
describe('the reference story: where the Gaza cease-fire talks stood', () => {
  let log: EffectiveLog;
  beforeAll(async () => {
    log = await referenceLog();
  });

  const delegationsOf = (asOf: string) =>
    viewsAsOf(log, asOf)
      .status.delegations.map((d) => `${d.party}@${d.venue}`)
      .sort();
  const openIssueIds = (asOf: string) =>
    viewsAsOf(log, asOf)
      .issues.issues.map((i) => i.issueId)
      .sort();
  const stanceOf = (asOf: string, party: string) =>
    viewsAsOf(log, asOf).status.latestProposal?.stanceList.find((s) => s.party === party)?.stance;
  const phaseOne = (asOf: string) => viewsAsOf(log, asOf).phases.phases.find((p) => p.phaseId === 'phase-1');

  it('every line of the story file is a valid, sourced event', () => {
    const lines = referenceLines();
    expect(lines.length).toBeGreaterThanOrEqual(50);
    expect(
      lines.every(
        (l) =>
          l.event.sources.length > 0 &&
          l.event.sources.every((s) => (s.quote ?? s.paraphrase ?? '').length > 0 || s.kind === 'document'),
      ),
    ).toBe(true);
    expect(new Set(lines.map((l) => l.event.id)).size).toBe(lines.length);
  });

  describe('as of 2024-06-20: the May 31 proposal is stuck on Hamas amendments', () => {
    it('the talks are stalled, with no delegations at a venue, and the stall is flagged as vaguely dated', () => {
      const { status } = viewsAsOf(log, '2024-06-20');
      expect(status.stage).toBe('negotiating');
      expect(status.activity).toBe('stalled');
      expect(status.activitySince?.precision).toBe('month');
      expect(status.uncertain.map((e) => e.eventId)).toContain(status.activitySince?.eventId);
      expect(status.venue).toBeUndefined();
      expect(delegationsOf('2024-06-20')).toEqual([]);
    });
    it('the latest proposal is May 31, endorsed, with Hamas asking for amendments', () => {
      const { status } = viewsAsOf(log, '2024-06-20');
      expect(status.latestProposal?.proposalId).toBe('may-31-proposal');
      expect(status.latestProposal?.endorsements.flatMap((e) => e.by)).toContain('UN Security Council');
      expect(stanceOf('2024-06-20', 'Hamas')).toBe('amendments-requested');
    });
    it('the disputes over the permanent truce are open and phase 1 is blocked', () => {
      expect(openIssueIds('2024-06-20')).toEqual([
        'ceasefire-continuation-guarantee',
        'permanent-ceasefire-guarantee',
        'phase-one-talks-scope',
      ]);
      const phase = phaseOne('2024-06-20');
      expect(phase?.state).toBe('blocked');
      expect(phase?.blocking.map((b) => b.description)).toEqual(
        expect.arrayContaining([
          'agreement covering phase-1',
          'Hamas accepts may-31-proposal',
          'Israel accepts may-31-proposal',
        ]),
      );
    });
  });

  describe('as of 2024-07-05: the breakthrough week', () => {
    it('talks are active again in Doha, with U.S. and Israeli (Barnea) teams there', () => {
      const { status } = viewsAsOf(log, '2024-07-05');
      expect(status.activity).toBe('active');
      expect(status.activitySince?.occurredAt).toBe('2024-07-04');
      expect(status.venue?.name).toBe('Doha');
      expect(delegationsOf('2024-07-05')).toEqual(['Israel@Doha', 'United States@Doha']);
      expect(status.delegations.find((d) => d.party === 'Israel')?.head?.name).toBe('David Barnea');
    });
    it('Hamas has accepted the framework, and the U.S. "breakthrough" stands beside the cautious Israeli view', () => {
      const { status } = viewsAsOf(log, '2024-07-05');
      expect(stanceOf('2024-07-05', 'Hamas')).toBe('accepted');
      const byParty = Object.fromEntries(
        status.characterisations.map((c) => [c.by.join('+'), c.characterisation]),
      );
      expect(byParty).toMatchObject({ 'United States': 'breakthrough', Israel: 'cautious' });
      expect(
        status.leaderContacts.some(
          (c) => c.participants.includes('Benjamin Netanyahu') && c.durationMinutes === 30,
        ),
      ).toBe(true);
    });
    it('the scope dispute has narrowed; phase 1 still waits on an agreement and Israel', () => {
      const issues = viewsAsOf(log, '2024-07-05').issues.issues;
      expect(issues.find((i) => i.issueId === 'phase-one-talks-scope')?.state).toBe('narrowed');
      expect(openIssueIds('2024-07-05')).toContain('implementation-details');
      const phase = phaseOne('2024-07-05');
      expect(phase?.state).toBe('blocked');
      expect(
        phase?.prerequisites.find((p) => p.description === 'Hamas accepts may-31-proposal'),
      ).toMatchObject({ met: true });
      expect(phase?.blocking.map((b) => b.description)).toEqual(
        expect.arrayContaining(['agreement covering phase-1', 'Israel accepts may-31-proposal']),
      );
    });
  });

  describe('as of 2024-08-09: the mediators plead for a resumption', () => {
    it('talks are stalled; the joint statement, the bridging proposal and the Doha-or-Cairo round are on record', () => {
      const { status } = viewsAsOf(log, '2024-08-09');
      expect(status.activity).toBe('stalled');
      expect(status.activitySince?.precision).toBe('range');
      expect(status.announcedProposals.map((p) => p.proposalId)).toEqual(['august-bridging-proposal']);
      expect(status.latestProposal?.proposalId).toBe('may-31-proposal');
      expect(status.upcomingTalks.map((t) => [t.venues, t.scheduledFor])).toEqual([
        [['Doha', 'Cairo'], '2024-08-15'],
      ]);
      expect(status.characterisations.find((c) => c.by.join('+') === 'United States')?.characterisation).toBe(
        'progress',
      );
      expect(phaseOne('2024-08-09')?.state).toBe('blocked');
    });
  });

  describe('as of 2024-12-27: after Netanyahu recalled the team', () => {
    it('talks are stalled since December 25 and the Israeli delegation is recalled from Doha', () => {
      const { status } = viewsAsOf(log, '2024-12-27');
      expect(status.activity).toBe('stalled');
      expect(status.activitySince?.occurredAt).toBe('2024-12-25');
      expect(delegationsOf('2024-12-27')).not.toContain('Israel@Doha');
      expect(status.recalledDelegations).toEqual([
        expect.objectContaining({
          party: 'Israel',
          venue: 'Doha',
          recalled: expect.objectContaining({ occurredAt: '2024-12-25' }),
        }),
      ]);
      const byParty = Object.fromEntries(
        status.characterisations.map((c) => [c.by.join('+'), c.characterisation]),
      );
      expect(byParty).toMatchObject({ Hamas: 'impasse', Israel: 'impasse' });
    });
  });

  describe('as of 2025-01-04: indirect talks resume in Doha', () => {
    it('talks are active in Doha with Israeli and Hamas delegations', () => {
      const { status } = viewsAsOf(log, '2025-01-04');
      expect(status.activity).toBe('active');
      expect(status.activitySince?.occurredAt).toBe('2025-01-03');
      expect(status.venue?.name).toBe('Doha');
      expect(delegationsOf('2025-01-04')).toEqual(expect.arrayContaining(['Hamas@Doha', 'Israel@Doha']));
      expect(status.delegations.find((d) => d.party === 'Israel')?.level).toBe('mid-level');
      expect(status.recalledDelegations).toEqual([]);
    });
    it('the January issues are open beside the old ones, and phase 1 is still blocked by them', () => {
      const open = openIssueIds('2025-01-04');
      expect(open).toEqual(
        expect.arrayContaining([
          'idf-corridors-presence',
          'prisoner-deportation',
          'hostage-release-frequency',
          'phase-two-talks-start-date',
          'return-of-displaced',
          'permanent-ceasefire-guarantee',
        ]),
      );
      const phase = phaseOne('2025-01-04');
      expect(phase?.state).toBe('blocked');
      expect(phase?.blocking.filter((b) => b.origin === 'issue').map((b) => b.prerequisite)).toContainEqual({
        kind: 'issue-resolved',
        issueId: 'idf-corridors-presence',
      });
    });
  });
});
