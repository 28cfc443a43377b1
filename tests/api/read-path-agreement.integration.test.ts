import { Command } from 'commander';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import supertest from '../support/contract-request';
import { createApp } from '../../src/api';
import { createTracker } from '../../src/application/tracker';
import { registerQueryCommands } from '../../src/cli/query-commands';
import { StoredEvent, endOfDateOrDateTime, isCorrectionType, occurredInterval } from '../../src/domain';
import {
  AsOfResult,
  EffectiveDevelopment,
  UNCERTAIN_LISTED,
  compareDevelopments,
  diffDigests,
  digestOf,
  evidenceOf,
  evolve,
  initialState,
  issuesView,
  phasesView,
  statusView,
} from '../../src/projections';
import { EventToAppend, createSqliteEventStore } from '../../src/store';
import { manualClock, reported, unwrap } from '../support/builders';

/**
 * For random logs (late reports, corrections, retractions, recorded over months) and random moments, the HTTP
 * answer, the command line's answer and a plain fold agree for every as-of view, and /diff between two dates is the
 * difference of the two as-of answers.
 */

const DAY_MS = 86_400_000;
const NOW = '2025-06-01T12:00:00.000Z';
const day = fc
  .integer({ min: 0, max: 600 })
  .map((offset) => new Date(Date.UTC(2024, 0, 1) + offset * DAY_MS).toISOString().slice(0, 10));

const phases = [
  {
    phaseId: 'one',
    name: 'First',
    order: 1,
    durationDays: 42,
    provisions: [],
    prerequisites: [{ kind: 'issue-resolved' as const, issueId: 'corridors' }],
  },
  {
    phaseId: 'two',
    name: 'Second',
    order: 2,
    provisions: [],
    prerequisites: [{ kind: 'phase-completed' as const, phaseId: 'one' }],
  },
];

const development = fc
  .tuple(day, fc.integer({ min: 0, max: 9 }), fc.boolean())
  .map(([occurredAt, kind, monthly]) => {
    const options = monthly
      ? { occurredAt: occurredAt.slice(0, 7), precision: 'month' as const }
      : { occurredAt };
    switch (kind) {
      case 0:
        return reported('TalksStalled', { reason: `stall ${occurredAt}` }, options);
      case 1:
        return reported('TalksResumed', { venue: occurredAt < '2024-06' ? 'Doha' : 'Cairo' }, options);
      case 2:
        return reported('DelegationSent', { party: 'Israel', venue: 'Doha' }, options);
      case 3:
        return reported(
          'IssueRaised',
          { issueId: 'corridors', title: 'Corridors', raisedBy: 'Hamas' },
          options,
        );
      case 4:
        return reported('IssueResolved', { issueId: 'corridors' }, options);
      case 5:
        return reported(
          'ProposalTabled',
          { proposalId: 'plan', author: 'US', summary: 'phased plan', phases },
          options,
        );
      case 6:
        return reported(
          'AgreementReached',
          { scope: 'framework', parties: ['Israel', 'Hamas'], proposalId: 'plan' },
          options,
        );
      case 7:
        return reported('PhaseStarted', { phaseId: 'one' }, options);
      case 8:
        return reported(
          'DeadlineSet',
          { description: 'talks end', deadline: `${occurredAt.slice(0, 4)}-09-30` },
          options,
        );
      default:
        return reported('PhaseCompleted', { phaseId: 'one' }, options);
    }
  });

/** One recording: a development, or an amendment of an earlier one (by its index among developments so far). */
const recording = fc.oneof(
  { weight: 6, arbitrary: development.map((event) => ({ kind: 'report' as const, event })) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat(), day).map(([target, to]) => ({ kind: 'correct' as const, target, to })),
  },
  { weight: 1, arbitrary: fc.nat().map((target) => ({ kind: 'retract' as const, target })) },
);

