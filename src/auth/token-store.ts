import * as E from 'fp-ts/Either';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FieldViolation, toFieldViolations } from '../domain';
import { PrincipalRecord, Role, TokenFile, generateToken, hashToken } from './tokens';

/** Reads a tokens file; a missing file reads as no principals. */
export const readTokenFile = (file: string): E.Either<FieldViolation[], PrincipalRecord[]> => {
  if (!existsSync(file)) return E.right([]);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return E.left([{ field: file, reason: `is not valid JSON: ${(error as Error).message}` }]);
  }
  return E.bimap(
    (errors: import('io-ts').Errors) => toFieldViolations(errors, file),
    (parsed: TokenFile) => parsed.principals,
  )(TokenFile.decode(json));
};

/** Adds a principal with a fresh token to the file (created with owner-only permissions); returns the token. */
export const addPrincipal = (
  file: string,
  principal: string,
  role: Role,
): E.Either<FieldViolation[], string> => {
  const existing = readTokenFile(file);
  if (E.isLeft(existing)) return existing;
  if (existing.right.some((record) => record.principal === principal))
    return E.left([{ field: 'principal', reason: `"${principal}" already has a token in ${file}` }]);
  const token = generateToken();
  const principals = [...existing.right, { principal, role, tokenSha256: hashToken(token) }];
  mkdirSync(dirname(file), { recursive: true });
  // Written aside and renamed over the file, so a running server reading it never sees half of it.
  const written = `${file}.${process.pid}.tmp`;
  writeFileSync(written, `${JSON.stringify({ principals }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(written, 0o600);
  renameSync(written, file);
  return E.right(token);
};

/**
 * The principals of AUTH_TOKENS and of the tokens file, the file read again whenever it changes on disk, so a
 * token the command line issues (or removes) takes effect on a running server at once. A file that stops
 * decoding keeps the last good list and is reported once per change.
 */
export const watchedPrincipals = (
  file: string,
  fixed: readonly PrincipalRecord[],
  onProblem: (problems: readonly FieldViolation[]) => void = () => undefined,
): (() => readonly PrincipalRecord[]) => {
  let seen = '';
  let current: readonly PrincipalRecord[] = fixed;
  return () => {
    const stat = statSync(file, { throwIfNoEntry: false });
    const signature = stat === undefined ? 'missing' : `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    if (signature === seen) return current;
    seen = signature;
    const fromFile = readTokenFile(file);
    if (E.isLeft(fromFile)) onProblem(fromFile.left);
    else current = [...fixed, ...fromFile.right];
    return current;
  };
};
