import { Router } from 'express';
import * as t from 'io-ts';
import {
  EVENT_PAYLOADS,
  EVENT_TYPES,
  EventEnvelope,
  JsonSchema,
  describerOf,
  isCorrectionType,
} from '../domain';
import { methodNotAllowed } from './route-support';

/**
 * The JSON Schema of what a codec accepts, inlined all the way down, from what its builder recorded (the same
 * descriptions the OpenAPI document is made of). A union told apart by one field also names that field and its
 * tags, as the page's forms read them.
 */
export const jsonSchemaOf = (codec: t.Any): JsonSchema => {
  const describe = describerOf(codec);
  if (describe === undefined) {
    // io-ts's own primitives; any other codec is named, so a form can at least offer a text field.
    if (codec instanceof t.BooleanType) return { type: 'boolean' };
    if (codec instanceof t.NumberType) return { type: 'number' };
    if (codec instanceof t.StringType) return { type: 'string' };
    if (codec instanceof t.RefinementType) return jsonSchemaOf((codec as t.RefinementType<t.Any>).type);
    return codec.name === 'UnknownRecord' ? { type: 'object' } : { title: codec.name };
  }
  const schema: JsonSchema = { title: codec.name, ...describe(jsonSchemaOf) };
  const members = schema['oneOf'];
  return Array.isArray(members) ? { ...schema, ...discriminatorOf(members as JsonSchema[]) } : schema;
};

/** The one field whose single allowed value tells the members of a union apart, with each member's value. */
const discriminatorOf = (members: readonly JsonSchema[]): JsonSchema => {
  const constants = members.map((member) => {
    const properties = (member['properties'] ?? {}) as Record<string, JsonSchema>;
    return Object.entries(properties).flatMap(([key, property]) => {
      const values = property['enum'] ?? (property['const'] === undefined ? undefined : [property['const']]);
      return Array.isArray(values) && values.length === 1 ? [[key, String(values[0])] as const] : [];
    });
  });
  const first = constants[0] ?? [];
  for (const [key] of first) {
    const tags = constants.map((pairs) => pairs.find(([k]) => k === key)?.[1]);
    if (tags.every((tag) => tag !== undefined)) return { discriminator: { propertyName: key, tags } };
  }
  return {};
};

/** Every event type's payload, and the envelope around it, as the API validates them. */
export const eventSchemas = () => ({
  envelope: jsonSchemaOf(EventEnvelope),
  types: EVENT_TYPES.map((type) => ({
    type,
    correction: isCorrectionType(type),
    payload: jsonSchemaOf(EVENT_PAYLOADS[type]),
  })),
});

/** GET /schema/events: what POST /negotiations/{id}/events accepts, read by the page's forms. */
export const schemaRoutes = (): Router => {
  const router = Router();
  const body = JSON.stringify(eventSchemas());
  router.get('/schema/events', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('application/schema+json').send(body);
  });
  router.all('/schema/events', methodNotAllowed('GET'));
  return router;
};
