import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The writer token a first start creates, kept (owner-only) beside the tokens file so that it can be shown again:
 * the start banner shows it masked on every start, `token --show-first` in full. Only this one is kept: tokens
 * issued later are shown once and stored as digests alone.
 */
export const firstTokenFile = (authTokensFile: string): string =>
  join(dirname(authTokensFile), 'first-writer-token');

export const saveFirstToken = (file: string, token: string): void => {
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  // The mode given to writeFileSync is reduced by the umask, and ignored for a file that already exists.
  chmodSync(file, 0o600);
};

export const readFirstToken = (file: string): string | undefined =>
  existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;

/** Enough to recognise the token, not to use it. */
export const maskedToken = (token: string): string => `${token.slice(0, 7)}…${token.slice(-4)}`;
