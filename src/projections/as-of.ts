import { LeanEvent, endOfDateOrDateTime } from '../domain';
import { EffectiveDevelopment, EffectiveLog, countsFrom } from './effective-log';
import { Evidence, NegotiationState, evidenceOf, evolve, initialState } from './negotiation-state';

/**
 * How to treat a development whose date is vague relative to the asked date (e.g. "in June" asked about June 20):
 * `possible` counts it once it may have happened (its interval has started), `certain` only once it surely has.
 */
export type Inclusion = 'possible' | 'certain';

export interface AsOfQuery {
  /** Date or date-time in the world (occurredAt axis); a bare date means the end of that UTC day. */
  readonly asOf?: string;
  /** Date or date-time on the recording axis: the log as it stood then. Applied when building the log. */
  readonly knownAt?: string;
  readonly include?: Inclusion;
}

export interface AsOfResult {
  readonly state: NegotiationState;
  /** The developments the state is folded from, in occurrence order (computed on demand). */
  readonly included: () => ReadonlyArray<EffectiveDevelopment<LeanEvent>>;
  /**
   * Included developments whose dates are too vague to be sure they had happened by `asOf`: the latest of them
   * (at most the number asked for, in occurrence order), and how many there are in all.
   */
  readonly uncertain: readonly Evidence[];
  readonly uncertainCount: number;
}

/** Uncertain developments listed with an answer by default (the latest ones); `uncertainCount` gives the total. */
export const UNCERTAIN_LISTED = 20;

/** Whether a development counts as of a moment, under an inclusion rule. */
export const includedAsOf = (
  development: EffectiveDevelopment,
  untilMs: number,
  inclusion: Inclusion,
): boolean => countsFrom(development.interval, inclusion) <= untilMs;

/**
 * The state as of `asOf` (everything without it). Under `possible` the counted developments are a prefix of the
 * occurrence order, answered from the log's checkpoints in time independent of the log's length; under `certain`
 * a wide early development can be left out while later ones count, so that answer is a full fold.
 */
export const stateAsOf = <R extends LeanEvent>(
  log: EffectiveLog<R>,
  query: AsOfQuery,
  uncertainListed = UNCERTAIN_LISTED,
): AsOfResult => {
  const untilMs = query.asOf === undefined ? Number.POSITIVE_INFINITY : endOfDateOrDateTime(query.asOf);
  if ((query.include ?? 'possible') === 'possible') {
    const count = log.countStartedBy(untilMs);
    const uncertain = log.uncertainAt(count, untilMs, uncertainListed);
    return {
      state: log.stateAfter(count),
      included: () => log.developments.slice(0, count),
      uncertain: uncertain.latest.map((d) => evidenceOf(d.event)),
      uncertainCount: uncertain.count,
    };
  }
  const included = log.developments.filter((d) => includedAsOf(d, untilMs, 'certain'));
  return {
    state: included.reduce((state, d) => evolve(state, d.event), initialState),
    included: () => included,
    uncertain: [],
    uncertainCount: 0,
  };
};
