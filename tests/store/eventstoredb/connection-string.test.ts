import * as E from 'fp-ts/Either';
import { loadConfig } from '../../../src/config';
import { isConnectionString, toClientConnectionString } from '../../../src/store/eventstoredb';

describe('EventStoreDB and KurrentDB connection strings', () => {
  it('accepts kurrentdb:// (and kurrent://, kdb://, with +discover) beside esdb://', () => {
    for (const value of [
      'esdb://localhost:2113?tls=false',
      'esdb+discover://cluster.example:2113',
      'kurrentdb://localhost:2113?tls=false',
      'kurrentdb+discover://a:2113,b:2113?tls=false&nodePreference=leader',
      'kurrent://admin:changeit@localhost:2113',
      'kdb://localhost:2113',
    ])
      expect(isConnectionString(value)).toBe(true);
    for (const value of ['http://localhost:2113', 'esdb:/localhost', 'kurrentdb://with space', './data'])
      expect(isConnectionString(value)).toBe(false);
  });

  it('gives the client the esdb scheme and keeps everything after it', () => {
    expect(toClientConnectionString('kurrentdb://admin:changeit@a:2113,b:2113?tls=false')).toBe(
      'esdb://admin:changeit@a:2113,b:2113?tls=false',
    );
    expect(toClientConnectionString('kurrentdb+discover://cluster:2113')).toBe(
      'esdb+discover://cluster:2113',
    );
    expect(toClientConnectionString('esdb://localhost:2113?tls=false')).toBe(
      'esdb://localhost:2113?tls=false',
    );
  });

  it('lets EVENTSTORE_URL name a KurrentDB server, and names the variable for anything else', () => {
    const config = loadConfig({ EVENTSTORE_URL: 'kurrentdb://localhost:2113?tls=false' }, '/project');
    expect(E.isRight(config) && config.right.eventStoreUrl).toBe('kurrentdb://localhost:2113?tls=false');
    const refused = loadConfig({ EVENTSTORE_URL: 'http://localhost:2113' }, '/project');
    expect(E.isLeft(refused) && refused.left.map((v) => v.field)).toEqual(['EVENTSTORE_URL']);
  });
});
