import * as t from 'io-ts';
import { EVENT_PAYLOADS, EVENT_TYPES, JsonSchema, Uuid, nonEmptyArray, strictObject } from '../domain';
import { NDJSON } from './audit-routes';
import { ConsistencyParams, ProofParams } from './checkpoint-routes';
import { ConsistencyProofDocument, InclusionProofDocument } from '../transparency';
import {
  AppendParams,
  AsOfParams,
  DiffParams,
  EventsPageParams,
  HistoryParams,
  IssuesParams,
  NegotiationIdParam,
  QueryCodec,
  StatusParams,
  StreamParams,
  TimelineParams,
} from './http-inputs';
import { SchemaCollector, createSchemaCollector } from './json-schema';
import { PROBLEM_SLUGS, PROBLEM_TYPES } from './problem-types';
import {
  AppendResultShape,
  EventsPageShape,
  HealthShape,
  ReadyShape,
  NegotiationListShape,
  NegotiationShape,
  NewEventShape,
  PROJECTION_VIEWS,
  VIEW_COMPONENTS,
  PrincipalsShape,
  ProblemShape,
  RecordedEventShape,
} from './response-shapes';
import { MAX_EVENTS_PER_APPEND } from './negotiation-routes';
import { PROBLEM_CONTENT_TYPE } from './problem';

/**
 * The OpenAPI 3.1 document, assembled from the codecs the routes decode with and the shapes they answer with.
 * Nothing here restates a field: adding an event type to the catalog or a parameter to a query codec changes it.
 */

/** The body of an append: one event, or a batch appended atomically. */
const EventBatch = strictObject('EventBatch', {
  events: nonEmptyArray(NewEventShape, 'events', MAX_EVENTS_PER_APPEND),
});

interface Answer {
  readonly description: string;
  readonly shape?: t.Any;
  /** Media types besides JSON, with their schemas. */
  readonly content?: Record<string, JsonSchema>;
  readonly headers?: readonly string[];
}

interface Operation {
  readonly method: 'get' | 'post';
  readonly path: string;
  readonly operationId: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly pathParams?: Record<string, t.Any>;
  readonly query?: QueryCodec<unknown>;
  readonly headers?: readonly string[];
  readonly body?: JsonSchema;
  readonly answers: Record<number, Answer>;
  /** Problem statuses besides those every operation may answer with. */
  readonly problems: readonly number[];
  readonly secured?: boolean;
}

const HEADER_DOCS: Record<string, { description: string; schema: JsonSchema }> = {
  ETag: { description: 'The negotiation\'s stream revision, quoted ("4").', schema: { type: 'string' } },
  Location: { description: 'Where the appended events can be read.', schema: { type: 'string' } },
  Link: { description: 'RFC 8288 links to the first and next pages.', schema: { type: 'string' } },
  'If-Match': {
    description:
      'Append only if the negotiation is at this revision ("4", an ETag of this API), or exists (*).',
    schema: { type: 'string' },
  },
  Prefer: {
    description: 'handling=strict (RFC 7240): as strict=true, unless the query says otherwise.',
    schema: { type: 'string' },
  },
  'Last-Event-ID': {
    description:
      'The global position of the last development received: the stream resumes after it (wins over after).',
    schema: { type: 'string', pattern: '^\\d{1,15}$' },
  },
  'Content-Disposition': {
    description: 'attachment, with the file name to save as.',
    schema: { type: 'string' },
  },
  'If-None-Match': {
    description:
      'On appends: * (the negotiation must not exist yet). On reads: an ETag, answered 304 when current.',
    schema: { type: 'string' },
  },
};

const negotiationPath = { negotiationId: NegotiationIdParam };

/** The codecs' components and the views' generated ones, which must not share a name. */
const withViewComponents = (components: Record<string, JsonSchema>): Record<string, JsonSchema> => {
  const clash = Object.keys(VIEW_COMPONENTS).filter((name) => name in components);
  if (clash.length > 0) throw new Error(`view schema components clash with codec ones: ${clash.join(', ')}`);
  return { ...components, ...VIEW_COMPONENTS };
};
const VIEW_PROBLEMS = [404, 503];

