import { readStream } from '../../scripts/reliability/client';
import { seededRandom } from '../../scripts/reliability/random';
import { projectionMismatches } from '../../scripts/reliability/replay-check';
import { batchOf, learn, openingEvents } from '../../scripts/reliability/workload';
import { LiveApp, liveApp, postTo } from '../support/live-app';

/** The crash harness trusts this check to notice a bent answer; here it is shown one. */
describe('comparing a server with a fresh replay of its events', () => {
  let live: LiveApp;
  beforeAll(async () => {
    live = await liveApp('sqlite');
    const random = seededRandom(7);
    const knowledge = { negotiationId: 'replayed', targets: [] as string[] };
    const opening = openingEvents(random, 'replayed');
    expect((await postTo(live.url, 'replayed', { events: opening })).status).toBe(201);
    learn(knowledge, opening);
    for (let n = 0; n < 30; n += 1) {
      const events = batchOf(random, knowledge, 3, `batch ${n}`);
      const answer = await postTo(live.url, 'replayed', { events });
      expect([201, 422]).toContain(answer.status);
      if (answer.status === 201) learn(knowledge, events);
    }
  });
  afterAll(() => live.close());

  it('finds no difference when the server answers from the events it stores', async () => {
    const stream = await readStream(live.url, 'replayed');
    expect(stream.length).toBeGreaterThan(60);
    expect(stream.some((e) => e.type === 'EventCorrected' || e.type === 'EventRetracted')).toBe(true);
    expect(await projectionMismatches(live.url, 'replayed', stream)).toEqual([]);
  });

  it('reports the views that differ when the replayed events are not the stored ones', async () => {
    const stream = await readStream(live.url, 'replayed');
    const bent = stream.map((event) =>
      event.type === 'IssueRaised' ? { ...event, payload: { ...event.payload, title: 'bent' } } : event,
    );
    const mismatches = await projectionMismatches(live.url, 'replayed', bent);
    expect(mismatches.some((m) => m.includes('issues?') && m.includes('fresh replay'))).toBe(true);
    expect(mismatches.some((m) => m.includes('issues?') && m.includes('plain fold'))).toBe(true);
    expect(mismatches.some((m) => m.startsWith('replayed timeline'))).toBe(true);
    const shorter = await projectionMismatches(live.url, 'replayed', stream.slice(0, -1));
    expect(shorter.some((m) => m.includes('revision'))).toBe(true);
  });
});
