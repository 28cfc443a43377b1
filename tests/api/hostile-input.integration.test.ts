import fc from 'fast-check';
import type { Response } from 'supertest';
import request from '../support/contract-request';
import { ADAPTERS } from '../support/app-harness';
import { LiveApp, READER_TOKEN, WRITER_TOKEN, development, liveApp, postTo } from '../support/live-app';

/**
 * Property-based fuzzing of every endpoint: arbitrary JSON, mutated valid events (wrong types, huge strings,
 * deep nesting, impossible dates, unicode, unknown and missing fields), bad headers, bad queries, bad methods and
 * paths. Every refusal must be a problem+json 4xx naming at least one field, never a 5xx, and must leave the store
 * byte-for-byte unchanged. FUZZ_RUNS raises the number of cases per property (default sized for `npm test`).
 */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 40);
/** Each property runs a few multiples of RUNS requests; the budget grows with it. */
const TIMEOUT = 20_000 + RUNS * 500;
const NEGOTIATION = 'talks';

const PROBLEM = /^application\/problem\+json/;

interface Refusal {
  readonly field: string;
  readonly reason: string;
}

/** The answer is a problem document naming fields; returns them. */
const expectProblem = (res: Response): Refusal[] => {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(res.headers['content-type']).toMatch(PROBLEM);
  const body = JSON.parse(res.text) as { status: number; errors?: Refusal[] };
  expect(body.status).toBe(res.status);
  expect(Array.isArray(body.errors) && body.errors.length > 0).toBe(true);
  for (const error of body.errors ?? []) {
    expect(typeof error.field).toBe('string');
    expect(error.field.length).toBeGreaterThan(0);
    expect(typeof error.reason).toBe('string');
    expect(error.reason.length).toBeGreaterThan(0);
  }
  return body.errors ?? [];
};

/** Whether a refusal's field is the mutated path, inside it, or one of its containers. */
const names = (field: string, path: string): boolean =>
  field === path || field.startsWith(`${path}.`) || path.startsWith(`${field}.`);

// --- hostile values --------------------------------------------------------------------------------------

const nested = (depth: number, kind: 'array' | 'object'): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i += 1) value = kind === 'array' ? [value] : { a: value };
  return value;
};

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1e308,
    -0.5,
    '',
    ' ',
    '\u0000',
    '\ud800',
    '\u202e\u0646\u0627',
    '2024-02-30',
    '2024-13-01',
    '0000-00-00',
    '2024-06-31T25:00Z',
    '2024-06-01T12:00:00',
    '2024-06-01/2024-05-01',
    'yesterday',
    'NaN',
    '__proto__',
    'constructor',
    [],
    {},
    [null],
    { __proto__: null },
  ),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 501, max: 60_000 }).map((n) => 'é'.repeat(n)),
  fc
    .tuple(fc.integer({ min: 50, max: 3_000 }), fc.constantFrom('array' as const, 'object' as const))
    .map(([depth, kind]) => nested(depth, kind)),
);

// --- valid events and their mutations -------------------------------------------------------------------

/** An event every store is seeded with, so a correction can point at it. */
const TARGET_ID = '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';

const templates = (): Record<string, unknown>[] => [
  development('template statement', { summary: 'a statement', confidence: 'reported' }),
  {
    ...development('template proposal'),
    type: 'ProposalTabled',
    payload: {
      proposalId: 'plan-x',
      author: 'United States',
      summary: 'a phased deal',
      conveyedBy: ['Qatar', 'Egypt'],
      phases: [
        {
          phaseId: 'phase-1',
          name: 'Phase one',
          order: 1,
          provisions: [{ provisionId: 'p1', description: 'exchange' }],
          prerequisites: [{ kind: 'agreement' }, { kind: 'accepted-by', party: 'Hamas' }],
        },
      ],
    },
  },
  {
    ...development('template stall'),
    type: 'TalksStalled',
    occurredAt: '2024-06-01/2024-06-05',
    precision: 'range',
    payload: { reason: 'dispute', blameClaims: [{ by: 'Israel', blames: 'Hamas', claim: 'new demands' }] },
  },
  {
    ...development('template correction'),
    type: 'EventCorrected',
    payload: {
      targetEventId: TARGET_ID,
      reason: 'a later report',
      corrections: {
        summary: 'corrected',
        confidence: 'disputed',
        payload: { by: ['Qatar'], kind: 'joint' },
      },
    },
  },
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path (dotted, like the API's field names) inside a JSON value, containers included. */
const pathsOf = (value: unknown, prefix = ''): string[] => {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return [path, ...pathsOf(child, path)];
  });
};

