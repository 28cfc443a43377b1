import * as t from 'io-ts';
import * as E from 'fp-ts/Either';

/** Building blocks shared by every shape of the domain: strings with limits, and objects that refuse unknown keys. */

/**
 * What a codec accepts, as data: read by the API to describe its request bodies (forms are built from it), so
 * the description can never drift from the validation. Codecs built here record theirs; others have none.
 */
export type CodecShape =
  | {
      readonly kind: 'string';
      readonly maxLength?: number;
      readonly pattern?: string;
      readonly format?: string;
    }
  | { readonly kind: 'number'; readonly exclusiveMinimum?: number }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'array'; readonly item: t.Mixed; readonly minItems: number; readonly maxItems: number }
  | { readonly kind: 'object'; readonly required: t.Props; readonly optional: t.Props }
  | { readonly kind: 'union'; readonly tagKey: string; readonly members: Record<string, t.Mixed> };

const shapes = new WeakMap<object, CodecShape>();

/** Records what `codec` accepts; returns the codec. */
export const withShape = <C extends t.Any>(codec: C, shape: CodecShape): C => {
  shapes.set(codec, shape);
  return codec;
};

export const shapeOf = (codec: t.Any): CodecShape | undefined => shapes.get(codec);

/** A codec that refines another (extra rules across fields) accepts the same shape. */
export const sameShapeAs = <C extends t.Any>(inner: t.Any, codec: C): C => {
  const shape = shapes.get(inner);
  if (shape !== undefined) shapes.set(codec, shape);
  return codec;
};

export const MAX_TEXT_LENGTH = 20_000;
export const MAX_NAME_LENGTH = 500;

const boundedString = (name: string, maxLength: number) =>
  withShape(
    new t.Type<string, string, unknown>(
      name,
      (u): u is string => typeof u === 'string' && u.trim().length > 0 && u.length <= maxLength,
      (u, c) => {
        if (typeof u !== 'string') return t.failure(u, c, 'must be a string');
        if (u.trim().length === 0) return t.failure(u, c, 'must not be empty');
        if (u.length > maxLength) return t.failure(u, c, `must be at most ${maxLength} characters`);
        return t.success(u);
      },
      t.identity,
    ),
    { kind: 'string', maxLength },
  );

/** A short identifier or name: a party, a venue, an outlet. */
export const Name = boundedString('Name', MAX_NAME_LENGTH);
/** Free text: summaries, quotes, provisions. */
export const Text = boundedString('Text', MAX_TEXT_LENGTH);

const SLUG_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;
/** A stable identifier chosen by people (negotiation, proposal, issue, phase ids): lower-case, URL-safe. */
export const Slug = withShape(
  new t.Type<string, string, unknown>(
    'Slug',
    (u): u is string => typeof u === 'string' && SLUG_PATTERN.test(u),
    (u, c) =>
      typeof u === 'string' && SLUG_PATTERN.test(u)
        ? t.success(u)
        : t.failure(
            u,
            c,
            'must be 1-128 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit',
          ),
    t.identity,
  ),
  { kind: 'string', pattern: SLUG_PATTERN.source },
);

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const Uuid = withShape(
  new t.Type<string, string, unknown>(
    'Uuid',
    (u): u is string => typeof u === 'string' && UUID_PATTERN.test(u),
    (u, c) =>
      typeof u === 'string' && UUID_PATTERN.test(u)
        ? t.success(u)
        : t.failure(u, c, 'must be a lower-case RFC 9562 UUID'),
    t.identity,
  ),
  { kind: 'string', format: 'uuid', pattern: UUID_PATTERN.source },
);

export const PositiveNumber = withShape(
  new t.Type<number, number, unknown>(
    'PositiveNumber',
    (u): u is number => typeof u === 'number' && Number.isFinite(u) && u > 0,
    (u, c) =>
      typeof u === 'number' && Number.isFinite(u) && u > 0
        ? t.success(u)
        : t.failure(u, c, 'must be a positive number'),
    t.identity,
  ),
  { kind: 'number', exclusiveMinimum: 0 },
);

const numberWhere = (name: string, test: (n: number) => boolean, reason: string) =>
  withShape(
    new t.Type<number, number, unknown>(
      name,
      (u): u is number => typeof u === 'number' && test(u),
      (u, c) => (typeof u === 'number' && test(u) ? t.success(u) : t.failure(u, c, reason)),
      t.identity,
    ),
    { kind: 'number' },
  );

/** A count of votes, seats, people. */
export const NonNegativeInteger = numberWhere(
  'NonNegativeInteger',
  (n) => Number.isSafeInteger(n) && n >= 0,
  'must be a whole number, 0 or more',
);

/** A share in percent, 0 to 100. */
export const Percent = numberWhere(
  'Percent',
  (n) => Number.isFinite(n) && n >= 0 && n <= 100,
  'must be a number from 0 to 100',
);

export const nonEmptyArray = <C extends t.Mixed>(codec: C, name: string, maxItems = 100) =>
  withShape(
    new t.Type<Array<t.TypeOf<C>>, Array<t.OutputOf<C>>, unknown>(
      name,
      (u): u is Array<t.TypeOf<C>> => Array.isArray(u) && u.length > 0 && u.every((item) => codec.is(item)),
      (u, c) => {
        if (!Array.isArray(u)) return t.failure(u, c, 'must be an array');
        if (u.length === 0) return t.failure(u, c, 'must not be empty');
        if (u.length > maxItems) return t.failure(u, c, `must have at most ${maxItems} items`);
        return t.array(codec).validate(u, c);
      },
      (a) => a.map((item) => codec.encode(item) as t.OutputOf<C>),
    ),
    { kind: 'array', item: codec, minItems: 1, maxItems },
  );

