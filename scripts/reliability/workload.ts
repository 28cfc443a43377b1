import { randomUUID } from 'node:crypto';
import { Random } from './random';

/** Reported developments for load and crash runs: varied types, vague dates, corrections and retractions. */

export interface WireEvent {
  readonly id: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly precision: 'instant' | 'day' | 'month' | 'range';
  readonly reportedAt: string;
  readonly sources: readonly object[];
  readonly payload: Record<string, unknown>;
  readonly summary?: string;
  readonly confidence?: string;
}

const PARTIES = ['Israel', 'Hamas', 'Egypt', 'Qatar', 'United States'] as const;
const VENUES = ['Doha', 'Cairo', 'Paris', 'Rome'] as const;
const ISSUES = ['withdrawal', 'hostages', 'corridor', 'guarantees', 'aid'] as const;
const PHASES = ['phase-1', 'phase-2', 'phase-3'] as const;
const PROPOSALS = ['plan-a', 'plan-b', 'plan-c'] as const;

const pad = (n: number) => String(n).padStart(2, '0');

/** An occurrence somewhere in 2024, at a random precision (most reports give a day). */
const occurrence = (random: Random): Pick<WireEvent, 'occurredAt' | 'precision' | 'reportedAt'> => {
  const month = random.integer(1, 12);
  const day = random.integer(1, 28);
  const date = `2024-${pad(month)}-${pad(day)}`;
  const reportedAt = `2024-${pad(month)}-${pad(Math.min(28, day + random.integer(0, 3)))}`;
  const roll = random.next();
  if (roll < 0.6) return { occurredAt: date, precision: 'day', reportedAt };
  if (roll < 0.75) return { occurredAt: `2024-${pad(month)}`, precision: 'month', reportedAt };
  if (roll < 0.9)
    return {
      occurredAt: `${date}/2024-${pad(month)}-${pad(Math.min(28, day + 2))}`,
      precision: 'range',
      reportedAt,
    };
  return {
    occurredAt: `${date}T${pad(random.integer(0, 23))}:${pad(random.integer(0, 59))}:00Z`,
    precision: 'instant',
    reportedAt,
  };
};

const source = (quote: string) => ({
  outlet: 'Reliability Wire',
  title: 'A report under load',
  publishedAt: '2024-12-31',
  quote,
  attribution: { kind: 'anonymous', descriptor: 'official briefed on the talks' },
});

const phases = (random: Random) =>
  PHASES.map((phaseId, index) => ({
    phaseId,
    name: `Phase ${index + 1}`,
    order: index + 1,
    provisions: [{ provisionId: `${phaseId}-p1`, description: 'exchange of detainees' }],
    prerequisites:
      index === 0
        ? [{ kind: 'agreement' }, { kind: 'issue-resolved', issueId: random.pick(ISSUES) }]
        : [{ kind: 'phase-completed', phaseId: PHASES[index - 1] ?? 'phase-1' }],
  }));

type PayloadMaker = (random: Random) => { type: string; payload: Record<string, unknown> };

const WORLD_EVENTS: readonly PayloadMaker[] = [
  (r) => ({
    type: 'StatementIssued',
    payload: {
      by: [r.pick(PARTIES)],
      kind: 'unilateral',
      characterisation: r.pick(['breakthrough', 'progress', 'cautious', 'impasse']),
    },
  }),
  (r) => ({ type: 'TalksStalled', payload: { reason: `dispute over ${r.pick(ISSUES)}` } }),
  (r) => ({ type: 'TalksResumed', payload: { venue: r.pick(VENUES), format: 'indirect' } }),
  (r) => ({ type: 'DelegationSent', payload: { party: r.pick(PARTIES), venue: r.pick(VENUES) } }),
  (r) => ({ type: 'DelegationRecalled', payload: { party: r.pick(PARTIES), reason: 'consultations' } }),
  (r) => ({
    type: 'IssueRaised',
    payload: { issueId: r.pick(ISSUES), title: 'A sticking point', raisedBy: r.pick(PARTIES) },
  }),
  (r) => ({
    type: 'PositionStated',
    payload: { issueId: r.pick(ISSUES), party: r.pick(PARTIES), position: 'insists on guarantees' },
  }),
  (r) => ({ type: 'IssueNarrowed', payload: { issueId: r.pick(ISSUES), description: 'gaps narrowed' } }),
  (r) => ({ type: 'IssueResolved', payload: { issueId: r.pick(ISSUES), resolution: 'compromise' } }),
  (r) => ({ type: 'IssueReopened', payload: { issueId: r.pick(ISSUES), reason: 'new demands' } }),
  (r) => ({
    type: 'ProposalTabled',
    payload: {
      proposalId: r.pick(PROPOSALS),
      author: r.pick(PARTIES),
      summary: 'a phased deal',
      phases: phases(r),
    },
  }),
  (r) => ({
    type: 'ResponseDelivered',
    payload: {
      proposalId: r.pick(PROPOSALS),
      by: r.pick(PARTIES),
      stance: r.pick(['accepted', 'rejected', 'amendments-requested', 'counter-proposal']),
    },
  }),
  (r) => ({
    type: 'AgreementReached',
    payload: { scope: 'framework', parties: ['Israel', 'Hamas'], proposalId: r.pick(PROPOSALS) },
  }),
  (r) => ({ type: 'PhaseStarted', payload: { phaseId: r.pick(PHASES) } }),
  (r) => ({ type: 'PhaseCompleted', payload: { phaseId: r.pick(PHASES) } }),
  (r) => ({
    type: 'TalksScheduled',
    payload: { venues: [r.pick(VENUES)], scheduledFor: '2025-01-15', participants: ['Israel', 'Qatar'] },
  }),
];

