import {
  EventType,
  LeanEvent,
  PayloadOf,
  Unbranded,
  endOfDateOrDateTime,
  toLeanEvent,
} from '../../src/domain';
import {
  EffectiveLog,
  IssuesView,
  PhasesView,
  StatusView,
  issuesView,
  phasesView,
  stateAsOf,
  statusView,
} from '../../src/projections';
import { EventOptions, reported } from './builders';

/**
 * Projection specifications that read like the product: given these reported developments, as of this date, the
 * answers are... Every type reported and every answer seen is remembered, so a suite can check it has covered the
 * whole vocabulary (see seen()).
 */

export interface Answers {
  readonly status: StatusView;
  readonly issues: IssuesView;
  readonly phases: PhasesView;
}

const seenTypes = new Set<EventType>();
const seenAnswers: Answers[] = [];

/** One development: on a date (or a month, a range, an instant), of a type, with its payload. */
export const on = <K extends EventType>(
  occurredAt: string,
  type: K,
  payload: Unbranded<PayloadOf<K>>,
  options: EventOptions = {},
) => {
  seenTypes.add(type);
  const precision =
    options.precision ??
    (occurredAt.includes('/')
      ? 'range'
      : occurredAt.includes('T')
        ? 'instant'
        : occurredAt.length === 7
          ? 'month'
          : 'day');
  return reported(type, payload, {
    ...options,
    occurredAt,
    precision,
    reportedAt: options.reportedAt ?? reportedOn(occurredAt),
  });
};

/** A report published when the development (or its last day) happened, unless the options say otherwise. */
const reportedOn = (occurredAt: string): string => {
  const last = occurredAt.split('/').pop() ?? occurredAt;
  return last.length === 7 ? `${last}-28` : last;
};

type Reported = ReturnType<typeof on>;

export const given = (...developments: readonly Reported[]) => {
  const log = new EffectiveLog<LeanEvent>();
  developments.forEach((event, revision) =>
    log.record(
      toLeanEvent({
        ...event,
        negotiationId: 'spec',
        revision,
        recordedAt: '2030-01-01T00:00:00.000Z',
        recordedBy: 'spec',
        previousHash: '',
        hash: '',
      }),
    ),
  );
  return {
    /** The state as of a date (now when none is given), as the append's checks read it. */
    stateAt: (asOf?: string) => stateAsOf(log, asOf === undefined ? {} : { asOf }).state,
    asOf: (asOf: string) => {
      const result = stateAsOf(log, { asOf });
      const asOfMs = endOfDateOrDateTime(asOf);
      const answers: Answers = {
        status: statusView(result, { asOfMs, deadlineHistory: true }),
        issues: issuesView(result),
        phases: phasesView(result, asOfMs),
      };
      seenAnswers.push(answers);
      return {
        ...answers,
        then: (expectations: (answers: Answers) => void) => expectations(answers),
        phase: (phaseId: string) => {
          const phase = answers.phases.phases.find((p) => p.phaseId === phaseId);
          if (phase === undefined) throw new Error(`no phase ${phaseId} as of ${asOf}`);
          return phase;
        },
        issue: (issueId: string) => {
          const issue = answers.issues.issues.find((i) => i.issueId === issueId);
          if (issue === undefined) throw new Error(`no issue ${issueId} as of ${asOf}`);
          return issue;
        },
        agreement: (agreementId: string) => {
          const agreement = answers.status.agreements.find((a) => a.agreementId === agreementId);
          if (agreement === undefined) throw new Error(`no agreement ${agreementId} as of ${asOf}`);
          return agreement;
        },
      };
    },
  };
};

/** What the specifications so far have reported and answered. */
export const seen = () => ({
  types: seenTypes,
  stages: new Set(seenAnswers.map((a) => a.status.stage)),
  phaseStates: new Set(seenAnswers.flatMap((a) => a.phases.phases.map((p) => p.state))),
  agreementStatuses: new Set(seenAnswers.flatMap((a) => a.status.agreements.map((x) => x.status))),
  issueStates: new Set(seenAnswers.flatMap((a) => a.issues.issues.map((i) => i.state))),
  proposalStatuses: new Set(seenAnswers.flatMap((a) => a.status.proposals.map((p) => p.status))),
  deadlineStates: new Set(
    seenAnswers.flatMap((a) =>
      a.status.deadlines.map((d) => (d.state === 'pending' && d.passed ? 'passed' : d.state)),
    ),
  ),
});
