import createClient, { type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema';

/**
 * A typed client for the negotiation tracker's HTTP API: paths, parameters, bodies and answers are checked by the
 * compiler against the OpenAPI document the server serves (schema.ts is generated from it: npm run
 * client:generate).
 */
export type { components, operations, paths };
export type Schemas = components['schemas'];
export type NewEvent = Schemas['NewEvent'];
export type RecordedEvent = Schemas['RecordedEvent'];
export type Problem = Schemas['Problem'];

export interface TrackerClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** A token from `negotiation-tracker token`, sent as a bearer token. */
  readonly token?: string;
}

export const createTrackerClient = (
  baseUrl: string,
  { token, headers, ...options }: TrackerClientOptions = {},
) =>
  createClient<paths>({
    baseUrl,
    ...options,
    headers: { ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }), ...(headers as object) },
  });

export type TrackerClient = ReturnType<typeof createTrackerClient>;
