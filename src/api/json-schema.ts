import * as t from 'io-ts';
import { JsonSchema, describerOf } from '../domain';

/**
 * Turns io-ts codecs into JSON Schema (2020-12) for the published contract. Codecs built by the domain's builders
 * describe themselves (describedAs); plain io-ts combinators are described here. A codec with a type-like name
 * (PascalCase, used by one codec only) becomes a named component that others refer to; the rest are inlined.
 */
export interface SchemaCollector {
  /** The schema of a codec: a reference to its component when it has one, else the schema itself. */
  readonly schemaOf: (codec: t.Any) => JsonSchema;
  /** The schema of a codec, never a reference to it (its parts may still refer to components). */
  readonly inline: (codec: t.Any) => JsonSchema;
  /** Gives a codec's component a name of the caller's choosing (before it is first described). */
  readonly nameAs: (codec: t.Any, name: string) => void;
  /** Adds a component under a name of the caller's choosing and returns a reference to it. */
  readonly define: (name: string, schema: JsonSchema) => JsonSchema;
  readonly components: () => Record<string, JsonSchema>;
}

const COMPONENT_NAME = /^[A-Z][A-Za-z0-9]*$/;

export const refTo = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

export const createSchemaCollector = (): SchemaCollector => {
  const components = new Map<string, JsonSchema>();
  const owners = new Map<string, t.Any>();
  const aliases = new Map<t.Any, string>();

  const inline = (codec: t.Any): JsonSchema => {
    const describe = describerOf(codec);
    if (describe !== undefined) return describe(schemaOf);
    return describePlain(codec, schemaOf);
  };

  const schemaOf = (codec: t.Any): JsonSchema => {
    const name = aliases.get(codec) ?? codec.name;
    if (!COMPONENT_NAME.test(name)) return inline(codec);
    const owner = owners.get(name);
    if (owner === codec) return refTo(name);
    // Two codecs of one name (a name reused for different shapes) are each inlined rather than confused.
    if (owner !== undefined) return inline(codec);
    owners.set(name, codec);
    components.set(name, {});
    components.set(name, inline(codec));
    return refTo(name);
  };

  const define = (name: string, schema: JsonSchema): JsonSchema => {
    if (owners.has(name) || components.has(name)) throw new Error(`schema component ${name} defined twice`);
    components.set(name, schema);
    return refTo(name);
  };

  const nameAs = (codec: t.Any, name: string): void => {
    aliases.set(codec, name);
  };

  return {
    schemaOf,
    inline,
    nameAs,
    define,
    components: () => Object.fromEntries([...components.entries()].sort(([a], [b]) => a.localeCompare(b))),
  };
};

/** The io-ts combinators the API's shapes use; any other is refused so the contract never guesses. */
const describePlain = (codec: t.Any, inner: (codec: t.Any) => JsonSchema): JsonSchema => {
  if (codec instanceof t.StringType) return { type: 'string' };
  if (codec instanceof t.NumberType) return { type: 'number' };
  if (codec instanceof t.BooleanType) return { type: 'boolean' };
  if (codec instanceof t.NullType) return { type: 'null' };
  if (codec instanceof t.UnknownType) return {};
  if (codec instanceof t.AnyDictionaryType) return { type: 'object' };
  if (codec instanceof t.LiteralType) return { const: (codec as t.LiteralC<string>).value };
  if (codec instanceof t.KeyofType) return { type: 'string', enum: Object.keys(codec.keys as object) };
  if (codec instanceof t.RefinementType) return inner((codec as t.RefinementC<t.Any>).type);
  if (codec instanceof t.ReadonlyType) return inner((codec as t.ReadonlyC<t.Any>).type);
  if (codec instanceof t.ArrayType || codec instanceof t.ReadonlyArrayType)
    return { type: 'array', items: inner((codec as t.ArrayC<t.Any>).type) };
  if (codec instanceof t.DictionaryType)
    return { type: 'object', additionalProperties: inner((codec as t.RecordC<t.Any, t.Any>).codomain) };
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType) {
    const props = (codec as t.InterfaceType<t.Props>).props;
    return {
      type: 'object',
      properties: Object.fromEntries(Object.entries(props).map(([key, prop]) => [key, inner(prop)])),
      ...(codec instanceof t.InterfaceType ? { required: Object.keys(props) } : {}),
    };
  }
  if (codec instanceof t.UnionType)
    return { anyOf: (codec as t.UnionC<[t.Mixed, t.Mixed]>).types.map(inner) };
  if (codec instanceof t.IntersectionType)
    return { allOf: (codec as t.IntersectionC<[t.Mixed, t.Mixed]>).types.map(inner) };
  throw new Error(`no JSON Schema for codec ${codec.name}: describe it with describedAs`);
};
