import * as E from 'fp-ts/Either';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  addPrincipal,
  hashToken,
  parseTokenSpec,
  principalLookup,
  readTokenFile,
  roleAllows,
} from '../../src/auth';
import { unwrap, unwrapLeft } from '../support/builders';
import { scratch } from '../support/scratch';

describe('tokens and roles', () => {
  const fresh = scratch('tokens-');
  it('orders roles reader < writer < admin', () => {
    expect(roleAllows('admin', 'writer')).toBe(true);
    expect(roleAllows('writer', 'reader')).toBe(true);
    expect(roleAllows('reader', 'writer')).toBe(false);
    expect(roleAllows('writer', 'admin')).toBe(false);
  });

  it('parses AUTH_TOKENS of principal:role:sha256 and finds a principal by its token', () => {
    const spec = `alice:writer:${hashToken('secret-a')}, bob:reader:${hashToken('secret-b')}`;
    const lookup = principalLookup(unwrap(parseTokenSpec(spec)));
    expect(lookup('secret-a')).toEqual({ id: 'alice', role: 'writer' });
    expect(lookup('secret-b')).toEqual({ id: 'bob', role: 'reader' });
    expect(lookup('secret-c')).toBeUndefined();
  });

  it('refuses plain tokens, unknown roles and malformed entries in AUTH_TOKENS', () => {
    expect(unwrapLeft(parseTokenSpec('alice:writer:not-a-digest'))[0]?.field).toBe(
      'AUTH_TOKENS.0.tokenSha256',
    );
    expect(unwrapLeft(parseTokenSpec(`alice:root:${hashToken('x')}`))[0]?.field).toBe('AUTH_TOKENS.0.role');
    expect(E.isLeft(parseTokenSpec('a:b:c:d'))).toBe(true);
  });

  it('stores only the digest of a new token, in an owner-only file', () => {
    const file = join(fresh(), 'tokens.json');
    const token = unwrap(addPrincipal(file, 'carol', 'admin'));
    expect(readFileSync(file, 'utf8')).not.toContain(token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(principalLookup(unwrap(readTokenFile(file)))(token)).toEqual({ id: 'carol', role: 'admin' });
    expect(unwrapLeft(addPrincipal(file, 'carol', 'reader'))[0]?.field).toBe('principal');
  });
});
