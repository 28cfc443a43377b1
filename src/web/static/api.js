// The page reads only this server's JSON API; every view is asked for at a date and, optionally, at a
// past recording time (knownAt).

const query = (params) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
};

/** Thrown for a recording time before the negotiation's first event: the log knew nothing of it then. */
class NotKnownYet extends Error {}

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

export const fetchNegotiations = (signal) =>
  getJson('/negotiations', signal).then((body) => body.negotiations);

const unlessNotKnown = (fallback) => (error) => {
  if (error instanceof NotKnownYet) return fallback;
  throw error;
};

export const fetchTimeline = (negotiationId, knownAt, signal) =>
  getJson(`${negotiationPath(negotiationId)}/timeline${query({ knownAt })}`, signal).then(
    (body) => body.timeline,
    unlessNotKnown([]),
  );

/** What the panels show for a time when nothing of the negotiation had been recorded. */
const NOTHING_KNOWN = {
  status: { developmentCount: 0 },
  issues: { issues: [], counts: {}, uncertain: [], uncertainCount: 0 },
  phases: { phases: [], undefinedPhases: [], uncertain: [], uncertainCount: 0 },
};

/** Status, open issues and phase readiness as of a day, fetched together so the panels never disagree. */
export const fetchViews = async (negotiationId, { asOf, knownAt, include }, signal) => {
  const suffix = query({ asOf, knownAt, include });
  const base = negotiationPath(negotiationId);
  try {
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

/** The stored events (recording provenance: recordedBy, revision, hash), following the pages to the end. */
export const fetchStoredEvents = async (negotiationId, signal) => {
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

/** Issues in every state (the pictures draw resolved ones too) as of a day. */
export const fetchIssuesAt = (negotiationId, params, signal) =>
  getJson(`${negotiationPath(negotiationId)}/issues${query({ ...params, state: 'all' })}`, signal);
export const fetchPhasesAt = (negotiationId, params, signal) =>
  getJson(`${negotiationPath(negotiationId)}/phases${query(params)}`, signal);
export const fetchStatusAt = (negotiationId, params, signal) =>
  getJson(`${negotiationPath(negotiationId)}/status${query(params)}`, signal).then((body) => body.status);
