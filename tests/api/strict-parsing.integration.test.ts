import { duplicateKeyIn } from '../../src/api/duplicate-keys';
import request from '../support/contract-request';
import { ADAPTERS, Harness, harness } from '../support/app-harness';
import { development } from '../support/live-app';

describe('a JSON text read for duplicate keys', () => {
  it('names the first key given twice in one object, by its path', () => {
    expect(duplicateKeyIn('{"a":1,"a":2}')).toBe('a');
    expect(duplicateKeyIn('{"events":[{"type":"X"},{"payload":{"r":1,"q":{"r":2},"r":3}}]}')).toBe(
      'events.1.payload.r',
    );
    // Escapes are read as JSON reads them: "\u0061" is "a".
    expect(duplicateKeyIn('{"a":1,"\\u0061":2}')).toBe('a');
  });

  it('lets equal keys in different objects, equal values and keys inside strings pass', () => {
    expect(duplicateKeyIn('{"a":{"a":1},"b":[{"a":1},{"a":1}],"c":"\\"a\\":1,\\"a\\":2"}')).toBeUndefined();
    expect(duplicateKeyIn('[1,2,{"x":"{\\"x\\":1}"}]')).toBeUndefined();
    expect(duplicateKeyIn('{"a":1,')).toBeUndefined();
  });
});

describe.each(ADAPTERS)('appends that could be read two ways (%s)', (adapter) => {
  let h: Harness;
  beforeEach(() => {
    h = harness(adapter);
  });
  afterEach(() => h.close());

  it('refuses a body giving a key twice with 400 naming it, and records nothing', async () => {
    const event = development(1);
    const text = JSON.stringify(event).replace(
      '"type":"StatementIssued"',
      '"type":"StatementIssued","type":"TalksCollapsed"',
    );
    const refused = await request(h.app)
      .post('/negotiations/doha/events')
      .set('content-type', 'application/json')
      .send(text)
      .expect(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors).toEqual([{ field: 'type', reason: 'is given twice in the same object' }]);
    expect(await h.store.streamRevision('doha')()).toEqual({ _tag: 'Right', right: -1 });
  });

  it('refuses an If-Match revision past 2^53 instead of rounding it', async () => {
    await request(h.app).post('/negotiations/doha/events').send(development(1)).expect(201);
    const refused = await request(h.app)
      .post('/negotiations/doha/events')
      .set('If-Match', '"9007199254740993"')
      .send(development(2))
      .expect(400);
    expect(refused.body.errors[0].field).toBe('If-Match');
    expect(await h.store.streamRevision('doha')()).toEqual({ _tag: 'Right', right: 0 });
  });
});
