import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addPrincipal, hashToken, principalLookup, watchedPrincipals } from '../../src/auth';
import { unwrap } from '../support/builders';
import { scratch } from '../support/scratch';

describe('the tokens file as a running server reads it', () => {
  const folder = scratch('tracker-tokens-');
  const fresh = () => join(folder(), 'tokens.json');

  it('accepts a token issued after the server started, without a restart', () => {
    const file = fresh();
    const first = unwrap(addPrincipal(file, 'local-writer', 'writer'));
    const lookup = principalLookup(watchedPrincipals(file, []));
    expect(lookup(first)).toEqual({ id: 'local-writer', role: 'writer' });
    const later = unwrap(addPrincipal(file, 'alice', 'reader'));
    expect(lookup(later)).toEqual({ id: 'alice', role: 'reader' });
    expect(lookup(first)).toEqual({ id: 'local-writer', role: 'writer' });
  });

  it('stops accepting a token removed from the file, and keeps the fixed principals of AUTH_TOKENS', () => {
    const file = fresh();
    const token = unwrap(addPrincipal(file, 'bob', 'writer'));
    const fixed = [{ principal: 'ops', role: 'admin' as const, tokenSha256: hashToken('ops-secret') }];
    const lookup = principalLookup(watchedPrincipals(file, fixed));
    expect(lookup(token)).toEqual({ id: 'bob', role: 'writer' });
    writeFileSync(file, JSON.stringify({ principals: [] }));
    expect(lookup(token)).toBeUndefined();
    expect(lookup('ops-secret')).toEqual({ id: 'ops', role: 'admin' });
  });

  it('keeps the last good principals when the file stops decoding, and says so', () => {
    const file = fresh();
    const token = unwrap(addPrincipal(file, 'carol', 'writer'));
    const problems: string[] = [];
    const lookup = principalLookup(
      watchedPrincipals(file, [], (found) => problems.push(...found.map((p) => p.reason))),
    );
    expect(lookup(token)).toEqual({ id: 'carol', role: 'writer' });
    writeFileSync(file, '{ not json');
    expect(lookup(token)).toEqual({ id: 'carol', role: 'writer' });
    expect(problems).toEqual([expect.stringContaining('is not valid JSON')]);
  });
});
