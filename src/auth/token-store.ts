import * as E from 'fp-ts/Either';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  writeFileSync(file, `${JSON.stringify({ principals }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return E.right(token);
};