/** A batch of recordings, and the hours after the previous batch at which it is recorded. */
const batch = fc.tuple(
  fc.array(recording, { minLength: 1, maxLength: 4 }),
  fc.integer({ min: 1, max: 24 * 40 }),
);

const moment = fc.record({
  asOf: fc.option(day, { nil: undefined }),
  knownAtDays: fc.option(fc.integer({ min: 0, max: 510 }), { nil: undefined }),
  include: fc.option(fc.constantFrom('possible' as const, 'certain' as const), { nil: undefined }),
});

/** The reference answer: the log as recorded by knownAt, amended by hand, sorted and folded from the start. */
const plainResult = (
  stream: readonly StoredEvent[],
  knownUntil: number,
  untilMs: number,
  include: string,
): AsOfResult => {
  const byId = new Map<string, EffectiveDevelopment<StoredEvent>>();
  for (const event of stream) {
    if (Date.parse(event.recordedAt) > knownUntil) continue;
    if (event.type === 'EventRetracted') byId.delete(event.payload.targetEventId);
    else if (event.type === 'EventCorrected') {
      const target = byId.get(event.payload.targetEventId);
      if (target === undefined) continue;
      const corrected = { ...target.event, ...event.payload.corrections } as typeof target.event;
      byId.set(target.event.id, { ...target, event: corrected, interval: occurredInterval(corrected) });
    } else if (!isCorrectionType(event.type))
      byId.set(event.id, {
        event: event,
        interval: occurredInterval(event),
        recordedAt: event.recordedAt,
        recordedBy: event.recordedBy,
        revision: event.revision,
        amendments: [],
      });
  }
  const sorted = [...byId.values()].sort(compareDevelopments);
  const counted = sorted.filter((d) =>
    include === 'certain' ? d.interval.endMs - 1 <= untilMs : d.interval.startMs <= untilMs,
  );
  const uncertain =
    include === 'certain'
      ? []
      : counted.filter((d) => d.interval.endMs - 1 > untilMs).map((d) => evidenceOf(d.event));
  return {
    state: counted.reduce((state, d) => evolve(state, d.event), initialState),
    included: () => counted,
    uncertain: uncertain.slice(-UNCERTAIN_LISTED),
    uncertainCount: uncertain.length,
  };
};

const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** Runs a query command in this process, against the store in DATA_DIR, and parses what it prints. */
const cli = async (args: readonly string[]): Promise<Record<string, unknown>> => {
  const printed: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((text: string) => void printed.push(text));
  const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    const program = new Command().exitOverride();
    registerQueryCommands(program);
    await program.parseAsync(['node', 'cli', ...args]);
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
  return JSON.parse(printed.join('\n')) as Record<string, unknown>;
};

