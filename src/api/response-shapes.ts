import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import {
  EVENT_PAYLOADS,
  EVENT_TYPES,
  EventEnvelope,
  Instant,
  JsonSchema,
  Name,
  RecordingMetadata,
  Slug,
  Uuid,
  decodeNewEvent,
  decodeStoredEvent,
  describedAs,
  describerOf,
  strictObject,
} from '../domain';
import { PROBLEM_SLUGS, problemType } from './problem-types';
import VIEW_SCHEMAS from './view-schemas.json';

/**
 * The shapes the API answers with, one codec each, described for the published contract. Envelopes, events,
 * pages and problems are exact; the projection views are described by schemas generated from their types.
 */

const integer = (name: string, minimum: number) =>
  describedAs(
    new t.Type<number, number, unknown>(
      name,
      (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= minimum,
      (u, c) =>
        typeof u === 'number' && Number.isInteger(u) && u >= minimum
          ? t.success(u)
          : t.failure(u, c, `must be an integer of at least ${minimum}`),
      t.identity,
    ),
    { type: 'integer', minimum },
  );

export const Revision = integer('Revision', 0);
const Count = integer('Count', 0);

const envelopeSchema = (inner: (codec: t.Any) => JsonSchema): JsonSchema & { properties: object } => {
  const describe = describerOf(EventEnvelope);
  if (describe === undefined) throw new Error('invariant: the event envelope describes itself');
  return describe(inner) as JsonSchema & { properties: object };
};

/** One member per event type of the catalog: the envelope with that type and that type's payload. */
const eventMembers = (inner: (codec: t.Any) => JsonSchema, recorded: boolean): JsonSchema[] =>
  EVENT_TYPES.map((type) => {
    const envelope = envelopeSchema(inner);
    const metadata = Object.entries(RecordingMetadata.props);
    return {
      ...envelope,
      title: type,
      properties: {
        ...envelope.properties,
        type: { const: type },
        payload: inner(EVENT_PAYLOADS[type]),
        ...(recorded
          ? {
              ...Object.fromEntries(metadata.map(([key, codec]) => [key, inner(codec)])),
              position: inner(Count),
            }
          : {}),
      },
      required: recorded
        ? [...new Set([...(envelope['required'] as string[]), ...metadata.map(([key]) => key), 'position'])]
        : envelope['required'],
    };
  });

const fromViolations =
  <A>(decode: (u: unknown) => E.Either<readonly { field: string; reason: string }[], A>) =>
  (u: unknown, c: t.Context): t.Validation<A> => {
    const decoded = decode(u);
    return E.isRight(decoded)
      ? t.success(decoded.right)
      : t.failure(u, c, decoded.left.map((v) => `${v.field}: ${v.reason}`).join('; '));
  };

/** A development as a client reports it: the envelope and the payload of its type, decoded in two steps. */
export const NewEventShape = describedAs(
  new t.Type<unknown, unknown, unknown>(
    'NewEvent',
    (u): u is unknown => E.isRight(decodeNewEvent(u)),
    fromViolations(decodeNewEvent),
    t.identity,
  ),
  (inner) => ({ oneOf: eventMembers(inner, false) }),
);

/** A recorded event: what was reported, plus what the store added (id, revision, clocks, hashes, position). */
export const RecordedEventShape = describedAs(
  new t.Type<unknown, unknown, unknown>(
    'RecordedEvent',
    (u): u is unknown => typeof u === 'object' && u !== null && E.isRight(decodeStoredEvent(u, 0)),
    fromViolations((u) =>
      decodeStoredEvent(
        u,
        typeof u === 'object' && u !== null ? Number((u as { position?: unknown }).position) : 0,
      ),
    ),
    t.identity,
  ),
  (inner) => ({ oneOf: eventMembers(inner, true) }),
);

const FieldViolationShape = strictObject('FieldViolation', { field: t.string, reason: t.string });

/** The `type` of a problem: one of the URIs of the problem-type table, each of which resolves to a page. */
const ProblemTypeUri = t.keyof(
  Object.fromEntries(PROBLEM_SLUGS.map((slug) => [problemType(slug), null])),
  'ProblemTypeUri',
);

/** An RFC 9457 problem document, as every 4xx and 5xx answer carries. */
export const ProblemShape = strictObject(
  'Problem',
  { type: ProblemTypeUri, title: t.string, status: t.number, detail: t.string },
  {
    errors: t.array(FieldViolationShape),
    requestId: t.string,
    currentRevision: integer('CurrentRevision', -1),
  },
);

const AppendedEventShape = strictObject('AppendedEvent', {
  id: Uuid,
  revision: Revision,
  position: Count,
  recordedAt: Instant,
  hash: t.string,
});

export const AppendResultShape = strictObject('AppendResult', {
  negotiationId: Slug,
  revision: Revision,
  events: t.array(AppendedEventShape),
  replayed: t.boolean,
  warnings: t.array(FieldViolationShape),
});

export const EventsPageShape = strictObject(
  'EventsPage',
  { negotiationId: Slug, revision: Revision, events: t.array(RecordedEventShape), maxLimit: Count },
  { next: t.string },
);

export const HealthShape = strictObject(
  'Health',
  {
    status: t.union([t.literal('ok'), t.literal('degraded')]),
    ready: t.boolean,
    time: Instant,
  },
  {
    /** The kind of trouble while not ready: read-only, locked, disk-full or store-failed. */
    reason: t.string,
    // Only to this machine and token holders:
    store: t.string,
    cause: t.string,
    expensiveReads: strictObject('ExpensiveReads', {
      running: Count,
      queued: Count,
      heldEvents: Count,
      budget: Count,
      refused: Count,
    }),
    eventLoopDelay: strictObject('EventLoopDelay', {
      windowSeconds: Count,
      p99Ms: t.number,
      maxMs: t.number,
    }),
    answerCache: strictObject('AnswerCacheStats', {
      entries: Count,
      bytes: Count,
      budgetBytes: Count,
      hits: Count,
      misses: Count,
    }),
  },
);

export const ReadyShape = strictObject('Ready', { ready: t.literal(true) }, { store: t.string });

export const PrincipalsShape = strictObject('Principals', {
  principals: t.array(strictObject('PrincipalEntry', { principal: Name, role: t.string })),
});

/**
 * The views built by the projections: each is described by the schema generated from its TypeScript type
 * (view-shapes.ts, `npm run schemas:generate`), closed like every other shape here. The codec only checks the
 * top-level keys at run time; the contract tests check every answer against the published schema.
 */
const generatedView = (name: keyof typeof VIEW_SCHEMAS.views, keys: readonly string[]) =>
  describedAs(
    new t.Type<object, object, unknown>(
      name,
      (u): u is object => typeof u === 'object' && u !== null && keys.every((key) => key in u),
      (u, c) =>
        typeof u === 'object' && u !== null && keys.every((key) => key in u)
          ? t.success(u)
          : t.failure(u, c, `must be an object with ${keys.join(', ')}`),
      t.identity,
    ),
    VIEW_SCHEMAS.views[name],
  );

const VIEW_KEYS = ['negotiationId', 'revision'] as const;
export const PROJECTION_VIEWS = {
  status: generatedView('StatusAnswer', [...VIEW_KEYS, 'status']),
  issues: generatedView('IssuesAnswer', [...VIEW_KEYS, 'issues']),
  phases: generatedView('PhasesAnswer', [...VIEW_KEYS, 'phases']),
  timeline: generatedView('TimelineAnswer', [...VIEW_KEYS, 'timeline']),
  history: generatedView('HistoryPage', [...VIEW_KEYS, 'history', 'verified']),
  diff: generatedView('DiffAnswer', [...VIEW_KEYS, 'changes']),
} as const;

/** The components the view schemas refer to, published beside the codecs' own. */
export const VIEW_COMPONENTS: Record<string, JsonSchema> = VIEW_SCHEMAS.definitions;

const negotiationFields = {
  negotiationId: Slug,
  title: t.string,
  revision: Revision,
  eventCount: Count,
  lastRecordedAt: Instant,
};
const projectedFields = {
  stage: t.unknown,
  deal: t.unknown,
  activity: t.unknown,
  lastDevelopment: t.unknown,
  developmentCount: Count,
};
/** The moment asked about, echoed as given. */
const momentFields = { asOf: t.string, knownAt: t.string, include: t.string };

export const NegotiationListShape = strictObject(
  'NegotiationList',
  { negotiations: t.array(strictObject('NegotiationListEntry', negotiationFields, projectedFields)) },
  momentFields,
);

/** One negotiation: its stream, what the projection says of it now, and where to read more. */
export const NegotiationShape = strictObject(
  'Negotiation',
  { ...negotiationFields, links: t.record(t.string, t.string) },
  { ...projectedFields, ...momentFields },
);
