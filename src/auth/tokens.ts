import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { FieldViolation, Name, boundedArray, oneOf, strictObject, toFieldViolations } from '../domain';

/** Roles in increasing power: a writer can read, an admin can write. */
export const ROLES = ['reader', 'writer', 'admin'] as const;
export const Role = oneOf('Role', ROLES);
export type Role = t.TypeOf<typeof Role>;

export const roleAllows = (held: Role, required: Role): boolean =>
  ROLES.indexOf(held) >= ROLES.indexOf(required);

const Sha256Hex = new t.Type<string, string, unknown>(
  'Sha256Hex',
  (u): u is string => typeof u === 'string' && /^[0-9a-f]{64}$/.test(u),
  (u, c) =>
    typeof u === 'string' && /^[0-9a-f]{64}$/.test(u)
      ? t.success(u)
      : t.failure(u, c, 'must be a lower-case SHA-256 hex digest'),
  t.identity,
);

/** A principal as configured: its name, its role, and the SHA-256 of its token (the token itself is never stored). */
export const PrincipalRecord = strictObject('PrincipalRecord', {
  principal: Name,
  role: Role,
  tokenSha256: Sha256Hex,
});
export type PrincipalRecord = t.TypeOf<typeof PrincipalRecord>;

/** The tokens file: `{"principals": [{"principal": "...", "role": "writer", "tokenSha256": "..."}]}`. */
export const TokenFile = strictObject('TokenFile', {
  principals: boundedArray(PrincipalRecord, 'principals', 10_000),
});
export type TokenFile = t.TypeOf<typeof TokenFile>;

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export const generateToken = (): string => `nt_${randomBytes(32).toString('base64url')}`;

/** Parses `AUTH_TOKENS`: comma-separated `principal:role:sha256`. */
export const parseTokenSpec = (spec: string): E.Either<FieldViolation[], PrincipalRecord[]> => {
  const entries = spec
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const records = entries.map((entry) => {
    const [principal, role, tokenSha256, ...rest] = entry.split(':');
    return rest.length > 0 ? { invalid: entry } : { principal, role, tokenSha256 };
  });
  const decoded = t.array(PrincipalRecord).decode(records);
  return E.mapLeft((errors: t.Errors) => toFieldViolations(errors, 'AUTH_TOKENS'))(decoded);
};

export interface Principal {
  readonly id: string;
  readonly role: Role;
}

/** The principals as they stand now: a fixed list, or a source read again when it changes (see watchedPrincipals). */
export type PrincipalSource = readonly PrincipalRecord[] | (() => readonly PrincipalRecord[]);

export const currentPrincipals = (source: PrincipalSource): readonly PrincipalRecord[] =>
  typeof source === 'function' ? source() : source;

/** Finds the principal a presented token belongs to, comparing digests in constant time. */
export const principalLookup = (source: PrincipalSource) => {
  let records: readonly PrincipalRecord[] | undefined;
  let digests: Array<{ record: PrincipalRecord; digest: Buffer }> = [];
  return (token: string): Principal | undefined => {
    const now = currentPrincipals(source);
    // Digests are decoded again only when the source hands over a new list.
    if (now !== records) {
      records = now;
      digests = now.map((record) => ({ record, digest: Buffer.from(record.tokenSha256, 'hex') }));
    }
    const presented = Buffer.from(hashToken(token), 'hex');
    const match = digests.find(({ digest }) => timingSafeEqual(digest, presented));
    return match ? { id: match.record.principal, role: match.record.role } : undefined;
  };
};
