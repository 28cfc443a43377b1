import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEAL_MEANINGS, DEAL_STATES } from '../../src/projections';
import { given, on } from '../support/given';

/**
 * The headline beside the stage: whether the deal holds. Given an agreement in force, as of each date the status
 * says whether anything recorded since disrupts it, and names the development that did.
 */
const opened = on('2020-01-01', 'NegotiationOpened', {
  title: 'Truce talks',
  parties: ['North', 'South'],
  mediators: ['Broker'],
});
const agreed = on('2020-02-01', 'AgreementReached', {
  scope: 'framework',
  parties: ['North', 'South'],
  agreementId: 'truce',
  kind: 'framework',
});
const ceasefire = on('2020-02-02', 'CeasefireDeclared', {
  ceasefireId: 'cf',
  declaredBy: ['North', 'South'],
});

describe('whether the deal holds', () => {
  it('is no deal before any agreement, and holding once one is in force with nothing disrupting it', () => {
    const story = given(opened, agreed, ceasefire);
    expect(story.asOf('2020-01-15').status.deal).toEqual({ state: 'no-deal', reasons: [] });
    expect(story.asOf('2020-03-01').status.deal).toEqual({
      state: 'holding',
      agreementId: 'truce',
      reasons: [],
    });
  });

  it('is disrupted when the ceasefire breaks down, naming the development, while the stage still names the documents', () => {
    const broke = on('2020-04-01', 'CeasefireBrokeDown', { ceasefireId: 'cf', reason: 'shelling resumed' });
    const story = given(opened, agreed, ceasefire, broke);
    const before = story.asOf('2020-03-31').status;
    const after = story.asOf('2020-04-01').status;
    expect(before.deal.state).toBe('holding');
    expect(after.stage).toBe(before.stage);
    expect(after.deal.state).toBe('disrupted');
    expect(after.deal.reasons).toEqual([
      {
        reason: 'ceasefire cf broke down: shelling resumed',
        evidence: expect.objectContaining({ eventId: broke.id }),
      },
    ]);
  });

  it('holds again once a ceasefire is declared again', () => {
    const story = given(
      opened,
      agreed,
      ceasefire,
      on('2020-04-01', 'CeasefireBrokeDown', { ceasefireId: 'cf', reason: 'shelling' }),
      on('2020-05-01', 'CeasefireDeclared', { ceasefireId: 'cf', declaredBy: ['North', 'South'] }),
    );
    expect(story.asOf('2020-04-15').status.deal.state).toBe('disrupted');
    expect(story.asOf('2020-05-01').status.deal.state).toBe('holding');
  });

  it('is disrupted when hostilities resume or the talks collapse', () => {
    const hostilities = on('2020-06-01', 'HostilitiesResumed', { by: ['North'], description: 'offensive' });
    expect(given(opened, agreed, hostilities).asOf('2020-06-01').status.deal).toMatchObject({
      state: 'disrupted',
      reasons: [{ reason: 'North: hostilities' }],
    });
    const collapsed = on('2020-06-01', 'TalksCollapsed', { reason: 'walk-out' });
    expect(given(opened, agreed, collapsed).asOf('2020-06-01').status.deal).toMatchObject({
      state: 'disrupted',
      reasons: [{ reason: 'talks collapsed: walk-out' }],
    });
  });

  it('says a party withdrew, before any other disruption', () => {
    const withdrew = on('2020-07-01', 'PartyWithdrewFromAgreement', {
      party: 'South',
      agreementId: 'truce',
      reason: 'notice given',
    });
    const deal = given(opened, agreed, ceasefire, withdrew).asOf('2020-07-02').status.deal;
    expect(deal).toMatchObject({
      state: 'party-withdrew',
      agreementId: 'truce',
      reasons: [{ reason: 'South withdrew from truce: notice given' }],
    });
  });

  it('is pending while an agreement awaits ratification, and no deal once it is rejected', () => {
    const awaiting = on('2021-01-01', 'AgreementReached', {
      scope: 'framework',
      parties: ['North', 'South'],
      agreementId: 'accord',
      kind: 'final',
      requiresRatificationBy: ['Parliament'],
    });
    const rejected = on('2021-02-01', 'RatificationVoted', {
      agreementId: 'accord',
      body: 'Parliament',
      outcome: 'rejected',
    });
    const story = given(opened, awaiting, rejected);
    expect(story.asOf('2021-01-15').status.deal).toEqual({
      state: 'pending',
      agreementId: 'accord',
      reasons: [],
    });
    expect(story.asOf('2021-02-01').status.deal).toMatchObject({
      state: 'no-deal',
      agreementId: 'accord',
      reasons: [{ reason: 'accord rejected' }],
    });
  });

  it('names the most comprehensive agreement in force, not the interim one reached later', () => {
    const interim = on('2020-03-01', 'AgreementReached', {
      scope: 'phases',
      parties: ['North', 'South'],
      agreementId: 'prisoners',
      kind: 'interim',
    });
    expect(given(opened, agreed, interim).asOf('2020-03-02').status.deal.agreementId).toBe('truce');
  });

  it('documents every state, in the code and in events/README.md', () => {
    expect(Object.keys(DEAL_MEANINGS).sort()).toEqual([...DEAL_STATES].sort());
    const guide = readFileSync(join(__dirname, '..', '..', 'events', 'README.md'), 'utf8');
    for (const state of DEAL_STATES) expect(guide).toContain(`| \`${state}\``);
  });
});

describe('what an agreement covers', () => {
  it('leaves out a phase nothing defines: a mistyped phase id does not make a framework "implementing"', () => {
    const plan = on('2020-01-15', 'ProposalTabled', {
      proposalId: 'plan',
      author: 'Broker',
      summary: 'two phases',
      phases: [{ phaseId: 'phase-1', name: 'First', order: 1, provisions: [], prerequisites: [] }],
    });
    const framework = on('2020-02-01', 'AgreementReached', {
      scope: 'framework',
      parties: ['North', 'South'],
      agreementId: 'truce',
      kind: 'framework',
      proposalId: 'plan',
    });
    const typo = on('2020-03-01', 'PhaseStarted', { phaseId: 'phase-1x' });
    const suspended = on('2020-03-02', 'PhaseSuspended', { phaseId: 'phase-1x', reason: 'typo' });
    const story = given(opened, plan, framework, typo, suspended);
    const answers = story.asOf('2020-03-05');
    expect(answers.status.stage).toBe('framework-agreed');
    expect(answers.status.deal.state).toBe('holding');
    expect(answers.phases.undefinedPhases.map((p) => p.phaseId)).toEqual(['phase-1x']);
    // The phase it defines is covered: started, the framework is being implemented.
    const started = given(opened, plan, framework, on('2020-03-01', 'PhaseStarted', { phaseId: 'phase-1' }));
    expect(started.asOf('2020-03-05').status.stage).toBe('implementing');
  });
});
