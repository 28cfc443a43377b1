import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { PROBLEM_TYPES, openApiDocument } from '../../src/api';

/**
 * Holds answers to the published contract: each response of an API test is checked against the OpenAPI
 * document the server serves, so the document cannot drift from what the code does.
 */

export const CONTRACT = openApiDocument({ version: 'test' }) as {
  paths: Record<
    string,
    Record<string, { responses: Record<string, Response>; parameters?: Array<{ name: string; in: string }> }>
  >;
  components: { schemas: Record<string, unknown> };
};

interface Response {
  readonly content?: Record<string, { schema: unknown }>;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'contract', components: CONTRACT.components });

const validators = new Map<string, ValidateFunction>();
/** A validator for a schema of the document, its references resolved against the document's components. */
export const validatorFor = (schema: unknown): ValidateFunction => {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (validate === undefined) {
    validate = ajv.compile(JSON.parse(key.replaceAll('"#/components/', '"contract#/components/')) as object);
    validators.set(key, validate);
  }
  return validate;
};

/** Files of many media types (scripts, styles, fonts): the document names their paths, not each type. */
const OUTSIDE_CONTRACT = [/^\/static\//, /^\/vendor\//, /^\/docs\/assets\//];

const templates = Object.keys(CONTRACT.paths).map((template) => ({
  template,
  // Express routes ignore case and one trailing slash, so the contract's paths are matched the same way.
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}/?$`, 'i'),
}));

export interface ObservedResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
  readonly text?: string;
}

const JSON_TYPES = new Set(['application/json', 'application/problem+json']);
const PROBLEM = { $ref: '#/components/schemas/Problem' };

const describe = (method: string, path: string, status: number) =>
  `${method.toUpperCase()} ${path} ${status}`;

const checkBody = (schema: unknown, response: ObservedResponse, where: string): void => {
  // A test that read the raw bytes (to see the compression) checks them itself.
  if (Buffer.isBuffer(response.body)) return;
  const validate = validatorFor(schema);
  if (!validate(response.body))
    throw new Error(
      `${where}: the answer does not match the contract: ${ajv.errorsText(validate.errors?.slice(0, 12), { separator: '; ' })}\n${JSON.stringify(response.body).slice(0, 600)}`,
    );
};

/** A problem's status is its answer's, and one its type's page names. */
const checkProblemStatus = (response: ObservedResponse, where: string): void => {
  const problem = response.body as { type?: string; status?: number };
  const slug = (problem.type ?? '').replace(/^\/problems\//, '') as keyof typeof PROBLEM_TYPES;
  const statuses: readonly number[] = PROBLEM_TYPES[slug]?.statuses ?? [];
  if (problem.status !== response.status || !statuses.includes(response.status))
    throw new Error(
      `${where}: problem ${problem.type} sent with status ${response.status} (its page says ${statuses.join(', ')})`,
    );
};

/** Throws when an answer is not one the document allows for that method and path. */
export const checkContract = (method: string, url: string, response: ObservedResponse): void => {
  const verb = method.toLowerCase();
  const path = new URL(url, 'http://contract.invalid').pathname;
  const where = describe(verb, path, response.status);
  if (verb === 'head' || verb === 'options' || OUTSIDE_CONTRACT.some((p) => p.test(path))) return;
  const mediaType =
    String(response.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim() ?? '';
  const template = templates.find(({ pattern }) => pattern.test(path))?.template;
  const operation = template === undefined ? undefined : CONTRACT.paths[template]?.[verb];
  if (operation === undefined) {
    // No such resource or method: the answer must still be a problem document (404, 405, 400...).
    if (response.status < 400) throw new Error(`${where}: not in the contract`);
    if (mediaType !== 'application/problem+json') throw new Error(`${where}: a problem must be problem+json`);
    checkBody(PROBLEM, response, where);
    return checkProblemStatus(response, where);
  }
  // A request the server accepted names only parameters the contract lists for it.
  if (response.status < 400) {
    const listed = new Set((operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
    const unlisted = [...new URL(url, 'http://contract.invalid').searchParams.keys()].filter(
      (k) => !listed.has(k),
    );
    if (unlisted.length > 0)
      throw new Error(`${where}: accepted query parameters not in the contract: ${unlisted.join(', ')}`);
  }
  const answer = operation.responses[String(response.status)];
  if (answer === undefined) throw new Error(`${where}: status not in the contract of ${template}`);
  if (answer.content === undefined) return;
  const content = answer.content[mediaType];
  if (content === undefined)
    throw new Error(
      `${where}: media type "${mediaType}" not in the contract (${Object.keys(answer.content).join(', ')})`,
    );
  if (JSON_TYPES.has(mediaType)) checkBody(content.schema, response, where);
  if (mediaType === 'application/problem+json') checkProblemStatus(response, where);
};

/** fetch, with every answer held to the contract (for clients that take a fetch, such as openapi-fetch). */
export const contractFetch = async (input: Request): Promise<globalThis.Response> => {
  const response = await fetch(input);
  const text = await response.clone().text();
  const mediaType = response.headers.get('content-type') ?? '';
  checkContract(input.method, input.url, {
    status: response.status,
    headers: { 'content-type': mediaType },
    body: /json/.test(mediaType) && text !== '' ? (JSON.parse(text) as unknown) : text,
  });
  return response;
};
