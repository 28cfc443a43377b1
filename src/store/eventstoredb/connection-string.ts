/**
 * Connection strings for EventStoreDB and its successor KurrentDB. KurrentDB's clients take `kurrentdb://` (and
 * `kurrent://`, `kdb://`, each with `+discover`) beside `esdb://`; the client this adapter uses takes only
 * `esdb://`, and the rest of the string means the same to both, so only the scheme is translated.
 */
const SCHEME = /^(esdb|kurrentdb|kurrent|kdb)(\+discover)?:\/\//i;

export const CONNECTION_STRING_FORMS =
  'esdb://host:2113?tls=false or kurrentdb://host:2113?tls=false (+discover)';

export const isConnectionString = (value: string): boolean => SCHEME.test(value) && /^\S+$/.test(value);

/** The same connection string with the scheme the client understands. */
export const toClientConnectionString = (value: string): string =>
  value.replace(SCHEME, (_scheme, _name: string, discover: string | undefined) =>
    discover === undefined ? 'esdb://' : 'esdb+discover://',
  );