export const boundedArray = <C extends t.Mixed>(codec: C, name: string, maxItems = 100) =>
  withShape(
    new t.Type<Array<t.TypeOf<C>>, Array<t.OutputOf<C>>, unknown>(
      name,
      (u): u is Array<t.TypeOf<C>> =>
        Array.isArray(u) && u.length <= maxItems && u.every((item) => codec.is(item)),
      (u, c) => {
        if (!Array.isArray(u)) return t.failure(u, c, 'must be an array');
        if (u.length > maxItems) return t.failure(u, c, `must have at most ${maxItems} items`);
        return t.array(codec).validate(u, c);
      },
      (a) => a.map((item) => codec.encode(item) as t.OutputOf<C>),
    ),
    { kind: 'array', item: codec, minItems: 0, maxItems },
  );

/**
 * An object with required and optional properties that rejects keys it does not know, so a misspelt field
 * ("occuredAt") is an error rather than silently dropped evidence.
 */
export const strictObject = <R extends t.Props, O extends t.Props = Record<never, never>>(
  name: string,
  required: R,
  optional: O = {} as O,
) => {
  const known = new Set([...Object.keys(required), ...Object.keys(optional)]);
  const requiredKeys = new Set(Object.keys(required));
  const sortedKeys = [...known].sort();
  const requiredCodec = t.type(required);
  const optionalCodec = t.partial(optional);
  type A = t.TypeOf<typeof requiredCodec> & t.TypeOf<typeof optionalCodec>;
  const codec = new t.Type<A, unknown, unknown>(
    name,
    (u): u is A => requiredCodec.is(u) && optionalCodec.is(u),
    (u, c) => {
      if (typeof u !== 'object' || u === null || Array.isArray(u))
        return t.failure(u, c, 'must be an object');
      const record = u as Record<string, unknown>;
      const errors: t.ValidationError[] = Object.keys(record)
        .filter((key) => !known.has(key))
        .map((key) => ({
          value: record[key],
          context: [...c, { key, type: t.never, actual: record[key] }],
          message: `is not a field of ${name}`,
        }));
      // Both halves validate against the object's own context, so error paths carry no intersection indexes.
      const requiredPart = requiredCodec.validate(u, c);
      const optionalPart = optionalCodec.validate(u, c);
      if (E.isLeft(requiredPart)) errors.push(...requiredPart.left);
      if (E.isLeft(optionalPart)) errors.push(...optionalPart.left);
      if (errors.length > 0 || E.isLeft(requiredPart) || E.isLeft(optionalPart)) return t.failures(errors);
      // Drop undefined optionals so stored JSON and hashes do not depend on how a client spelt "absent", and
      // lay keys out sorted so a decoded event serialises straight to its canonical JSON (see hash-chain).
      return t.success(pickSorted(sortedKeys, requiredKeys, requiredPart.right, optionalPart.right) as A);
    },
    (a) => ({ ...requiredCodec.encode(a), ...optionalCodec.encode(a) }),
  );
  return withShape(codec, { kind: 'object', required, optional });
};

/**
 * The decoded object: each known key from the half that decoded it (io-ts passes the whole input object through
 * the other half, so a naive merge would put undecoded input values back), in sorted key order, undefined dropped.
 */
const pickSorted = (
  sortedKeys: readonly string[],
  requiredKeys: ReadonlySet<string>,
  required: object,
  optional: object,
): object => {
  const out: Record<string, unknown> = {};
  for (const key of sortedKeys) {
    const value = ((requiredKeys.has(key) ? required : optional) as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
};

/** A literal union with a readable failure that lists the allowed values. */
export const oneOf = <V extends string>(name: string, values: readonly V[]) => {
  const allowed = new Set<string>(values);
  const codec = new t.Type<V, V, unknown>(
    name,
    (u): u is V => typeof u === 'string' && allowed.has(u),
    (u, c) =>
      typeof u === 'string' && allowed.has(u)
        ? t.success(u as V)
        : t.failure(u, c, `must be one of: ${values.join(', ')}`),
    t.identity,
  );
  return withShape(codec, { kind: 'enum', values });
};

/**
 * A union told apart by one string field. Dispatching on that field first means an error names the fields of the
 * chosen member ("phaseId is required") instead of listing every member's failures.
 */
export const discriminated = <K extends string, M extends Record<string, t.Mixed>>(
  name: string,
  tagKey: K,
  members: M,
) => {
  const tags = Object.keys(members);
  type A = t.TypeOf<M[keyof M]>;
  const pick = (u: unknown): t.Mixed | undefined => {
    const tag = typeof u === 'object' && u !== null ? (u as Record<string, unknown>)[tagKey] : undefined;
    return typeof tag === 'string' && Object.prototype.hasOwnProperty.call(members, tag)
      ? members[tag]
      : undefined;
  };
  const codec = new t.Type<A, A, unknown>(
    name,
    (u): u is A => pick(u)?.is(u) ?? false,
    (u, c) => {
      if (typeof u !== 'object' || u === null || Array.isArray(u))
        return t.failure(u, c, 'must be an object');
      const member = pick(u);
      if (member === undefined) {
        const tag = (u as Record<string, unknown>)[tagKey];
        return t.failures([
          {
            value: tag,
            context: [...c, { key: tagKey, type: t.string, actual: tag }],
            message: `must be one of: ${tags.join(', ')}`,
          },
        ]);
      }
      return member.validate(u, c) as t.Validation<A>;
    },
    t.identity,
  );
  return withShape(codec, { kind: 'union', tagKey, members });
};