type Mutation =
  | { readonly kind: 'replace'; readonly value: unknown }
  | { readonly kind: 'remove' }
  | { readonly kind: 'add'; readonly key: string; readonly value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: hostileValue.map((value): Mutation => ({ kind: 'replace', value })) },
  { weight: 2, arbitrary: fc.constant<Mutation>({ kind: 'remove' }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('__proto__', 'constructor')),
        hostileValue,
      )
      .map(([key, value]): Mutation => ({ kind: 'add', key, value })),
  },
);

/** Applies a mutation at a path of a deep copy; returns the copy and the path a refusal should name. */
const mutate = (event: unknown, path: string, change: Mutation): { body: Json; blamed: string } => {
  const copy = JSON.parse(JSON.stringify(event)) as Json;
  const keys = path.split('.');
  const last = keys.pop() ?? '';
  let parent = copy as Record<string, Json> | Json[];
  for (const key of keys) parent = (parent as Record<string, Json>)[key] as Record<string, Json>;
  const container = parent as Record<string, Json>;
  switch (change.kind) {
    case 'replace':
      // defineProperty, so a key such as "__proto__" stays an own field, as JSON.parse would make it.
      Object.defineProperty(container, last, { value: change.value, enumerable: true, writable: true });
      return { body: copy, blamed: path };
    case 'remove':
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete container[last];
      return { body: copy, blamed: path };
    case 'add': {
      const target = container[last];
      if (typeof target !== 'object' || target === null || Array.isArray(target))
        return mutate(event, path, { kind: 'replace', value: { [change.key]: change.value } });
      Object.defineProperty(target, change.key, { value: change.value, enumerable: true, writable: true });
      return { body: copy, blamed: `${path}.${change.key}` };
    }
    default: {
      const exhaustive: never = change;
      return exhaustive;
    }
  }
};

/** Fields whose value decides how others are read: a bad `type` is reported on the payload, a bad precision on the date. */
const blamedFields = (blamed: string, prefix: string): string[] => {
  const local = blamed.slice(prefix.length);
  const extra = local === 'type' ? ['payload'] : local === 'precision' ? ['occurredAt'] : [];
  return [blamed, ...extra.map((field) => `${prefix}${field}`)];
};

const isBatch = (body: unknown) => typeof body === 'object' && body !== null && 'events' in body;

const mutatedRequest = fc
  .record({
    template: fc.nat(),
    path: fc.nat(),
    change: mutation,
    batch: fc.boolean(),
    position: fc.nat({ max: 2 }),
  })
  .map(({ template, path, change, batch, position }) => {
    const all = templates();
    const event = all[template % all.length] ?? {};
    const paths = pathsOf(event);
    const chosen = paths[path % paths.length] ?? 'type';
    const mutated = mutate(event, chosen, change);
    if (!batch) return { body: mutated.body, blamed: blamedFields(mutated.blamed, ''), chosen };
    const events: unknown[] = templates().slice(0, 3);
    events.splice(position, 0, mutated.body);
    const prefix = `events.${position}.`;
    return {
      body: { events },
      blamed: blamedFields(`${prefix}${mutated.blamed}`, prefix),
      chosen: `${prefix}${chosen}`,
    };
  });

// --- the properties ----------------------------------------------------------------------------------------

const WRITER = { Authorization: `Bearer ${WRITER_TOKEN}` };
const GET_PATHS = ['status', 'issues', 'phases', 'timeline', 'events', 'history', 'diff'] as const;

