import { Unbranded } from '../../src/domain';
import { EventToAppend } from '../../src/store';

/**
 * A deterministic synthetic workload: realistic envelopes (one or two sources with quotes and attributions),
 * a mix of event types, day/month/range precisions, and late reports that land weeks in the past.
 */

/** mulberry32: a small seeded generator, so every run measures the same events. */
export const seededRandom = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const PARTIES = ['Israel', 'Hamas', 'United States', 'Qatar', 'Egypt'];
const VENUES = ['Doha', 'Cairo', 'Washington', 'Geneva'];
const OUTLETS = ['Wire One', 'Daily Ledger', 'Evening Post', 'Regional Herald'];
const CHARACTERISATIONS = ['breakthrough', 'progress', 'cautious', 'impasse'] as const;
const ISSUES_PER_NEGOTIATION = 40;
const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2020, 0, 1);

const words = (random: () => number, count: number) =>
  Array.from(
    { length: count },
    () =>
      [
        'talks',
        'mediators',
        'proposal',
        'delegation',
        'ceasefire',
        'officials',
        'hostages',
        'phase',
        'guarantees',
        'withdrawal',
      ][Math.floor(random() * 10)],
  ).join(' ');

const uuid = (random: () => number) => {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(random() * 4)] ?? '8';
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
};

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface WorkloadOptions {
  readonly seed: number;
  /** Days the negotiation's history spans (events are spread evenly, then some arrive late). */
  readonly spanDays: number;
  readonly events: number;
}

/** The events of one negotiation, in the order they are reported (generated lazily, a batch at a time). */
/** The workload's events, typed as a client writes them (ids unbranded); the store takes them as decoded ones. */
export function* negotiationEvents(options: WorkloadOptions): Generator<EventToAppend> {
  for (const event of draftEvents(options)) yield event as EventToAppend;
}

function* draftEvents(options: WorkloadOptions): Generator<Unbranded<EventToAppend>> {
  const random = seededRandom(options.seed);
  for (let index = 0; index < options.events; index += 1) {
    let occurredMs = START_MS + Math.floor((index / options.events) * options.spanDays) * DAY_MS;
    // One report in twenty is late: it happened weeks before the ones around it.
    if (random() < 0.05) occurredMs -= Math.floor(10 + random() * 50) * DAY_MS;
    if (occurredMs < START_MS) occurredMs = START_MS;
    const roll = random();
    const occurrence =
      roll < 0.85
        ? { occurredAt: day(occurredMs), precision: 'day' as const }
        : roll < 0.95
          ? { occurredAt: day(occurredMs).slice(0, 7), precision: 'month' as const }
          : {
              occurredAt: `${day(occurredMs)}/${day(occurredMs + Math.floor(2 + random() * 5) * DAY_MS)}`,
              precision: 'range' as const,
            };
    const reportedAt = day(occurredMs + DAY_MS);
    const party = PARTIES[Math.floor(random() * PARTIES.length)] ?? 'Israel';
    const issueId = `issue-${Math.floor(random() * ISSUES_PER_NEGOTIATION)}`;
    const sources = Array.from({ length: random() < 0.3 ? 2 : 1 }, () => ({
      outlet: OUTLETS[Math.floor(random() * OUTLETS.length)] ?? 'Wire One',
      title: `Negotiators ${words(random, 6)}`,
      publishedAt: reportedAt,
      quote: `"${words(random, 30)}"`,
      attribution:
        random() < 0.5
          ? { kind: 'anonymous' as const, descriptor: 'senior official briefed on the talks' }
          : { kind: 'named' as const, name: 'A. Spokesperson', role: 'spokesperson' },
    }));
    const envelope = {
      id: uuid(random),
      ...occurrence,
      reportedAt,
      sources,
      confidence: 'reported' as const,
      summary: words(random, 12),
    };
    const kind = index === 0 ? -1 : random();
    if (kind < 0)
      yield {
        ...envelope,
        type: 'ProposalTabled',
        payload: {
          proposalId: 'plan',
          author: 'United States',
          summary: words(random, 20),
          phases: [1, 2, 3].map((order) => ({
            phaseId: `phase-${order}`,
            name: `Phase ${order}`,
            order,
            provisions: [{ provisionId: `p${order}`, description: words(random, 10) }],
            prerequisites:
              order === 1
                ? [{ kind: 'agreement' as const }, { kind: 'accepted-by' as const, party: 'Hamas' }]
                : [{ kind: 'phase-completed' as const, phaseId: `phase-${order - 1}` }],
          })),
        },
      };
    else if (kind < 0.3)
      yield {
        ...envelope,
        type: 'StatementIssued',
        payload: {
          by: [party],
          kind: 'unilateral',
          characterisation: CHARACTERISATIONS[Math.floor(random() * 4)] ?? 'progress',
          text: words(random, 15),
        },
      };
    else if (kind < 0.5)
      yield { ...envelope, type: 'PositionStated', payload: { issueId, party, position: words(random, 12) } };
    else if (kind < 0.55)
      yield {
        ...envelope,
        type: 'IssueRaised',
        payload: { issueId, title: words(random, 5), raisedBy: party, blocksPhases: ['phase-1'] },
      };
    else if (kind < 0.58)
      yield { ...envelope, type: 'IssueNarrowed', payload: { issueId, description: words(random, 10) } };
    else if (kind < 0.6) yield { ...envelope, type: 'IssueResolved', payload: { issueId } };
    else if (kind < 0.66)
      yield {
        ...envelope,
        type: 'DelegationSent',
        payload: {
          party,
          venue: VENUES[Math.floor(random() * VENUES.length)] ?? 'Doha',
          head: { name: 'Head of delegation' },
        },
      };
    else if (kind < 0.7)
      yield { ...envelope, type: 'DelegationRecalled', payload: { party, reason: words(random, 6) } };
    else if (kind < 0.75)
      yield {
        ...envelope,
        type: 'TalksStalled',
        payload: {
          reason: words(random, 8),
          blameClaims: [{ by: party, blames: 'the other side', claim: words(random, 6) }],
        },
      };
    else if (kind < 0.8)
      yield {
        ...envelope,
        type: 'TalksResumed',
        payload: { venue: VENUES[Math.floor(random() * VENUES.length)] ?? 'Doha', format: 'indirect' },
      };
    else if (kind < 0.9)
      yield {
        ...envelope,
        type: 'ResponseDelivered',
        payload: {
          proposalId: 'plan',
          by: party,
          stance: random() < 0.5 ? 'accepted' : 'amendments-requested',
          via: ['Qatar'],
        },
      };
    else if (kind < 0.95)
      yield {
        ...envelope,
        type: 'LeadersSpoke',
        payload: { participants: [party, 'United States'], topics: [words(random, 3)], durationMinutes: 30 },
      };
    else
      yield {
        ...envelope,
        type: 'TalksScheduled',
        payload: {
          venues: [VENUES[Math.floor(random() * VENUES.length)] ?? 'Doha'],
          scheduledFor: day(occurredMs + 7 * DAY_MS),
          participants: [party, 'Qatar'],
        },
      };
  }
}

/** Takes the next `size` items of an iterator. */
export const take = <T>(iterator: Iterator<T>, size: number): T[] => {
  const items: T[] = [];
  for (let i = 0; i < size; i += 1) {
    const next = iterator.next();
    if (next.done === true) break;
    items.push(next.value);
  }
  return items;
};