const view = (
  name: keyof typeof PROJECTION_VIEWS,
  query: QueryCodec<unknown>,
  summary: string,
  description: string,
): Operation => ({
  method: 'get',
  path: `/negotiations/{negotiationId}/${name}`,
  operationId: `get${name[0]?.toUpperCase() ?? ''}${name.slice(1)}`,
  tag: 'Views',
  summary,
  description,
  pathParams: negotiationPath,
  query,
  headers: ['If-None-Match'],
  answers: {
    200: { description: summary, shape: PROJECTION_VIEWS[name], headers: ['ETag'] },
    304: { description: 'The answer is the one the client holds (its If-None-Match is current).' },
  },
  problems: VIEW_PROBLEMS,
});

const eventStream = (negotiation: boolean): Operation => ({
  method: 'get',
  path: negotiation ? '/negotiations/{negotiationId}/stream' : '/stream',
  operationId: negotiation ? 'followNegotiation' : 'followAll',
  tag: 'Events',
  summary: negotiation
    ? 'Server-sent events: each development of one negotiation as it is recorded'
    : 'Server-sent events: each development of every negotiation as it is recorded',
  description:
    'Each development is an event named `development` whose id is its global position and whose data is the recorded event as JSON; comments keep the connection alive. A reconnecting client sends Last-Event-ID and misses nothing. A client that stops reading is dropped.',
  ...(negotiation ? { pathParams: negotiationPath } : {}),
  query: StreamParams,
  headers: ['Last-Event-ID'],
  answers: {
    200: {
      description: 'The stream, open until the client leaves.',
      content: { 'text/event-stream': { type: 'string' } },
    },
  },
  problems: negotiation ? [404, 429, 503] : [429, 503],
});
const STREAMS = [eventStream(false), eventStream(true)];

/** The analyst page, the reference page and their files: served beside the API, for browsers. */
const page = (path: string, operationId: string, summary: string, media: string): Operation => ({
  method: 'get' as const,
  path,
  operationId,
  tag: 'Pages',
  summary,
  ...(path.includes('{negotiationId}')
    ? { pathParams: negotiationPath }
    : path.includes('{file}')
      ? { pathParams: { file: t.string } }
      : {}),
  answers: { 200: { description: summary, content: { [media]: { type: 'string' } } } },
  // 404 also where a server runs without its pages (an API-only deployment).
  problems: [404],
});
const PAGES: Operation[] = [
  page('/', 'getStartPage', 'The start page: every negotiation, with where it stands', 'text/html'),
  {
    ...page('/timeline/{negotiationId}', 'getNegotiationPage', "One negotiation's page", 'text/html'),
    answers: {
      200: { description: "The negotiation's page.", content: { 'text/html': { type: 'string' } } },
      404: {
        description:
          'Nothing is recorded of the negotiation: the page, which says so (a problem where pages are not served).',
        content: {
          'text/html': { type: 'string' },
          [PROBLEM_CONTENT_TYPE]: { $ref: '#/components/schemas/Problem' },
        },
      },
    },
    problems: [],
  },
  page('/static/{file}', 'getPageAsset', "The page's scripts and styles", 'text/javascript'),
  page('/vendor/{file}', 'getPageLibrary', "The page's libraries (Preact, htm)", 'text/javascript'),
  page('/docs', 'getReferencePage', 'This document, to read and try (Swagger UI)', 'text/html'),
  page('/docs/start.js', 'getReferencePageScript', "The reference page's start script", 'text/javascript'),
  page('/docs/assets/{file}', 'getReferencePageAsset', "The reference page's files", 'text/javascript'),
];