describe.each(ADAPTERS)('hostile input on the %s store', (adapter) => {
  let live: LiveApp;
  let digest: string;
  beforeAll(async () => {
    live = await liveApp(adapter);
    const seeded = await postTo(live.url, NEGOTIATION, {
      events: [development('target', { id: TARGET_ID }), ...templates()],
    });
    expect(seeded.status).toBe(201);
    digest = await live.digest();
  });
  afterAll(() => live.close());

  /** A refused request must not have changed a byte; an accepted one must have changed the store. */
  const expectStore = async (changed: boolean) => {
    const now = await live.digest();
    if (changed) expect(now).not.toBe(digest);
    else expect(now).toBe(digest);
    digest = now;
  };

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    request(live.server)
      .post(path)
      .set({ ...WRITER, 'Content-Type': 'application/json', ...headers })
      .send(typeof body === 'string' ? body : JSON.stringify(body));

  it(
    'refuses arbitrary JSON bodies with a problem naming a field, storing nothing',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.jsonValue({ maxDepth: 6 }),
          fc.constantFrom(NEGOTIATION, 'fresh-negotiation'),
          async (body, negotiationId) => {
            const res = await post(`/negotiations/${negotiationId}/events`, JSON.stringify(body));
            expectProblem(res);
            await expectStore(false);
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'refuses bodies that are not JSON at all (truncated, binary, unicode) as malformed, storing nothing',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 200 }),
            fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1) || '{'),
            fc.constantFrom(
              '{"events": [',
              '\ufeff{}',
              'nul',
              '{"a":1}{"b":2}',
              '[1,]',
              "{'a':1}",
              '1e99999',
            ),
          ),
          async (text) => {
            const res = await post(`/negotiations/${NEGOTIATION}/events`, text);
            expectProblem(res);
            await expectStore(false);
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'refuses a mutated event (wrong types, huge strings, deep nesting, bad dates, unknown or missing fields) naming the mutated field; what it accepts is stored whole',
    async () => {
      await fc.assert(
        fc.asyncProperty(mutatedRequest, async ({ body, blamed, chosen }) => {
          const res = await post(`/negotiations/${NEGOTIATION}/events`, body);
          if (res.status === 201) {
            // The mutation left a valid event (a unicode summary, another valid date): it must be stored.
            await expectStore(true);
            return;
          }
          const errors = expectProblem(res);
          expect([400, 413, 422]).toContain(res.status);
          if (res.status !== 413) {
            // The append rules (422) number events like a batch even for a single one: "events.0.payload...".
            const local = (field: string) => (isBatch(body) ? field : field.replace(/^events\.0\./, ''));
            const named = errors.some((e) => blamed.some((field) => names(local(e.field), field)));
            if (!named) throw new Error(`mutating ${chosen} was refused naming ${JSON.stringify(errors)}`);
          }
          await expectStore(false);
        }),
        { numRuns: RUNS * 3 },
      );
    },
    TIMEOUT,
  );

  it(
    'answers bad or odd headers (conditions, content type, encoding, tokens) with a problem naming the header, or accepts',
    async () => {
      const headerValue = fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.string({
          unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
          maxLength: 40,
        }),
        fc.constantFrom('*', '"0"', '"2"', '"999"', '"-1"', 'W/"2"', '"2", "3"', ''),
        fc.constantFrom('application/json; charset=latin1', 'application/json; charset=utf-16', 'text/plain'),
        fc.constantFrom(
          'application/merge-patch+json',
          'multipart/form-data; boundary=x',
          'gzip',
          'br',
          'x-foo',
        ),
        fc.constantFrom(
          `Bearer ${READER_TOKEN}`,
          `Bearer ${WRITER_TOKEN}x`,
          'Basic dTpw',
          'Bearer',
          'bearer  ',
        ),
      );
      const header = fc.constantFrom(
        'If-Match',
        'If-None-Match',
        'Content-Type',
        'Content-Encoding',
        'Authorization',
        'X-API-Key',
        'Accept',
        'X-Request-Id',
      );
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.tuple(header, headerValue), { maxLength: 3, selector: ([h]) => h }),
          async (pairs) => {
            const headers = Object.fromEntries(pairs);
            const res = await post(`/negotiations/${NEGOTIATION}/events`, development('headers'), headers);
            if (res.status === 201) {
              await expectStore(true);
              return;
            }
            const errors = expectProblem(res);
            const sent = [...Object.keys(headers), '(body)', 'Authorization'];
            if (!errors.some((e) => sent.some((h) => h.toLowerCase() === e.field.toLowerCase())))
              throw new Error(
                `headers ${JSON.stringify(headers)} were refused naming ${JSON.stringify(errors)}`,
              );
            await expectStore(false);
          },
        ),
        { numRuns: RUNS * 2 },
      );
    },
    TIMEOUT,
  );

  it(
    'answers odd query strings on every view with 200 or a problem naming the parameter, changing nothing',
    async () => {
      const name = fc.oneof(
        fc.constantFrom(
          'asOf',
          'knownAt',
          'include',
          'state',
          'from',
          'to',
          'limit',
          'fromRevision',
          'format',
        ),
        fc.string({ minLength: 1, maxLength: 10 }),
        fc.constantFrom('__proto__', 'constructor', 'asOf[]', 'hasOwnProperty'),
      );
      const value = fc.oneof(
        fc.constantFrom(
          '2024-07-05',
          '2024-02-30',
          '2024-07-05T10:00:00+02:00',
          '9999-12-31',
          '0',
          '-1',
          '1001',
        ),
        fc.constantFrom('possible', 'certain', 'all', 'open', 'ndjson', 'json', '99999999999999999999'),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        fc.integer({ min: 1000, max: 6000 }).map((n) => '9'.repeat(n)),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...GET_PATHS),
          fc.array(fc.tuple(name, value), { maxLength: 4 }),
          async (view, params) => {
            const query = params
              .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
              .join('&');
            const res = await request(live.server).get(`/negotiations/${NEGOTIATION}/${view}?${query}`);
            if (res.status === 431) {
              // The request line alone went over Node's header size limit: refused before the app saw it.
              expect(expectProblem(res)).toEqual([{ field: '(headers)', reason: 'exceed the size limit' }]);
            } else if (res.status !== 200) {
              const errors = expectProblem(res);
              // A knownAt before the negotiation's first recording is "not known then": 404 naming knownAt.
              if (res.status === 404) expect(errors).toEqual([expect.objectContaining({ field: 'knownAt' })]);
              else expect(res.status).toBe(400);
              const sent = params.map(([k]) => k);
              if (!errors.some((e) => sent.includes(e.field) || e.field === 'to' || e.field === 'from'))
                throw new Error(`${view}?${query} was refused naming ${JSON.stringify(errors)}`);
            }
            await expectStore(false);
          },
        ),
        { numRuns: RUNS * 2 },
      );
    },
    TIMEOUT,
  );

  it(
    'answers any method on any path (odd ids, bad percent-encoding, unicode) without a 5xx, changing nothing',
    async () => {
      const segment = fc.oneof(
        fc.constantFrom(
          NEGOTIATION,
          'unknown',
          '%ZZ',
          '%',
          '%00',
          '..',
          '%2F',
          'a'.repeat(129),
          'UPPER',
          '-x',
        ),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map(encodeURIComponent),
      );
      const path = fc.oneof(
        fc
          .tuple(segment, fc.constantFrom('', ...GET_PATHS, 'nothing'))
          .map(([id, view]) => (view === '' ? `/negotiations/${id}` : `/negotiations/${id}/${view}`)),
        fc.constantFrom('/', '/health', '/negotiations', '/admin/principals', '/nowhere', '/negotiations/'),
        segment.map((s) => `/${s}`),
      );
      const method = fc.constantFrom('get', 'post', 'put', 'patch', 'delete', 'options', 'head');
      await fc.assert(
        fc.asyncProperty(method, path, async (verb, target) => {
          const sent = request(live.server)[verb](target).set(WRITER).set('Content-Type', 'application/json');
          const res = await (verb === 'get' || verb === 'head' ? sent : sent.send('{"not":"an event"}'));
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400 && verb !== 'head') expectProblem(res);
          await expectStore(false);
        }),
        { numRuns: RUNS * 2 },
      );
    },
    TIMEOUT,
  );

  describe('regressions found by fuzzing', () => {
    it('names the path for a segment that is not valid percent-encoding', async () => {
      const res = await request(live.server).get('/negotiations/%ZZ/status');
      expect(res.status).toBe(400);
      expect(expectProblem(res)).toEqual([{ field: '(path)', reason: 'could not be read' }]);
    });

    it('answers a wrong method on /health and /admin/principals with 405 and Allow', async () => {
      const res = await request(live.server).delete('/health');
      expect(res.status).toBe(405);
      expect(res.headers['allow']).toBe('GET');
      expect(expectProblem(res)[0]?.field).toBe('(method)');
    });

    it('names a field in 404 and 405 problems', async () => {
      const route = await request(live.server).get('/nowhere');
      expect(expectProblem(route)[0]?.field).toBe('(path)');
      const negotiation = await request(live.server).get('/negotiations/unknown/status');
      expect(expectProblem(negotiation)[0]?.field).toBe('negotiationId');
      const method = await request(live.server).put(`/negotiations/${NEGOTIATION}/status`);
      expect(expectProblem(method)[0]?.field).toBe('(method)');
    });

    it('blames If-None-Match, not If-Match, when "If-None-Match: *" meets an existing negotiation', async () => {
      const res = await post(`/negotiations/${NEGOTIATION}/events`, development('exists'), {
        'If-None-Match': '*',
      });
      expect(res.status).toBe(412);
      expect(expectProblem(res)[0]?.field).toBe('If-None-Match');
      await expectStore(false);
    });

    it('names Content-Encoding for a body that does not decompress or an unknown encoding', async () => {
      for (const encoding of ['gzip', 'deflate', 'br']) {
        const corrupt = await post(`/negotiations/${NEGOTIATION}/events`, '{"a":1}', {
          'Content-Encoding': encoding,
        });
        expect(corrupt.status).toBe(400);
        expect(expectProblem(corrupt)[0]?.field).toBe('Content-Encoding');
      }
      const unknown = await post(`/negotiations/${NEGOTIATION}/events`, '{"a":1}', {
        'Content-Encoding': 'x-foo',
      });
      expect(unknown.status).toBe(415);
      expect(expectProblem(unknown)[0]?.field).toBe('Content-Encoding');
      await expectStore(false);
    });
  });
});
