import { compileErrors, validate } from '@readme/openapi-parser';
import {
  AppendParams,
  AsOfParams,
  DiffParams,
  EventsPageParams,
  HistoryParams,
  IssuesParams,
  StatusParams,
  TimelineParams,
} from '../../src/api';
import { EVENT_TYPES } from '../../src/domain';
import { CONTRACT, checkContract, validatorFor } from '../support/contract';
import { reported } from '../support/builders';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const EVENTS_DIR = join(__dirname, '..', '..', 'events');

const schemas = CONTRACT.components.schemas as Record<string, { oneOf?: Array<{ title?: string }> }>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    // The parser dereferences in place: give it a copy.
    const result = await validate(structuredClone(CONTRACT) as never);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.valid).toBe(true);
    expect((CONTRACT as unknown as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('describes every event type of the catalog, reported and recorded, with its payload', () => {
    for (const name of ['NewEvent', 'RecordedEvent'])
      expect(schemas[name]?.oneOf?.map((member) => member.title)).toEqual(EVENT_TYPES);
    for (const type of EVENT_TYPES) expect(schemas[`${type}Payload`]).toBeDefined();
  });

  it('lists every query parameter each query codec decodes', () => {
    const parametersOf = (path: string, method = 'get') =>
      (
        CONTRACT.paths[path]?.[method] as unknown as {
          parameters: Array<{ name: string; in: string; required: boolean }>;
        }
      ).parameters.filter((p) => p.in === 'query');
    const fieldsOf = (codec: { required: object; optional: object }) =>
      [...Object.keys(codec.required), ...Object.keys(codec.optional)].sort();
    const cases = [
      ['/negotiations/{negotiationId}/status', StatusParams],
      ['/negotiations/{negotiationId}/phases', AsOfParams],
      ['/negotiations/{negotiationId}/issues', IssuesParams],
      ['/negotiations/{negotiationId}/timeline', TimelineParams],
      ['/negotiations/{negotiationId}/events', EventsPageParams],
      ['/negotiations/{negotiationId}/history', HistoryParams],
      ['/negotiations/{negotiationId}/diff', DiffParams],
    ] as const;
    const appending = parametersOf('/negotiations/{negotiationId}/events', 'post');
    expect(appending.map((p) => p.name).sort()).toEqual(fieldsOf(AppendParams));
    for (const [path, codec] of cases) {
      const parameters = parametersOf(path);
      expect(parameters.map((p) => p.name).sort()).toEqual(fieldsOf(codec));
      expect(
        parameters
          .filter((p) => p.required)
          .map((p) => p.name)
          .sort(),
      ).toEqual(Object.keys(codec.required).sort());
    }
  });

  it('accepts every event of the reference stories (events/*.ndjson) as a reported development', () => {
    const validate = validatorFor(ref('NewEvent'));
    const files = readdirSync(EVENTS_DIR).filter((file) => file.endsWith('.ndjson'));
    const lines = files.flatMap((file) =>
      readFileSync(join(EVENTS_DIR, file), 'utf8')
        .split('\n')
        .map((text, index) => ({ where: `${file}:${index + 1}`, text }))
        .filter(({ text }) => text.trim() !== ''),
    );
    expect(lines.length).toBeGreaterThan(50);
    for (const { where, text } of lines) {
      if (!validate(JSON.parse(text))) throw new Error(`${where}: ${JSON.stringify(validate.errors)}`);
    }
  });

  it('refuses what the codecs refuse: a misspelt field, an unknown type, a payload of another type', () => {
    const validate = validatorFor(ref('NewEvent'));
    const good = reported('TalksResumed', { venue: 'Doha' });
    expect(validate(good)).toBe(true);
    expect(validate({ ...good, occuredAt: good.occurredAt })).toBe(false);
    expect(validate({ ...good, type: 'TalksTeleported' })).toBe(false);
    expect(validate({ ...good, payload: { issueId: 'x' } })).toBe(false);
    expect(validate({ ...good, payload: { venue: '   ' } })).toBe(false);
  });

  it('holds answers to it: a page without its events, an undocumented status, a path it does not describe', () => {
    const json = { 'content-type': 'application/json' };
    expect(() =>
      checkContract('get', '/negotiations/n/events', {
        status: 200,
        headers: json,
        body: { negotiationId: 'n' },
      }),
    ).toThrow(/does not match the contract/);
    expect(() =>
      checkContract('get', '/negotiations/n/status', { status: 418, headers: json, body: {} }),
    ).toThrow(/status not in the contract/);
    expect(() => checkContract('get', '/elsewhere', { status: 200, headers: json, body: {} })).toThrow(
      /not in the contract/,
    );
    expect(() =>
      checkContract('get', '/health', {
        status: 200,
        headers: json,
        body: {
          status: 'ok',
          store: 'sqlite',
          ready: true,
          time: '2025-01-05T08:00:00.000Z',
          expensiveReads: { running: 0, queued: 0, heldEvents: 0, budget: 10, refused: 0 },
          eventLoopDelay: { windowSeconds: 10, p99Ms: 1, maxMs: 2 },
        },
      }),
    ).not.toThrow();
  });
});