const OPERATIONS: readonly Operation[] = [
  {
    method: 'get',
    path: '/health',
    operationId: 'getHealth',
    tag: 'Service',
    summary: 'Liveness, the store in use and the answer cache figures',
    answers: { 200: { description: 'The server is up.', shape: HealthShape } },
    problems: [],
  },
  {
    method: 'get',
    path: '/ready',
    operationId: 'getReady',
    tag: 'Service',
    summary: 'Whether the store takes writes (for load balancers and orchestrators)',
    answers: { 200: { description: 'The store takes writes.', shape: ReadyShape } },
    problems: [503],
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    tag: 'Service',
    summary: 'Figures for Prometheus: requests, latencies, appends, store failures, queues, live clients',
    description:
      'Open from loopback; from elsewhere it needs a token (any role) unless the server runs with METRICS_OPEN=true.',
    answers: {
      200: {
        description: 'The Prometheus text exposition format.',
        content: { 'text/plain': { type: 'string' } },
      },
    },
    problems: [401, 403],
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    tag: 'Service',
    summary: 'This document',
    answers: { 200: { description: 'The OpenAPI 3.1 document of this API.', shape: t.UnknownRecord } },
    problems: [],
  },
  {
    method: 'get',
    path: '/problems/{problemType}',
    operationId: 'getProblemType',
    tag: 'Service',
    summary: 'What a problem type means and what to do about it',
    pathParams: { problemType: t.keyof(Object.fromEntries(PROBLEM_SLUGS.map((slug) => [slug, null]))) },
    answers: {
      200: {
        description: 'The explanation, as HTML, plain text or JSON (by Accept).',
        shape: strictObject('ProblemTypeInfo', {
          type: t.string,
          title: t.string,
          statuses: t.array(t.number),
          meaning: t.string,
          whatToDo: t.string,
        }),
        content: { 'text/html': { type: 'string' }, 'text/plain': { type: 'string' } },
      },
    },
    problems: [404],
  },
  {
    method: 'get',
    path: '/admin/principals',
    operationId: 'listPrincipals',
    tag: 'Service',
    summary: 'The principals that hold tokens, with their roles (never the token digests)',
    answers: { 200: { description: 'Names and roles.', shape: PrincipalsShape } },
    problems: [401, 403],
    secured: true,
  },
  {
    method: 'get',
    path: '/negotiations',
    operationId: 'listNegotiations',
    tag: 'Negotiations',
    summary: 'Every negotiation recorded, with its state as of a date (now by default)',
    description:
      'Each negotiation as of `asOf` (the server clock when absent), as the log stood at `knownAt` (now when absent). With a knownAt, negotiations nothing of which had been recorded by then are left out, and each entry gives the revision and event count known then.',
    query: AsOfParams,
    answers: { 200: { description: 'The negotiations.', shape: NegotiationListShape } },
    problems: [400, 503],
  },
  {
    method: 'get',
    path: '/negotiations/{negotiationId}',
    operationId: 'getNegotiation',
    tag: 'Negotiations',
    summary:
      'One negotiation: its stream and its state as of a date (now by default), and links to its views',
    pathParams: negotiationPath,
    query: AsOfParams,
    answers: { 200: { description: 'The negotiation.', shape: NegotiationShape, headers: ['ETag'] } },
    problems: [400, 404, 503],
  },
  {
    method: 'post',
    path: '/negotiations/{negotiationId}/events',
    operationId: 'appendEvents',
    tag: 'Events',
    summary: 'Append reported developments (one event, or a batch appended atomically)',
    description:
      'Each event may carry its own id: a retry with the same ids (and content) answers 200 with the original result instead of appending twice. With If-Match the append happens only at that revision (412 otherwise). `warnings` names references to what no development defines by its date; strict mode refuses them instead (422).',
    pathParams: negotiationPath,
    query: AppendParams,
    headers: ['If-Match', 'If-None-Match', 'Prefer'],
    body: { oneOf: [{ $ref: '#/components/schemas/NewEvent' }, { $ref: '#/components/schemas/EventBatch' }] },
    answers: {
      201: { description: 'Appended.', shape: AppendResultShape, headers: ['ETag', 'Location'] },
      200: {
        description: 'A retry of events already recorded: the original result.',
        shape: AppendResultShape,
        headers: ['ETag', 'Location'],
      },
    },
    problems: [409, 412, 413, 415, 422, 429, 503],
    secured: true,
  },
  {
    method: 'get',
    path: '/negotiations/{negotiationId}/events',
    operationId: 'listEvents',
    tag: 'Events',
    summary: 'The recorded events of a negotiation, in revision order, a page at a time',
    pathParams: negotiationPath,
    query: EventsPageParams,
    answers: { 200: { description: 'A page of events.', shape: EventsPageShape, headers: ['ETag', 'Link'] } },
    problems: [404, 503],
  },
  {
    method: 'get',
    path: '/negotiations/{negotiationId}/events/{eventId}',
    operationId: 'getEvent',
    tag: 'Events',
    summary: 'One recorded event by its id',
    pathParams: { ...negotiationPath, eventId: Uuid },
    answers: { 200: { description: 'The event as recorded.', shape: RecordedEventShape, headers: ['ETag'] } },
    problems: [404, 503],
  },
  view(
    'status',
    StatusParams,
    'The state of the negotiation as of a date',
    'Without asOf: now. knownAt answers as the log stood at that recording time; include=certain counts only developments certainly before asOf.',
  ),
  view('issues', IssuesParams, 'The issues as of a date', 'state=all includes resolved issues.'),
  view('phases', AsOfParams, 'The phases of the deal as of a date', 'Each phase with its prerequisites.'),
  view(
    'timeline',
    TimelineParams,
    'The developments between two dates',
    'Corrections applied, in occurrence order.',
  ),
  {
    ...view(
      'history',
      HistoryParams,
      'The recorded history: each event, what it changed, and its hash checks',
      'format=ndjson (or Accept: application/x-ndjson) streams the whole history, one entry a line.',
    ),
    headers: [],
    answers: {
      200: {
        description: 'A page of the history (JSON), or all of it (NDJSON).',
        shape: PROJECTION_VIEWS.history,
        content: { [NDJSON]: { type: 'string', description: 'One history entry as JSON per line.' } },
        headers: ['ETag', 'Link'],
      },
    },
  },
  view('diff', DiffParams, 'What changed in the state between two dates', 'from and to are required.'),
  ...(['timeline', 'issues'] as const).map((name): Operation => ({
    method: 'get',
    path: `/negotiations/{negotiationId}/${name}.csv`,
    operationId: `get${name[0]?.toUpperCase() ?? ''}${name.slice(1)}Csv`,
    tag: 'Views',
    summary: `The ${name} view as a CSV download (UTF-8 with a byte order mark, for spreadsheets)`,
    description:
      name === 'issues'
        ? 'The same parameters as the issues view; every issue unless state=open.'
        : 'The same parameters as the timeline view, one development a row with its sources.',
    pathParams: negotiationPath,
    query: name === 'issues' ? IssuesParams : TimelineParams,
    answers: {
      200: {
        description: 'The rows, with a header row.',
        content: { 'text/csv': { type: 'string' } },
        headers: ['Content-Disposition'],
      },
    },
    problems: VIEW_PROBLEMS,
  })),
  ...STREAMS,
  {
    method: 'get',
    path: '/checkpoint',
    operationId: 'getCheckpoint',
    tag: 'Transparency',
    summary: "A signed checkpoint of the log's Merkle tree (C2SP signed note)",
    answers: { 200: { description: 'The signed note.', content: { 'text/plain': { type: 'string' } } } },
    problems: [401, 403, 501, 503],
  },
  {
    method: 'get',
    path: '/checkpoint/key',
    operationId: 'getCheckpointKey',
    tag: 'Transparency',
    summary: 'The verifier key that checks the checkpoints',
    answers: { 200: { description: 'The verifier key.', content: { 'text/plain': { type: 'string' } } } },
    problems: [401, 403],
  },
  {
    method: 'get',
    path: '/checkpoint/consistency',
    operationId: 'getConsistencyProof',
    tag: 'Transparency',
    summary: 'A proof that the tree of size `from` is a prefix of the tree of size `to`',
    query: ConsistencyParams,
    answers: { 200: { description: 'The consistency proof.', shape: ConsistencyProofDocument } },
    problems: [401, 403, 501, 503],
  },
  {
    method: 'get',
    path: '/events/{eventId}/proof',
    operationId: 'getInclusionProof',
    tag: 'Transparency',
    summary: "A proof that an event is in the log's tree (of its current size, or treeSize)",
    pathParams: { eventId: Uuid },
    query: ProofParams,
    answers: { 200: { description: 'The inclusion proof.', shape: InclusionProofDocument } },
    problems: [401, 403, 404, 501, 503],
  },
  {
    method: 'get',
    path: '/schema/events',
    operationId: 'getEventSchemas',
    tag: 'Service',
    summary: "What an append accepts: the envelope and each event type's payload, as JSON Schema",
    answers: {
      200: {
        description: 'The envelope, and per type its payload schema and whether it corrects another event.',
        content: { 'application/schema+json': { type: 'object' } },
      },
    },
    problems: [],
  },
  ...PAGES,
];