describe('one read path: HTTP, the command line and a plain fold agree', () => {
  const previousDataDir = process.env['DATA_DIR'];
  afterAll(() => {
    if (previousDataDir === undefined) delete process.env['DATA_DIR'];
    else process.env['DATA_DIR'] = previousDataDir;
  });

  it('for every view at random moments of random logs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(batch, { minLength: 2, maxLength: 8 }),
        fc.array(moment, { minLength: 1, maxLength: 4 }),
        fc.tuple(day, day),
        async (batches, moments, [a, b]) => {
          const dir = mkdtempSync(join(tmpdir(), 'read-path-'));
          const clock = manualClock('2024-01-01T00:00:00.000Z');
          const store = createSqliteEventStore({ file: join(dir, 'events.sqlite'), clock });
          try {
            const developments: string[] = [];
            for (const [recordings, hours] of batches) {
              clock.advance(hours * 3_600_000);
              const events = recordings.flatMap((r): EventToAppend[] => {
                if (r.kind === 'report') {
                  developments.push(r.event.id);
                  return [r.event];
                }
                const target = developments[r.target % Math.max(1, developments.length)];
                if (target === undefined) return [];
                return [
                  r.kind === 'correct'
                    ? reported('EventCorrected', {
                        targetEventId: target,
                        reason: 'misdated',
                        corrections: { occurredAt: r.to, precision: 'day' },
                      })
                    : reported('EventRetracted', { targetEventId: target, reason: 'withdrawn' }),
                ];
              });
              if (events.length > 0)
                unwrap(
                  await store.append({
                    negotiationId: 'n',
                    events,
                    expectedRevision: { kind: 'any' },
                    recordedBy: 't',
                  })(),
                );
            }
            clock.set(NOW);
            const app = createApp({
              tracker: createTracker({ store, newEventId: randomUUID }),
              clock,
              storeName: 'sqlite',
              answerCache: null,
            });
            process.env['DATA_DIR'] = dir;
            const stream = unwrap(await store.readStream('n')());
            for (const m of moments) {
              const knownAt =
                m.knownAtDays === undefined
                  ? undefined
                  : new Date(Date.UTC(2024, 0, 1) + m.knownAtDays * DAY_MS).toISOString();
              const query = new URLSearchParams({
                ...(m.asOf === undefined ? {} : { asOf: m.asOf }),
                ...(knownAt === undefined ? {} : { knownAt }),
                ...(m.include === undefined ? {} : { include: m.include }),
              }).toString();
              const asOfMs = endOfDateOrDateTime(m.asOf ?? NOW);
              const knownUntil = knownAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(knownAt);
              if (knownAt !== undefined && !stream.some((e) => Date.parse(e.recordedAt) <= knownUntil)) {
                await supertest(app).get(`/negotiations/n/status?${query}`).expect(404);
                continue;
              }
              const plain = plainResult(stream, knownUntil, asOfMs, m.include ?? 'possible');
              const expected = {
                status: json({ status: statusView(plain, { asOfMs, deadlineHistory: true }) }),
                issues: json(issuesView(plain, false)),
                phases: json(phasesView(plain, asOfMs)),
              };
              const extra = { status: 'deadlines=all', issues: 'state=all', phases: '' };
              for (const view of ['status', 'issues', 'phases'] as const) {
                const url = `/negotiations/n/${view}?${[query, extra[view]].filter((p) => p !== '').join('&')}`;
                const answer = await supertest(app).get(url).expect(200);
                const {
                  negotiationId: _id,
                  revision: _revision,
                  asOf: _a,
                  knownAt: _k,
                  include: _i,
                  deadlines: _d,
                  state: _s,
                  ...body
                } = answer.body as Record<string, unknown>;
                expect(body).toEqual(expected[view]);
                // The command line reads the same path: with a date asked (its clock is the machine's), the same JSON.
                if (m.asOf !== undefined) {
                  const options = [
                    view,
                    '--negotiation',
                    'n',
                    '--as-of',
                    m.asOf,
                    ...(knownAt === undefined ? [] : ['--known-at', knownAt]),
                    ...(m.include === undefined ? [] : ['--include', m.include]),
                    ...(view === 'status'
                      ? ['--deadlines', 'all']
                      : view === 'issues'
                        ? ['--state', 'all']
                        : []),
                  ];
                  expect(await cli(options)).toEqual(answer.body);
                }
              }
            }
            // The diff between two dates is the difference of the two as-of answers.
            const [from, to] = a <= b ? [a, b] : [b, a];
            const diff = await supertest(app).get(`/negotiations/n/diff?from=${from}&to=${to}`).expect(200);
            const fromMs = endOfDateOrDateTime(from);
            const toMs = endOfDateOrDateTime(to);
            const before = digestOf(
              plainResult(stream, Number.POSITIVE_INFINITY, fromMs, 'possible'),
              fromMs,
            );
            const after = digestOf(plainResult(stream, Number.POSITIVE_INFINITY, toMs, 'possible'), toMs);
            expect(diff.body.changes).toEqual(json(diffDigests(before, after)));
          } finally {
            await store.close();
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 15) },
    );
  }, 180_000);
});
