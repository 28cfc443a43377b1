import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import {
  DateOrDateTime,
  FieldViolation,
  Slug,
  describedAs,
  oneOf,
  strictObject,
  toFieldViolations,
} from '../domain';
import { ExpectedRevision } from '../store';

/** Codecs for what arrives in URLs and headers. Query values are strings; numbers are parsed here. */

const IntegerString = (name: string, min: number, max: number) =>
  describedAs(
    new t.Type<number, string, unknown>(
      name,
      (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max,
      (u, c) => {
        if (typeof u !== 'string' || !/^\d{1,15}$/.test(u))
          return t.failure(u, c, `must be an integer from ${min} to ${max}`);
        const n = Number(u);
        return n >= min && n <= max
          ? t.success(n)
          : t.failure(u, c, `must be an integer from ${min} to ${max}`);
      },
      String,
    ),
    { type: 'integer', minimum: min, maximum: max },
  );

export const AsOfParams = strictObject(
  'AsOfParams',
  {},
  {
    asOf: DateOrDateTime,
    knownAt: DateOrDateTime,
    include: oneOf('include', ['possible', 'certain'] as const),
  },
);
export type AsOfParams = t.TypeOf<typeof AsOfParams>;

export const StatusParams = strictObject(
  'StatusParams',
  {},
  {
    asOf: DateOrDateTime,
    knownAt: DateOrDateTime,
    include: oneOf('include', ['possible', 'certain'] as const),
    deadlines: oneOf('deadlines', ['live', 'all'] as const),
  },
);

export const IssuesParams = strictObject(
  'IssuesParams',
  {},
  {
    asOf: DateOrDateTime,
    knownAt: DateOrDateTime,
    include: oneOf('include', ['possible', 'certain'] as const),
    state: oneOf('state', ['open', 'all'] as const),
  },
);

export const TimelineParams = strictObject(
  'TimelineParams',
  {},
  { from: DateOrDateTime, to: DateOrDateTime, knownAt: DateOrDateTime },
);
export type TimelineParams = t.TypeOf<typeof TimelineParams>;

/** An append's query: `strict=true` refuses developments that name what nothing defines by their date. */
export const AppendParams = strictObject(
  'AppendParams',
  {},
  { strict: oneOf('strict', ['true', 'false'] as const) },
);
export type AppendParams = t.TypeOf<typeof AppendParams>;

export const MAX_PAGE = 1000;
export const EventsPageParams = strictObject(
  'EventsPageParams',
  {},
  {
    fromRevision: IntegerString('fromRevision', 0, Number.MAX_SAFE_INTEGER),
    limit: IntegerString('limit', 1, MAX_PAGE),
  },
);

/** Where a stream follower resumes: after this global position (Last-Event-ID, when sent, wins). */
export const StreamParams = strictObject(
  'StreamParams',
  {},
  { after: IntegerString('after', 0, Number.MAX_SAFE_INTEGER) },
);

export const NegotiationIdParam = Slug;

/** Any of the query codecs: an object codec whose fields are the query parameters. */
export type QueryCodec<A> = t.Decoder<unknown, A> & {
  readonly required: t.Props;
  readonly optional: t.Props;
};

/** Decodes a query string, reporting unknown or repeated parameters by name. */
export const decodeQuery = <A>(codec: QueryCodec<A>, query: unknown): E.Either<FieldViolation[], A> => {
  const given = Object.entries((query ?? {}) as Record<string, unknown>);
  const known = [...Object.keys(codec.required), ...Object.keys(codec.optional)].sort();
  const unknown = given
    .filter(([field]) => !known.includes(field))
    .map(([field]) => ({
      field,
      reason: `is not a query parameter of this endpoint (known: ${known.join(', ') || 'none'})`,
    }));
  const repeated = given
    .filter(([field, value]) => known.includes(field) && typeof value !== 'string')
    .map(([field]) => ({ field, reason: 'must be given once, as a plain value' }));
  if (unknown.length > 0 || repeated.length > 0) return E.left([...unknown, ...repeated]);
  return E.mapLeft((errors: t.Errors) => toFieldViolations(errors))(codec.decode(query ?? {}));
};

const QUOTED_REVISION = /^"(-1|0|[1-9]\d{0,15})"$/;

/**
 * The expected revision from conditional headers: `If-Match: "<revision>"` (the ETag of a previous response),
 * `If-Match: *` (the negotiation must exist) or `If-None-Match: *` (it must not).
 */
export const expectedRevisionFrom = (
  ifMatch: string | undefined,
  ifNoneMatch: string | undefined,
): E.Either<FieldViolation[], ExpectedRevision> => {
  if (ifMatch !== undefined && ifNoneMatch !== undefined)
    return E.left([{ field: 'If-None-Match', reason: 'cannot be combined with If-Match' }]);
  if (ifNoneMatch !== undefined)
    return ifNoneMatch.trim() === '*'
      ? E.right({ kind: 'no-stream' })
      : E.left([
          {
            field: 'If-None-Match',
            reason: 'only "*" is supported on appends (the negotiation must not exist yet)',
          },
        ]);
  if (ifMatch === undefined) return E.right({ kind: 'any' });
  const value = ifMatch.trim();
  if (value === '*') return E.right({ kind: 'stream-exists' });
  const match = QUOTED_REVISION.exec(value);
  if (!match?.[1])
    return E.left([
      { field: 'If-Match', reason: 'must be a quoted revision such as "4" (an ETag from this API) or *' },
    ]);
  const revision = Number(match[1]);
  // Past 2^53 a number no longer holds every integer: "9007199254740993" would be read as ...992.
  if (!Number.isSafeInteger(revision))
    return E.left([
      { field: 'If-Match', reason: `must be a revision no greater than ${Number.MAX_SAFE_INTEGER}` },
    ]);
  return E.right(revision < 0 ? { kind: 'no-stream' } : { kind: 'exact', revision });
};

export const etagOf = (revision: number): string => `"${revision}"`;

export const MAX_HISTORY_PAGE = 200;
export const HistoryParams = strictObject(
  'HistoryParams',
  {},
  {
    fromRevision: IntegerString('fromRevision', 0, Number.MAX_SAFE_INTEGER),
    limit: IntegerString('limit', 1, MAX_HISTORY_PAGE),
    format: oneOf('format', ['json', 'ndjson'] as const),
  },
);

export const DiffParams = strictObject(
  'DiffParams',
  { from: DateOrDateTime, to: DateOrDateTime },
  { knownAt: DateOrDateTime, include: oneOf('include', ['possible', 'certain'] as const) },
);
export type DiffParams = t.TypeOf<typeof DiffParams>;
