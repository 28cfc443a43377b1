// The page reads only this server's JSON API; every view is asked for at a date and, optionally, at a
// past recording time (knownAt). The shapes come from the client generated from the API's OpenAPI document
// (clients/typescript/schema.ts): `npm run typecheck` holds the page to the fields they name.

/**
 * @typedef {import('../../../clients/typescript/schema').components['schemas']} Schemas
 * @typedef {Schemas['StatusView']} StatusView
 * @typedef {Schemas['IssuesAnswer']} IssuesAnswer
 * @typedef {Schemas['PhasesAnswer']} PhasesAnswer
 * @typedef {Schemas['TimelineEntry']} TimelineEntry
 * @typedef {Schemas['NegotiationList']['negotiations'][number]} NegotiationListEntry
 * @typedef {Schemas['EventsPage']['events'][number]} StoredEvent
 * @typedef {{ asOf?: string, knownAt?: string, include?: string }} Moment
 */

const query = (params) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
};

/** Thrown for a recording time before the negotiation's first event: the log knew nothing of it then. */
class NotKnownYet extends Error {}

/**
 * @param {string} path
 * @param {AbortSignal | undefined} signal
 * @returns {Promise<any>} the body, typed by each caller for its endpoint
 */
const getJson = async (path, signal) => {
  const response = await fetch(path, { signal, headers: { accept: 'application/json' } });
  if (response.status === 404) {
    const problem = await response
      .clone()
      .json()
      .catch(() => ({}));
    if (problem.type === '/problems/not-known-yet') throw new NotKnownYet(problem.detail);
  }
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw Object.assign(new Error(problem.detail ?? `${path} answered ${response.status}`), { problem });
  }
  return response.json();
};

const negotiationPath = (negotiationId) => `/negotiations/${encodeURIComponent(negotiationId)}`;

/** @returns {Promise<NegotiationListEntry[]>} */
export const fetchNegotiations = (signal) =>
  getJson('/negotiations', signal).then((body) => body.negotiations);

const unlessNotKnown = (fallback) => (error) => {
  if (error instanceof NotKnownYet) return fallback;
  throw error;
};

/** @returns {Promise<TimelineEntry[]>} */
export const fetchTimeline = (negotiationId, knownAt, signal) =>
  getJson(`${negotiationPath(negotiationId)}/timeline${query({ knownAt })}`, signal).then(
    (body) => body.timeline,
    unlessNotKnown([]),
  );

/**
 * What the panels show for a time when nothing of the negotiation had been recorded.
 * @type {{ status: Partial<StatusView>, issues: Partial<IssuesAnswer>, phases: Partial<PhasesAnswer> }}
 */
const NOTHING_KNOWN = {
  status: { developmentCount: 0 },
  issues: {
    issues: [],
    counts: { open: 0, narrowed: 0, deferred: 0, resolved: 0, reopened: 0 },
    uncertain: [],
    uncertainCount: 0,
  },
  phases: { phases: [], undefinedPhases: [], uncertain: [], uncertainCount: 0 },
};

/**
 * Status, open issues and phase readiness as of a day, fetched together so the panels never disagree.
 * @param {string} negotiationId
 * @param {Moment} moment
 * @param {AbortSignal} [signal]
 * @returns {Promise<{ status: Partial<StatusView>, issues: Partial<IssuesAnswer>, phases: Partial<PhasesAnswer> }>}
 */
export const fetchViews = async (negotiationId, { asOf, knownAt, include }, signal) => {
  const suffix = query({ asOf, knownAt, include });
  const base = negotiationPath(negotiationId);
  try {
    /** @type {[{ status: StatusView }, IssuesAnswer, PhasesAnswer]} */
    const [status, issues, phases] = await Promise.all([
      getJson(`${base}/status${suffix}`, signal),
      getJson(`${base}/issues${suffix}`, signal),
      getJson(`${base}/phases${suffix}`, signal),
    ]);
    return { status: status.status, issues, phases };
  } catch (error) {
    return unlessNotKnown(NOTHING_KNOWN)(error);
  }
};

/**
 * The stored events (recording provenance: recordedBy, revision, hash), following the pages to the end.
 * @returns {Promise<StoredEvent[]>}
 */
export const fetchStoredEvents = async (negotiationId, signal) => {
  /** @type {StoredEvent[]} */
  const events = [];
  let next = `${negotiationPath(negotiationId)}/events?limit=1000`;
  while (next !== undefined) {
    const page = await getJson(next, signal);
    events.push(...page.events);
    next = page.next;
  }
  return events;
};

/** The schema of every event type's body, as the API validates it (the forms are built from it). */
export const fetchEventSchemas = (signal) => getJson('/schema/events', signal);

/**
 * Sends events with the writer's token: resolves with the status and the body (the stored result, or a
 * problem+json whose errors name fields), never throwing on a refusal.
 */
export const postEvents = async (negotiationId, body, token) => {
  const response = await fetch(`${negotiationPath(negotiationId)}/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, application/problem+json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  return { status: response.status, ok: response.ok, body: answer };
};

/** Where the browser follows a negotiation's appended events (server-sent events), from a global position. */
export const streamPath = (negotiationId, after) =>
  `${negotiationId === undefined ? '/stream' : `${negotiationPath(negotiationId)}/stream`}${
    after === undefined ? '' : `?after=${after}`
  }`;

/** CSV downloads with the same parameters as the views. */
export const csvPath = (negotiationId, view, params) =>
  `${negotiationPath(negotiationId)}/${view}.csv${query(params)}`;

/**
 * Issues in every state (the pictures draw resolved ones too) as of a day.
 * @returns {Promise<IssuesAnswer>}
 */
export const fetchIssuesAt = (negotiationId, params, signal) =>
  getJson(`${negotiationPath(negotiationId)}/issues${query({ ...params, state: 'all' })}`, signal);
/** @returns {Promise<PhasesAnswer>} */
export const fetchPhasesAt = (negotiationId, params, signal) =>
  getJson(`${negotiationPath(negotiationId)}/phases${query(params)}`, signal);
/** @returns {Promise<StatusView>} */
export const fetchStatusAt = (negotiationId, params, signal) =>
  getJson(`${negotiationPath(negotiationId)}/status${query(params)}`, signal).then((body) => body.status);
