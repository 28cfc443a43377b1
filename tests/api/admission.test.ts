import { createAdmission } from '../../src/api/admission';

/**
 * Reads that fold a whole log take turns: a few at once within a budget of events, the next ones queued, and past
 * the queue a 503 that says when to come back.
 */
const limits = { concurrency: 2, budget: 100, queueLength: 1, maxWaitMs: 60_000 };

const admittedNow = async (admission: ReturnType<typeof createAdmission>, cost: number) => {
  const turn = await admission.enter(cost);
  if (!turn.admitted) throw new Error('expected a turn');
  return turn.release;
};

describe('admission of expensive reads', () => {
  it('runs reads up to the concurrency, queues the next, and refuses past the queue with 503 and Retry-After', async () => {
    const admission = createAdmission(limits);
    const first = await admittedNow(admission, 10);
    await admittedNow(admission, 10);
    let queuedAdmitted = false;
    const queued = admission.enter(10).then((turn) => {
      queuedAdmitted = turn.admitted;
      return turn;
    });
    const refused = await admission.enter(10);
    expect(refused.admitted).toBe(false);
    const refusal = refused.admitted ? undefined : refused.refusal;
    expect(refusal?.problem).toMatchObject({
      status: 503,
      type: '/problems/server-busy',
      errors: [{ field: '(request)', reason: 'the server is at its limit of expensive reads' }],
    });
    expect(refusal?.problem.detail).toMatch(/Retry after \d+ s/);
    expect(refusal?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(admission.stats()).toMatchObject({ running: 2, queued: 1, refused: 1 });

    expect(queuedAdmitted).toBe(false);
    first();
    expect((await queued).admitted).toBe(true);
    expect(admission.stats()).toMatchObject({ running: 2, queued: 0 });
  });

  it('holds reads to the budget of events: a read that does not fit waits, even with a turn free', async () => {
    const admission = createAdmission({ ...limits, queueLength: 4 });
    const big = await admittedNow(admission, 80);
    let admitted = false;
    const waiting = admission.enter(30).then((turn) => (admitted = turn.admitted));
    await Promise.resolve();
    expect(admitted).toBe(false);
    big();
    await waiting;
    expect(admitted).toBe(true);
  });

  it('runs a read costing more than the whole budget, alone', async () => {
    const admission = createAdmission(limits);
    const huge = await admittedNow(admission, 1_000);
    expect(admission.stats().heldEvents).toBe(100);
    huge();
    expect(admission.stats()).toMatchObject({ running: 0, heldEvents: 0 });
  });

  it('drops a queued read whose client went away, and answers one that waited too long', async () => {
    const admission = createAdmission({ ...limits, concurrency: 1, maxWaitMs: 20 });
    await admittedNow(admission, 10);
    const gone = new AbortController();
    const left = admission.enter(10, gone.signal);
    gone.abort();
    expect(await left).toEqual({ admitted: false });
    const late = await admission.enter(10);
    expect(late.admitted).toBe(false);
    expect(late.admitted ? undefined : late.refusal?.problem.detail).toMatch(/waited 0 s|waited \d+ s/);
    expect(admission.stats().queued).toBe(0);
  });
});
