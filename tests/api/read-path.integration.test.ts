import supertest from '../support/contract-request';
import { ADAPTERS, Harness, harness } from '../support/app-harness';
import { reported } from '../support/builders';

/**
 * Every view is read through one path: the same moment gives the same facts whichever endpoint is asked. Each test
 * holds a regression found when the listing, the diff and the known-at answers were composed apart.
 */

const post = (h: Harness, negotiationId: string, events: readonly object[]) =>
  supertest(h.app)
    .post(`/negotiations/${negotiationId}/events`)
    .send({ events })
    .expect((res) => {
      if (res.status >= 300) throw new Error(`append failed: ${res.status} ${JSON.stringify(res.body)}`);
    });

const phase = (phaseId: string, order: number, extra: object = {}) => ({
  phaseId,
  name: `Phase ${order}`,
  order,
  provisions: [],
  prerequisites: [],
  ...extra,
});

describe.each(ADAPTERS)('one read path on the %s store', (adapter) => {
  let h: Harness;
  beforeEach(() => {
    h = harness(adapter);
    // The server's clock: 2025-01-05.
  });
  afterEach(() => h.close());

  describe('the listing and one negotiation', () => {
    const opened = reported(
      'NegotiationOpened',
      { title: 'Border talks', parties: ['A', 'B'], mediators: ['C'] },
      { occurredAt: '2024-06-01' },
    );
    const stalled = reported('TalksStalled', { reason: 'deadlock' }, { occurredAt: '2024-09-01' });
    // Dated next year: not yet part of the negotiation "now".
    const future = reported(
      'TalksResumed',
      { venue: 'Geneva' },
      { occurredAt: '2026-03-01', reportedAt: '2025-01-04' },
    );

    beforeEach(() => post(h, 'border', [opened, stalled, future]));

    it('counts no development dated after the clock, like the status', async () => {
      const status = await supertest(h.app).get('/negotiations/border/status').expect(200);
      const listed = await supertest(h.app).get('/negotiations').expect(200);
      const one = await supertest(h.app).get('/negotiations/border').expect(200);
      const entry = (listed.body as { negotiations: Array<Record<string, unknown>> }).negotiations[0];
      for (const answer of [entry, one.body as Record<string, unknown>]) {
        expect(answer).toMatchObject({
          activity: status.body.status.activity,
          stage: status.body.status.stage,
          developmentCount: 2,
          lastDevelopment: { eventId: stalled.id },
          revision: 2,
          eventCount: 3,
        });
      }
      expect(status.body.status.activity).toBe('stalled');
    });

    it('answers as of the date asked, and as the log stood at knownAt', async () => {
      const later = await supertest(h.app).get('/negotiations/border?asOf=2026-04-01').expect(200);
      expect(later.body).toMatchObject({ asOf: '2026-04-01', lastDevelopment: { eventId: future.id } });
      const listed = await supertest(h.app).get('/negotiations?asOf=2024-07-01').expect(200);
      expect(listed.body.negotiations[0]).toMatchObject({
        lastDevelopment: { eventId: opened.id },
        developmentCount: 1,
      });
      // Before anything was recorded the log knew nothing of it: 404 for it, absent from the listing.
      const before = await supertest(h.app).get('/negotiations/border?knownAt=2024-01-01').expect(404);
      expect(before.body.errors[0].field).toBe('knownAt');
      const emptyList = await supertest(h.app).get('/negotiations?knownAt=2024-01-01').expect(200);
      expect(emptyList.body.negotiations).toEqual([]);
    });

    it.each([
      ['?foo=1', 'foo'],
      ['?asOf=notadate', 'asOf'],
      ['?include=sometimes', 'include'],
      ['?knownAt=2031-01-01', 'knownAt'],
    ])('refuses %s naming the field, for the listing and for one negotiation', async (query, field) => {
      for (const path of ['/negotiations', '/negotiations/border']) {
        const refused = await supertest(h.app).get(`${path}${query}`).expect(400);
        expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
        expect((refused.body.errors as Array<{ field: string }>).map((e) => e.field)).toContain(field);
      }
    });
  });

  describe('the diff', () => {
    it('judges due dates and deadlines at each of its two dates, as /phases and /status do', async () => {
      await post(h, 'deal', [
        reported(
          'ProposalTabled',
          {
            proposalId: 'plan',
            author: 'A',
            summary: 'a phased plan',
            phases: [phase('one', 1, { durationDays: 30 })],
          },
          { occurredAt: '2020-01-01' },
        ),
        reported(
          'AgreementReached',
          { scope: 'framework', parties: ['A', 'B'], proposalId: 'plan' },
          {
            occurredAt: '2020-01-10',
          },
        ),
        reported('PhaseStarted', { phaseId: 'one' }, { occurredAt: '2020-02-01' }),
        reported(
          'DeadlineSet',
          { description: 'final status talks', deadline: '2021-06-01' },
          {
            occurredAt: '2020-02-15',
          },
        ),
      ]);
      const from = '2020-02-01';
      const to = '2020-03-05';
      const diff = await supertest(h.app).get(`/negotiations/deal/diff?from=${from}&to=${to}`).expect(200);
      const phases = await supertest(h.app).get(`/negotiations/deal/phases?asOf=${to}`).expect(200);
      const status = await supertest(h.app)
        .get(`/negotiations/deal/status?asOf=${to}&deadlines=all`)
        .expect(200);
      const changes = diff.body.changes as Array<{ path: string; after?: string }>;
      const overdue = changes.find((c) => c.path === 'phases.one.overdue');
      const phaseOne = (phases.body.phases as Array<{ phaseId: string; overdue?: boolean }>).find(
        (p) => p.phaseId === 'one',
      );
      // Due on 2 March, so overdue by 5 March: the diff says so because /phases says so, not by the end of time.
      expect(phaseOne?.overdue).toBe(true);
      expect(overdue?.after).toBe('overdue');
      const deadline = (status.body.status.deadlines as Array<{ state: string }>)[0];
      expect(deadline?.state).toBe('pending');
      // Set between the two dates for June 2021: pending on 5 March 2020, as the status says.
      const set = changes.find((c) => c.path.startsWith('status.deadline.'));
      expect(set?.after).toBe(`${deadline?.state} (2021-06-01)`);

      // Between two dates before the due date nothing is overdue.
      const early = await supertest(h.app)
        .get('/negotiations/deal/diff?from=2020-02-01&to=2020-02-20')
        .expect(200);
      expect((early.body.changes as Array<{ path: string }>).some((c) => c.path.endsWith('.overdue'))).toBe(
        false,
      );
    });
  });

  describe('known-at answers', () => {
    it('carry the revision known then, and refuse an instant after the clock', async () => {
      h.clock.set('2024-08-01T10:00:00.000Z');
      await post(h, 'n', [
        reported(
          'NegotiationOpened',
          { title: 'Talks', parties: ['A', 'B'], mediators: ['C'] },
          { occurredAt: '2024-07-01' },
        ),
        reported('TalksStalled', { reason: 'deadlock' }, { occurredAt: '2024-07-20' }),
      ]);
      h.clock.set('2024-10-01T10:00:00.000Z');
      await post(h, 'n', [reported('TalksResumed', { venue: 'Doha' }, { occurredAt: '2024-09-20' })]);
      for (const view of ['status', 'issues', 'phases', 'timeline']) {
        const then = await supertest(h.app).get(`/negotiations/n/${view}?knownAt=2024-09-01`).expect(200);
        expect(then.body.revision).toBe(1);
        expect(then.headers['etag']).toBe('"1"');
        const now = await supertest(h.app).get(`/negotiations/n/${view}`).expect(200);
        expect(now.headers['etag']).toBe('"2"');
      }
      const future = await supertest(h.app).get('/negotiations/n/status?knownAt=2024-10-02').expect(400);
      expect(future.body.errors[0]).toMatchObject({ field: 'knownAt' });
    });
  });

  describe('whether something is defined', () => {
    it('has one answer: an agreement on a proposal never tabled warns on append and shows in the status', async () => {
      const appended = await supertest(h.app)
        .post('/negotiations/x/events')
        .send(
          reported(
            'AgreementReached',
            { scope: 'framework', parties: ['A', 'B'], proposalId: 'ghost' },
            {
              occurredAt: '2024-07-01',
            },
          ),
        )
        .expect(201);
      const warned = (appended.body.warnings as Array<{ field: string; reason: string }>).some((w) =>
        w.reason.includes('"ghost"'),
      );
      const status = await supertest(h.app).get('/negotiations/x/status').expect(200);
      const listed = (status.body.status.unresolvedReferences as Array<{ kind: string; id: string }>).some(
        (r) => r.kind === 'proposal' && r.id === 'ghost',
      );
      expect(warned).toBe(true);
      expect(listed).toBe(true);
    });
  });
});