/** Statuses any operation may answer with (408 and 431 come from the HTTP server, before any route). */
const COMMON_PROBLEMS = [400, 406, 408, 431, 500];

const problemDescription = (status: number): string => {
  const types = PROBLEM_SLUGS.filter((slug) =>
    (PROBLEM_TYPES[slug].statuses as readonly number[]).includes(status),
  );
  return types.map((slug) => `/problems/${slug}: ${PROBLEM_TYPES[slug].title}`).join('; ') || 'A problem.';
};

const parameters = (operation: Operation, schemas: SchemaCollector): object[] => [
  ...Object.entries(operation.pathParams ?? {}).map(([name, codec]) => ({
    name,
    in: 'path',
    required: true,
    schema: schemas.schemaOf(codec),
  })),
  ...(operation.query === undefined
    ? []
    : [
        ...Object.entries(operation.query.required).map(([name, codec]) => ({
          name,
          in: 'query',
          required: true,
          schema: schemas.schemaOf(codec),
        })),
        ...Object.entries(operation.query.optional).map(([name, codec]) => ({
          name,
          in: 'query',
          required: false,
          schema: schemas.schemaOf(codec),
        })),
      ]),
  ...(operation.headers ?? []).map((name) => ({
    name,
    in: 'header',
    required: false,
    description: HEADER_DOCS[name]?.description,
    schema: HEADER_DOCS[name]?.schema ?? { type: 'string' },
  })),
];

