import { createAnswerCache } from '../../src/api/answer-cache';
import { ReadQuery, answerKey as readKey } from '../../src/application/read-path';
import { MomentParams, ViewQuery, momentOf } from '../../src/projections';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const answerKey = (
  view: ViewQuery['view'],
  negotiationId: string,
  revision: number,
  params: MomentParams,
) => {
  const moment = momentOf(params, NOW);
  if (moment._tag === 'Left') throw new Error('bad moment');
  const query: ReadQuery =
    view === 'status'
      ? { negotiationId, moment: moment.right, view: { view, deadlines: 'live' } }
      : { negotiationId, moment: moment.right, view: { view: 'issues', state: 'open' } };
  return readKey(query, revision) ?? 'never kept';
};

const body = (bytes: number, fill = 'x') => ({ revision: 0, body: Buffer.from(fill.repeat(bytes)) });

describe('the answer cache', () => {
  it('gives back what was kept under the same key, and counts hits and misses', () => {
    const cache = createAnswerCache(10_000);
    const key = answerKey('status', 'n', 3, { asOf: '2024-07-05' });
    expect(cache.get(key)).toBeUndefined();
    cache.set(key, body(100, 'a'));
    expect(cache.get(key)?.body.toString()).toBe('a'.repeat(100));
    expect(cache.stats()).toMatchObject({ entries: 1, hits: 1, misses: 1 });
  });

  it('keys on the view, the negotiation, the revision and the query', () => {
    const keys = [
      answerKey('status', 'n', 3, { asOf: '2024-07-05' }),
      answerKey('issues', 'n', 3, { asOf: '2024-07-05' }),
      answerKey('status', 'm', 3, { asOf: '2024-07-05' }),
      answerKey('status', 'n', 4, { asOf: '2024-07-05' }),
      answerKey('status', 'n', 3, { asOf: '2024-07-06' }),
      answerKey('status', 'n', 3, { asOf: '2024-07-05', include: 'certain' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps no answer that follows the clock', () => {
    expect(answerKey('status', 'n', 3, {})).toBe('never kept');
  });

  it('stays within its byte budget, dropping the least recently used answers first', () => {
    const cache = createAnswerCache(1_000);
    const key = (n: number) => answerKey('status', 'n', 0, { asOf: `2024-07-0${n}` });
    const entry = 300 - key(1).length * 2;
    cache.set(key(1), body(entry));
    cache.set(key(2), body(entry));
    cache.set(key(3), body(entry));
    expect(cache.get(key(1))).toBeDefined(); // 1 is now the most recently used
    cache.set(key(4), body(entry));
    expect(cache.get(key(2))).toBeUndefined();
    expect(cache.get(key(1))).toBeDefined();
    expect(cache.get(key(3))).toBeDefined();
    expect(cache.get(key(4))).toBeDefined();
    expect(cache.stats().bytes).toBeLessThanOrEqual(1_000);
  });

  it('does not keep an answer larger than the whole budget', () => {
    const cache = createAnswerCache(100);
    cache.set('k', body(500));
    expect(cache.get('k')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });
});
