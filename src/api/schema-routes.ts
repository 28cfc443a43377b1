import { Router } from 'express';
import * as t from 'io-ts';
import { EVENT_PAYLOADS, EVENT_TYPES, EventEnvelope, isCorrectionType, shapeOf } from '../domain';
import { methodNotAllowed } from './route-support';

/** A JSON Schema (draft 2020-12) fragment. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** The JSON Schema of what a codec accepts, from the shape its builder recorded. */
export const jsonSchemaOf = (codec: t.Any): JsonSchema => {
  const shape = shapeOf(codec);
  if (shape === undefined) {
    // io-ts's own primitives; any other codec is named, so a form can at least offer a text field.
    if (codec instanceof t.BooleanType) return { type: 'boolean' };
    if (codec instanceof t.NumberType) return { type: 'number' };
    if (codec instanceof t.StringType) return { type: 'string' };
    return codec.name === 'UnknownRecord' ? { type: 'object' } : { title: codec.name };
  }
  switch (shape.kind) {
    case 'string':
      return {
        type: 'string',
        minLength: 1,
        ...(shape.maxLength === undefined ? {} : { maxLength: shape.maxLength }),
        ...(shape.pattern === undefined ? {} : { pattern: shape.pattern }),
        ...(shape.format === undefined ? {} : { format: shape.format }),
      };
    case 'number':
      return { type: 'number', exclusiveMinimum: shape.exclusiveMinimum };
    case 'enum':
      return { type: 'string', enum: shape.values };
    case 'array':
      return {
        type: 'array',
        items: jsonSchemaOf(shape.item),
        minItems: shape.minItems,
        maxItems: shape.maxItems,
      };
    case 'object': {
      const properties = Object.fromEntries(
        [...Object.entries(shape.required), ...Object.entries(shape.optional)].map(([key, value]) => [
          key,
          jsonSchemaOf(value),
        ]),
      );
      return {
        title: codec.name,
        type: 'object',
        properties,
        required: Object.keys(shape.required),
        additionalProperties: false,
      };
    }
    case 'union':
      return {
        title: codec.name,
        oneOf: Object.values(shape.members).map(jsonSchemaOf),
        discriminator: { propertyName: shape.tagKey, tags: Object.keys(shape.members) },
      };
    default: {
      const unhandled: never = shape;
      return unhandled;
    }
  }
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