const answerObject = (answer: Answer, schemas: SchemaCollector): object => ({
  description: answer.description,
  ...(answer.headers === undefined
    ? {}
    : { headers: Object.fromEntries(answer.headers.map((name) => [name, HEADER_DOCS[name]])) }),
  ...(answer.shape === undefined && answer.content === undefined
    ? {}
    : {
        content: {
          ...(answer.shape === undefined
            ? {}
            : { 'application/json': { schema: schemas.schemaOf(answer.shape) } }),
          ...Object.fromEntries(
            Object.entries(answer.content ?? {}).map(([type, schema]) => [type, { schema }]),
          ),
        },
      }),
});

const operationObject = (operation: Operation, schemas: SchemaCollector): object => {
  const guarded = operation.secured === true || operation.path.startsWith('/negotiations');
  const problems = [...new Set([...COMMON_PROBLEMS, ...(guarded ? [401, 403] : []), ...operation.problems])];
  return {
    operationId: operation.operationId,
    tags: [operation.tag],
    summary: operation.summary,
    ...(operation.description === undefined ? {} : { description: operation.description }),
    parameters: parameters(operation, schemas),
    ...(operation.body === undefined
      ? {}
      : { requestBody: { required: true, content: { 'application/json': { schema: operation.body } } } }),
    responses: {
      ...Object.fromEntries(
        Object.entries(operation.answers).map(([status, answer]) => [status, answerObject(answer, schemas)]),
      ),
      ...Object.fromEntries(
        problems
          .sort((a, b) => a - b)
          .map((status) => [
            String(status),
            {
              description: problemDescription(status),
              content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
            },
          ]),
      ),
    },
    // Reads need a token only where the server is configured so (READS_REQUIRE_AUTH); writes always do.
    ...(guarded
      ? { security: [...(operation.secured === true ? [] : [{}]), { bearer: [] }, { apiKey: [] }] }
      : {}),
  };
};

export interface OpenApiOptions {
  readonly version: string;
}

/** Builds the document; pure, so tests and the client generator build exactly what the server serves. */
export const openApiDocument = ({ version }: OpenApiOptions): Record<string, unknown> => {
  const schemas = createSchemaCollector();
  for (const type of EVENT_TYPES) schemas.nameAs(EVENT_PAYLOADS[type], `${type}Payload`);
  schemas.schemaOf(ProblemShape);
  schemas.schemaOf(NewEventShape);
  schemas.schemaOf(EventBatch);
  const paths: Record<string, Record<string, object>> = {};
  for (const operation of OPERATIONS) {
    const entry = (paths[operation.path] ??= {});
    entry[operation.method] = operationObject(operation, schemas);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Negotiation tracker',
      version,
      description:
        'Reported developments of negotiations as an immutable, hash-chained log, and the state of each negotiation as of any date. Every 4xx and 5xx is an RFC 9457 problem document whose `type` resolves to a page on this server.',
    },
    servers: [{ url: '/' }],
    tags: ['Negotiations', 'Events', 'Views', 'Transparency', 'Service', 'Pages'].map((name) => ({ name })),
    paths,
    components: {
      schemas: withViewComponents(schemas.components()),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A token from `negotiation-tracker token`.' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
  };
};
