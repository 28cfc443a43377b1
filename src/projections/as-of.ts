import { endOfDateOrDateTime } from '../domain';
import { EffectiveDevelopment, EffectiveLog } from './effective-log';
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
  /** The developments the state is folded from, in occurrence order. */
  readonly included: readonly EffectiveDevelopment[];
  /** Included developments whose dates are too vague to be sure they had happened by `asOf`. */
  readonly uncertain: readonly Evidence[];
}

/** Whether a development counts as of a moment, under an inclusion rule. */
export const includedAsOf = (
  development: EffectiveDevelopment,
  untilMs: number,
  inclusion: Inclusion,
): boolean =>
  inclusion === 'possible'
    ? development.interval.startMs <= untilMs
    : development.interval.endMs - 1 <= untilMs;

/** Folds the developments that count as of `asOf` (all of them without `asOf`). */
export const stateAsOf = (log: EffectiveLog, query: AsOfQuery): AsOfResult => {
  const untilMs = query.asOf === undefined ? Number.POSITIVE_INFINITY : endOfDateOrDateTime(query.asOf);
  const inclusion = query.include ?? 'possible';
  let state = initialState;
  const included: EffectiveDevelopment[] = [];
  const uncertain: Evidence[] = [];
  for (const development of log.developments) {
    // Developments are sorted by interval start, so with `possible` the first miss ends the scan.
    if (!includedAsOf(development, untilMs, inclusion)) {
      if (inclusion === 'possible') break;
      continue;
    }
    state = evolve(state, development.event);
    included.push(development);
    if (development.interval.endMs - 1 > untilMs) uncertain.push(evidenceOf(development.event));
  }
  return { state, included, uncertain };
};
