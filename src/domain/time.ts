import * as t from 'io-ts';
import { oneOf, withShape } from './codecs';

/**
 * When something happened in the world, kept at the precision the reports give. News is vague ("in June",
 * "earlier this week"), so an occurrence is an interval of time, never a point chosen for convenience.
 */
export const PRECISIONS = ['instant', 'day', 'month', 'range'] as const;
export const Precision = oneOf('Precision', PRECISIONS);
export type Precision = t.TypeOf<typeof Precision>;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

/** Half-open interval [startMs, endMs) in epoch milliseconds, UTC. */
export interface Interval {
  readonly startMs: number;
  readonly endMs: number;
}

/** Milliseconds of a calendar day at 00:00 UTC, or undefined when the text is not a real YYYY-MM-DD date. */
export const parseDay = (text: string): number | undefined => {
  const match = DAY.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const date = new Date(ms);
  if (year < 1000 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return ms;
};

export const parseMonth = (text: string): Interval | undefined => {
  const match = MONTH.exec(text);
  if (!match) return undefined;
  const [year, month] = [Number(match[1]), Number(match[2])];
  if (year < 1000 || month < 1 || month > 12) return undefined;
  return { startMs: Date.UTC(year, month - 1, 1), endMs: Date.UTC(year, month, 1) };
};

export const parseInstant = (text: string): number | undefined => {
  if (!INSTANT.test(text)) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls "2024-02-30T00:00Z" over to March: refuse dates that are not on the calendar.
  return parseDay(text.slice(0, 10)) === undefined ? undefined : ms;
};

/** The interval an occurrence text denotes at a precision, or a reason it does not denote one. */
export const occurrenceInterval = (value: string, precision: Precision): Interval | string => {
  switch (precision) {
    case 'instant': {
      const ms = parseInstant(value);
      return ms === undefined
        ? 'must be an ISO 8601 date-time with a time zone for precision "instant"'
        : { startMs: ms, endMs: ms + 1 };
    }
    case 'day': {
      const ms = parseDay(value);
      return ms === undefined
        ? 'must be a calendar date YYYY-MM-DD for precision "day"'
        : { startMs: ms, endMs: ms + DAY_MS };
    }
    case 'month':
      return parseMonth(value) ?? 'must be a month YYYY-MM for precision "month"';
    case 'range': {
      const [from, to, ...rest] = value.split('/');
      const start = from === undefined ? undefined : parseDay(from);
      const end = to === undefined ? undefined : parseDay(to);
      if (rest.length > 0 || start === undefined || end === undefined)
        return 'must be two calendar dates YYYY-MM-DD/YYYY-MM-DD for precision "range"';
      if (end < start) return 'range must not end before it starts';
      return { startMs: start, endMs: end + DAY_MS };
    }
    default: {
      const exhaustive: never = precision;
      return exhaustive;
    }
  }
};

/** A publication or query time: a calendar date (taken as the whole UTC day) or an ISO date-time with zone. */
export const DateOrDateTime = withShape(
  new t.Type<string, string, unknown>(
    'DateOrDateTime',
    (u): u is string => typeof u === 'string' && (parseDay(u) !== undefined || parseInstant(u) !== undefined),
    (u, c) =>
      typeof u === 'string' && (parseDay(u) !== undefined || parseInstant(u) !== undefined)
        ? t.success(u)
        : t.failure(u, c, 'must be an ISO 8601 date (YYYY-MM-DD) or date-time with a time zone'),
    t.identity,
  ),
  { kind: 'string', format: 'date-or-date-time' },
);

/** Inclusive upper bound of a date or date-time, in ms: a bare date covers its whole UTC day. */
export const endOfDateOrDateTime = (value: string): number => {
  const day = parseDay(value);
  return day !== undefined ? day + DAY_MS - 1 : (parseInstant(value) ?? Number.NaN);
};

/** Start of a date or date-time, in ms. */
export const startOfDateOrDateTime = (value: string): number =>
  parseDay(value) ?? parseInstant(value) ?? Number.NaN;

/** An instant assigned by a machine clock; always ISO 8601 UTC with milliseconds. */
export const Instant = new t.Type<string, string, unknown>(
  'Instant',
  (u): u is string => typeof u === 'string' && parseInstant(u) !== undefined,
  (u, c) =>
    typeof u === 'string' && parseInstant(u) !== undefined
      ? t.success(u)
      : t.failure(u, c, 'must be an ISO 8601 date-time with a time zone'),
  t.identity,
);
