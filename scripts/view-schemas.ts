import { dirname, join, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * JSON Schemas of the views, generated from their TypeScript types (src/api/view-shapes.ts) with the compiler's
 * own checker, so io-ts derived and branded types are resolved as the compiler sees them. The result is committed
 * (src/api/view-schemas.json) and published in the OpenAPI document; a test holds it equal to a fresh generation.
 */

type Schema = Record<string, unknown>;

// From dist/scripts when built, from scripts/ under ts-jest.
const ROOT = resolve(__dirname, __dirname.includes(`${sep}dist${sep}`) ? '../..' : '..');
export const VIEW_SHAPES_FILE = join(ROOT, 'src', 'api', 'view-shapes.ts');

/** Interfaces and aliases declared in these folders become named components; the rest is inlined. */
const NAMED_FROM = [join(ROOT, 'src', 'projections'), join(ROOT, 'src', 'application')];
const GENERIC_NAMES = new Set([
  '__type',
  '__object',
  'A',
  'O',
  'I',
  'Type',
  'TypeOf',
  'Readonly',
  'Pick',
  'Omit',
  'Partial',
]);

export const generateViewSchemas = (): {
  readonly views: Record<string, Schema>;
  readonly definitions: Record<string, Schema>;
} => {
  const program = ts.createProgram([VIEW_SHAPES_FILE], {
    strict: true,
    skipLibCheck: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(VIEW_SHAPES_FILE);
  if (source === undefined) throw new Error(`cannot read ${VIEW_SHAPES_FILE}`);
  const definitions = new Map<string, Schema>();

  const nameOf = (type: ts.Type): string | undefined => {
    const symbol = type.aliasSymbol ?? type.getSymbol();
    if (symbol === undefined || GENERIC_NAMES.has(symbol.getName())) return undefined;
    if (type.aliasTypeArguments !== undefined && type.aliasTypeArguments.length > 0) return undefined;
    const declared = symbol.getDeclarations()?.[0]?.getSourceFile().fileName;
    if (declared === undefined || !NAMED_FROM.some((folder) => resolve(declared).startsWith(folder)))
      return undefined;
    return /^[A-Z][A-Za-z0-9]*$/.test(symbol.getName()) ? symbol.getName() : undefined;
  };

  const isUndefined = (type: ts.Type) => (type.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) !== 0;

  const objectSchema = (type: ts.Type): Schema => {
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    for (const property of checker.getPropertiesOfType(type)) {
      const declaration = property.valueDeclaration ?? property.getDeclarations()?.[0];
      const propertyType = declaration
        ? checker.getTypeOfSymbolAtLocation(property, declaration)
        : checker.getTypeOfSymbol(property);
      if (propertyType.getCallSignatures().length > 0) continue;
      const optional =
        (property.flags & ts.SymbolFlags.Optional) !== 0 ||
        (propertyType.isUnion() && propertyType.types.some(isUndefined));
      properties[property.getName()] = schemaOf(propertyType);
      if (!optional) required.push(property.getName());
    }
    const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
    return {
      type: 'object',
      properties,
      ...(required.length > 0 ? { required: required.sort() } : {}),
      additionalProperties: index === undefined ? false : schemaOf(index.type),
    };
  };

  const schemaOf = (type: ts.Type): Schema => {
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
    if (type.flags & ts.TypeFlags.StringLiteral)
      return { type: 'string', const: (type as ts.StringLiteralType).value };
    if (type.flags & ts.TypeFlags.NumberLiteral)
      return { type: 'number', const: (type as ts.NumberLiteralType).value };
    if (type.flags & ts.TypeFlags.BooleanLiteral)
      return { type: 'boolean', const: checker.typeToString(type) === 'true' };
    if (type.flags & ts.TypeFlags.String) return { type: 'string' };
    if (type.flags & ts.TypeFlags.Number) return { type: 'number' };
    if (type.flags & ts.TypeFlags.Boolean) return { type: 'boolean' };
    if (type.flags & ts.TypeFlags.Null) return { type: 'null' };
    if (type.isUnion()) {
      const members = type.types.filter((member) => !isUndefined(member));
      if (members.length > 0 && members.every((member) => member.flags & ts.TypeFlags.BooleanLiteral))
        return { type: 'boolean' };
      if (members.length > 0 && members.every((member) => member.isStringLiteral()))
        return {
          type: 'string',
          enum: members.map((member) => (member).value).sort(),
        };
      const named = nameOf(type);
      if (members.length === 1 && members[0] !== undefined) return schemaOf(members[0]);
      const union = { anyOf: members.map(schemaOf) };
      return named === undefined ? union : component(named, () => union);
    }
    if (type.isIntersection()) {
      // A branded string or number (io-ts brands) is the primitive it brands.
      const primitive = type.types.find(
        (member) => member.flags & (ts.TypeFlags.String | ts.TypeFlags.Number),
      );
      if (primitive !== undefined) return schemaOf(primitive);
    }
    if (checker.isArrayType(type) || checker.isTupleType(type)) {
      const item = checker.getIndexTypeOfType(type, ts.IndexKind.Number);
      return { type: 'array', items: item === undefined ? {} : schemaOf(item) };
    }
    if (type.flags & ts.TypeFlags.Object || type.isIntersection()) {
      const named = nameOf(type);
      return named === undefined ? objectSchema(type) : component(named, () => objectSchema(type));
    }
    throw new Error(`no schema for the type ${checker.typeToString(type)}`);
  };

  const component = (name: string, build: () => Schema): Schema => {
    if (!definitions.has(name)) {
      definitions.set(name, {});
      definitions.set(name, build());
    }
    return { $ref: `#/components/schemas/${name}` };
  };

  const shapes = source.statements.find(
    (statement): statement is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(statement) && statement.name.text === 'ViewShapes',
  );
  if (shapes === undefined) throw new Error(`${VIEW_SHAPES_FILE} declares no ViewShapes`);
  const views: Record<string, Schema> = {};
  for (const property of checker.getPropertiesOfType(checker.getTypeAtLocation(shapes))) {
    const declaration = property.valueDeclaration;
    if (declaration === undefined) continue;
    views[property.getName()] = objectSchema(checker.getTypeOfSymbolAtLocation(property, declaration));
  }
  const sorted = Object.fromEntries([...definitions.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  return { views, definitions: sorted };
};

export const VIEW_SCHEMAS_FILE = join(dirname(VIEW_SHAPES_FILE), 'view-schemas.json');
