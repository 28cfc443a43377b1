/**
 * Every problem type the API answers with: what it means and what to do about it. Each `type` URI resolves to a
 * page built from this table (GET /problems/{slug}), and problems are built through problemType(), so a problem
 * sent without an entry here does not compile.
 */
export interface ProblemTypeInfo {
  readonly title: string;
  /** The statuses this type is sent with. */
  readonly statuses: readonly number[];
  readonly meaning: string;
  readonly whatToDo: string;
}

export const PROBLEM_TYPES = {
  'validation-failed': {
    title: 'Invalid request',
    statuses: [400],
    meaning:
      'A field of the body, a query parameter, a path segment or a conditional header does not have an accepted value, or is not one the endpoint knows. Each entry of `errors` names the field (a dotted path such as `events.3.payload.issueId`, or the query parameter) and the reason.',
    whatToDo:
      'Fix every field listed in `errors` and send the request again. Nothing was stored. The accepted shapes are in /openapi.json and at /docs.',
  },
  'malformed-json': {
    title: 'Malformed JSON',
    statuses: [400],
    meaning: 'The request body is not valid JSON.',
    whatToDo: 'Send a valid JSON document (check quoting and trailing commas). Nothing was stored.',
  },
  'incomplete-body': {
    title: 'Incomplete body',
    statuses: [400],
    meaning: 'The request body ended before the length its Content-Length header declared.',
    whatToDo: 'Send the whole body, or let the HTTP client compute Content-Length. Nothing was stored.',
  },
  'undecodable-body': {
    title: 'Undecodable body',
    statuses: [400],
    meaning: 'The body does not decompress with the Content-Encoding the request declared.',
    whatToDo: 'Declare the encoding the body is really compressed with, or send it uncompressed.',
  },
  'bad-request': {
    title: 'Bad request',
    statuses: [400],
    meaning:
      'Part of the request could not be read (for example a path segment that is not valid percent-encoding).',
    whatToDo: 'Percent-encode the URL correctly and send the request again.',
  },
  'malformed-request': {
    title: 'Malformed HTTP request',
    statuses: [400],
    meaning: 'The request is not valid HTTP/1.1; the connection is closed after this answer.',
    whatToDo: 'Use a standard HTTP client.',
  },
  unauthorized: {
    title: 'Authentication required',
    statuses: [401],
    meaning: 'The request needs a token and sent none, or sent one the server does not know.',
    whatToDo:
      'Send `Authorization: Bearer <token>` (or `X-API-Key: <token>`) with a token issued by `negotiation-tracker token`.',
  },
  forbidden: {
    title: 'Not allowed',
    statuses: [403],
    meaning: 'The token is valid, but its role (reader, writer, admin) does not allow this request.',
    whatToDo: 'Use a token with the role the detail names (writers append; admins also list principals).',
  },
  'not-found': {
    title: 'Not found',
    statuses: [404],
    meaning: 'The path names no resource of this API, or a negotiation or event that has not been recorded.',
    whatToDo:
      'Check the negotiation id (GET /negotiations lists them) or the event id, and the path (/docs lists them).',
  },
  'not-known-yet': {
    title: 'Not known at that time',
    statuses: [404],
    meaning:
      'The query asked for the log as it stood at `knownAt`, and nothing of this negotiation had been recorded by then.',
    whatToDo:
      "Use a `knownAt` after the negotiation's first recording (the detail gives it), or leave `knownAt` out to read the log as it is now.",
  },
  'method-not-allowed': {
    title: 'Method not allowed',
    statuses: [405],
    meaning: 'The resource exists but does not support the HTTP method used.',
    whatToDo: 'Use one of the methods in the `Allow` header.',
  },
  'not-acceptable': {
    title: 'Not acceptable',
    statuses: [406],
    meaning: 'The `Accept` header names no media type this endpoint can answer with.',
    whatToDo:
      'Accept application/json (or application/x-ndjson where the endpoint offers it, as /history does), or send no Accept header.',
  },
  'request-timeout': {
    title: 'Request timeout',
    statuses: [408],
    meaning: 'The request headers or body did not arrive in the time the server allows.',
    whatToDo: 'Send the request without pauses; a slow network may need a smaller batch.',
  },
  'event-id-conflict': {
    title: 'Event id already used',
    statuses: [409],
    meaning:
      'An event id in the batch is already recorded with different content (a retry that changed the event), or belongs to another negotiation.',
    whatToDo:
      'A retry must send exactly the same event. A new development needs a new id (or none: the server mints one).',
  },
  'revision-conflict': {
    title: 'The negotiation has moved on',
    statuses: [412],
    meaning:
      'The append was conditional (`If-Match: "<revision>"`, `If-Match: *` or `If-None-Match: *`) and the negotiation is not in the state it names. `currentRevision` and the `ETag` header give its revision now.',
    whatToDo:
      'Read the negotiation again (its status or events), decide whether your events still apply, and retry with the current ETag in If-Match. Nothing was appended.',
  },
  'body-too-large': {
    title: 'Body too large',
    statuses: [413],
    meaning: 'The request body is larger than the server accepts (2 MB by default).',
    whatToDo: 'Split the batch into several appends.',
  },
  'unsupported-media-type': {
    title: 'Unsupported media type',
    statuses: [415],
    meaning: 'The body is not sent as application/json, or in a charset or encoding the server cannot read.',
    whatToDo:
      'Send `Content-Type: application/json` (UTF-8), compressed with gzip, deflate or br or not at all.',
  },
  'unsupported-encoding': {
    title: 'Unsupported encoding',
    statuses: [415],
    meaning: 'The body uses a Content-Encoding or charset the server does not support.',
    whatToDo: 'Send the body uncompressed or with gzip, deflate or br, in UTF-8.',
  },
  'rule-violated': {
    title: 'The events break a rule of the log',
    statuses: [422],
    meaning:
      'Each event is well formed, but the batch breaks a rule of the log: a correction or retraction of an event that does not exist, was retracted, or is itself a correction; an id used twice in one batch; a correction that would leave an invalid event.',
    whatToDo: 'Fix the fields listed in `errors`. Nothing was appended.',
  },
  'rate-limited': {
    title: 'Too many requests',
    statuses: [429],
    meaning:
      'This client sent more requests in the last minute than its budget allows: writers are counted by principal, requests without a valid token by address, reads apart.',
    whatToDo: 'Wait for the `Retry-After` delay, then retry; batch events to send fewer requests.',
  },
  'server-busy': {
    title: 'Server busy',
    statuses: [503],
    meaning:
      'Reads that fold a whole log (knownAt, the timeline, the history) are running at their limit and the queue for them is full.',
    whatToDo:
      'Retry after the `Retry-After` delay; cheap reads (status as of a date, /health) are still served.',
  },
  'not-ready': {
    title: 'Not ready for writes',
    statuses: [503],
    meaning:
      'The store cannot be written: its file is read-only, locked by another process, or the disk is full.',
    whatToDo:
      'Read `detail` for the cause and fix it (permissions, the other process, disk space); reads go on.',
  },
  'headers-too-large': {
    title: 'Request headers too large',
    statuses: [431],
    meaning: 'The request headers exceed the size the server accepts.',
    whatToDo: 'Send fewer or shorter headers (cookies are a common cause).',
  },
  'internal-error': {
    title: 'Internal error',
    statuses: [500],
    meaning: 'The server failed while handling the request. Nothing partial was stored.',
    whatToDo: 'Retry; if it persists, report the `requestId` of the answer, which matches the server log.',
  },
  'negotiation-too-large': {
    title: 'Negotiation too large to fold in memory',
    statuses: [503],
    meaning: 'The negotiation has more events than this server folds in memory for the view asked for.',
    whatToDo:
      'Read its events in pages (GET /negotiations/{id}/events), or raise MAX_NEGOTIATION_EVENTS together with the heap on the server. Retrying as is will not help.',
  },
  'no-tree': {
    title: 'No tree',
    statuses: [501],
    meaning: "This server's store keeps no Merkle tree of its log, so it cannot serve checkpoints or proofs.",
    whatToDo:
      'Use a store that keeps the tree (the embedded SQLite store does), or check the hash chain with `verify`.',
  },
  'store-unavailable': {
    title: 'The event store failed',
    statuses: [503],
    meaning: 'The event store could not complete the request; nothing was acknowledged.',
    whatToDo:
      'Retry later. An append retried with the same event ids is safe: already recorded events are not recorded twice.',
  },
} as const satisfies Record<string, ProblemTypeInfo>;

export type ProblemSlug = keyof typeof PROBLEM_TYPES;
export const PROBLEM_SLUGS = Object.keys(PROBLEM_TYPES) as ProblemSlug[];

/** The `type` URI of a problem: a path of this server, which answers with the page for it. */
export const problemType = (slug: ProblemSlug): string => `/problems/${slug}`;