/** What a writer knows of one negotiation: the acknowledged developments a correction may point at. */
export interface NegotiationKnowledge {
  readonly negotiationId: string;
  /** Acknowledged events that are neither corrections nor retracted (as far as this client knows). */
  readonly targets: string[];
}

export const isCorrection = (event: Pick<WireEvent, 'type'>): boolean =>
  event.type === 'EventCorrected' || event.type === 'EventRetracted';

/** The event that opens a negotiation, with a proposal and issues, so every view has something to show. */
export const openingEvents = (random: Random, negotiationId: string): WireEvent[] => [
  {
    id: randomUUID(),
    type: 'NegotiationOpened',
    occurredAt: '2024-01-01',
    precision: 'day',
    reportedAt: '2024-01-02',
    sources: [source(`${negotiationId} opened`)],
    payload: {
      title: `Reliability run ${negotiationId}`,
      parties: ['Israel', 'Hamas'],
      mediators: ['Qatar', 'Egypt'],
    },
  },
  ...ISSUES.map((issueId) => ({
    id: randomUUID(),
    type: 'IssueRaised',
    ...occurrence(random),
    sources: [source(`${negotiationId} ${issueId} raised`)],
    payload: { issueId, title: `The ${issueId} question`, raisedBy: random.pick(PARTIES) },
  })),
];

/**
 * A batch of `size` developments; now and then one of them corrects or retracts an acknowledged event, which
 * may be refused (422) when another writer retracted the same event first.
 */
export const batchOf = (
  random: Random,
  knowledge: NegotiationKnowledge,
  size: number,
  label: string,
): WireEvent[] =>
  Array.from({ length: size }, (_, index): WireEvent => {
    const common = { id: randomUUID(), ...occurrence(random), sources: [source(`${label} e${index}`)] };
    const target = knowledge.targets.length > 0 ? random.pick(knowledge.targets) : undefined;
    const roll = random.next();
    if (target !== undefined && roll < 0.06)
      return {
        ...common,
        type: 'EventRetracted',
        payload: { targetEventId: target, reason: 'the report was wrong' },
      };
    if (target !== undefined && roll < 0.14)
      return {
        ...common,
        type: 'EventCorrected',
        payload: {
          targetEventId: target,
          reason: 'a later report corrected it',
          corrections: random.chance(0.5) ? { summary: `corrected by ${label}` } : { confidence: 'disputed' },
        },
      };
    return { ...common, ...random.pick(WORLD_EVENTS)(random) };
  });

/** Remembers what an acknowledged batch makes available to later corrections, and what it retracted. */
export const learn = (knowledge: NegotiationKnowledge, batch: readonly WireEvent[]): void => {
  for (const event of batch) {
    if (event.type === 'EventRetracted') {
      const at = knowledge.targets.indexOf(String(event.payload['targetEventId']));
      if (at >= 0) knowledge.targets.splice(at, 1);
    } else if (!isCorrection(event)) knowledge.targets.push(event.id);
  }
  // Keep the list short so corrections tend to hit recent events.
  if (knowledge.targets.length > 200) knowledge.targets.splice(0, knowledge.targets.length - 200);
};
