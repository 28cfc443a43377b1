import * as E from 'fp-ts/Either';
import { FieldViolation, endOfDateOrDateTime, startOfDateOrDateTime } from '../domain';
import { Inclusion } from './as-of';

/**
 * The moment a question is about, worked out once at the edge: every view, whoever asks for it, reads it from
 * here, so no two answers judge the same question at different dates.
 */
export interface Moment {
  /** The date asked about on the occurrence axis: as given, or the clock's instant when none was given. */
  readonly asOf: string;
  /** The end of `asOf` in ms (a bare date covers its whole UTC day). */
  readonly asOfMs: number;
  /** No asOf was given: the answer follows the clock, so it is never kept. */
  readonly followsClock: boolean;
  /** The log as recorded by this date or date-time; absent for the log as it stands. */
  readonly knownAt?: string;
  readonly include: Inclusion;
}

/** What a query says of its moment, as decoded from a URL or command-line options. */
export interface MomentParams {
  readonly asOf?: string;
  readonly knownAt?: string;
  readonly include?: Inclusion;
}

/** The moment's parameters among a query's (only those given). */
export const momentParams = ({ asOf, knownAt, include }: MomentParams): MomentParams => ({
  ...(asOf === undefined ? {} : { asOf }),
  ...(knownAt === undefined ? {} : { knownAt }),
  ...(include === undefined ? {} : { include }),
});

/**
 * The moment of a query at `nowMs`. A knownAt that begins after the clock is refused, naming the field: nothing
 * recorded then is known yet, and answering with today's log would pass it off as a record of the future.
 */
export const momentOf = (params: MomentParams, nowMs: number): E.Either<FieldViolation[], Moment> => {
  const { knownAt } = params;
  if (knownAt !== undefined && startOfDateOrDateTime(knownAt) > nowMs)
    return E.left([
      {
        field: 'knownAt',
        reason: `is after the server's clock (${new Date(nowMs).toISOString()}): nothing recorded then is known yet`,
      },
    ]);
  const asOf = params.asOf ?? new Date(nowMs).toISOString();
  return E.right({
    asOf,
    asOfMs: endOfDateOrDateTime(asOf),
    followsClock: params.asOf === undefined,
    ...(knownAt === undefined ? {} : { knownAt }),
    include: params.include ?? 'possible',
  });
};

/** The same moment at another date on the occurrence axis (the two sides of a diff). */
export const atDate = (moment: Moment, asOf: string): Moment => ({
  ...moment,
  asOf,
  asOfMs: endOfDateOrDateTime(asOf),
  followsClock: false,
});
