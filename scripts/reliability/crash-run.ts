import { StoredEvent } from '../../src/domain';
import { findChainBreak } from '../../src/store';
import { AppendAcknowledgement, Answer, postEvents, readStream, send } from './client';
import { Random, seededRandom } from './random';
import { projectionMismatches } from './replay-check';
import {
  ServerProcess,
  killHard,
  peakMemoryMiB,
  startServerProcess,
  stopGracefully,
  writerToken,
} from './server-process';
import { NegotiationKnowledge, WireEvent, batchOf, isCorrection, learn, openingEvents } from './workload';

/**
 * The crash harness: runs the built server on the embedded store, drives concurrent writers (with and without
 * If-Match), a reader and a hostile client, kills the server with SIGKILL at a random moment, restarts it and
 * checks the log: every acknowledged event present once at the acknowledged revision and hash, no refused event
 * stored, no partial or split batch, the hash chain intact, and every view equal to a fresh replay.
 */

export interface CrashRunOptions {
  readonly dataDir: string;
  /** SIGKILLs to survive. */
  readonly rounds: number;
  readonly seed: number;
  readonly writers?: number;
  readonly negotiations?: number;
  readonly maxBatch?: number;
  /** The kill lands at a random moment in this window after the load starts. */
  readonly killWindowMs?: readonly [number, number];
  /** Also send malformed, oversized, unauthorised and conflicting requests during the load. */
  readonly hostile?: boolean;
  /** No new round starts after this instant (epoch ms). */
  readonly deadline?: number;
  readonly log?: (line: string) => void;
}

export interface CrashRunReport {
  readonly seed: number;
  readonly rounds: number;
  readonly killsSurvived: number;
  readonly requestsSent: number;
  readonly eventsAttempted: number;
  readonly eventsAcknowledged: number;
  /** Events of this run found in the store at the end. */
  readonly eventsAppended: number;
  readonly inDoubtBatches: number;
  readonly inDoubtLanded: number;
  readonly inDoubtRetriedReplayed: number;
  readonly requestsRejected: Readonly<Record<string, number>>;
  readonly serverErrors: number;
  readonly eventsLost: number;
  readonly duplicates: number;
  readonly partialBatches: number;
  readonly splitBatches: number;
  readonly acknowledgementMismatches: number;
  readonly refusedButStored: number;
  readonly unaccountedEvents: number;
  readonly chainBreaks: number;
  readonly projectionMismatches: number;
  readonly peakServerMiB?: number;
  /** A line per failed check; empty when the run is clean. */
  readonly problems: readonly string[];
}

type Outcome = 'acknowledged' | 'refused' | 'in-doubt';

interface BatchRecord {
  readonly negotiationId: string;
  readonly events: readonly WireEvent[];
  readonly headers: Record<string, string>;
  outcome: Outcome;
  acknowledgement?: AppendAcknowledgement;
  /** Already counted among the batches in doubt at a kill. */
  seenInDoubt?: boolean;
  /** Carried by a request of the hostile client, built to be refused. */
  readonly hostile?: boolean;
}

const BODY_LIMIT = '1mb';

export const runCrashRounds = async (options: CrashRunOptions): Promise<CrashRunReport> => {
  const random = seededRandom(options.seed);
  const writers = options.writers ?? 4;
  const maxBatch = options.maxBatch ?? 5;
  const [killMin, killMax] = options.killWindowMs ?? [100, 700];
  const log = options.log ?? (() => undefined);
  const writer = writerToken();
  const env = {
    DATA_DIR: options.dataDir,
    IMPORT_REFERENCE_STORY: 'false',
    WRITES_PER_MINUTE: '10000000',
    READS_PER_MINUTE: '10000000',
    BODY_LIMIT,
    ...writer.env,
  };
  const auth = { authorization: `Bearer ${writer.token}` };
  const negotiationIds = Array.from({ length: options.negotiations ?? 3 }, (_, i) => `reliability-${i}`);
  const knowledge = new Map<string, NegotiationKnowledge>(
    negotiationIds.map((negotiationId) => [negotiationId, { negotiationId, targets: [] }]),
  );
  const records: BatchRecord[] = [];
  /** The hostile client goes through its kinds of request in turn, across rounds. */
  let hostileSent = 0;
  const rejected: Record<string, number> = {};
  const problems: string[] = [];
  const figures = {
    requestsSent: 0,
    serverErrors: 0,
    killsSurvived: 0,
    inDoubtRetriedReplayed: 0,
    inDoubtBatches: 0,
    inDoubtLanded: 0,
    peakServerMiB: undefined as number | undefined,
  };
  let lastCheck: Omit<
    CrashRunReport,
    | 'seed'
    | 'rounds'
    | 'killsSurvived'
    | 'requestsSent'
    | 'requestsRejected'
    | 'serverErrors'
    | 'inDoubtRetriedReplayed'
    | 'inDoubtBatches'
    | 'inDoubtLanded'
    | 'peakServerMiB'
    | 'problems'
  > = emptyCheck();

  const counted = async (request: () => Promise<Answer>): Promise<Answer> => {
    figures.requestsSent += 1;
    const answer = await request();
    if (answer.status >= 500) {
      figures.serverErrors += 1;
      problems.push(`server error ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    } else if (answer.status >= 400) rejected[answer.status] = (rejected[answer.status] ?? 0) + 1;
    return answer;
  };

  const append = async (server: ServerProcess, record: BatchRecord): Promise<Answer> => {
    const body = record.events.length === 1 ? record.events[0] : { events: record.events };
    const answer = await counted(() =>
      postEvents(server.url, record.negotiationId, body, { ...auth, ...record.headers }),
    );
    if (answer.status === 200 || answer.status === 201) {
      record.outcome = 'acknowledged';
      record.acknowledgement = answer.body as AppendAcknowledgement;
      learn(knowledge.get(record.negotiationId) ?? { negotiationId: '', targets: [] }, record.events);
    } else record.outcome = 'refused';
    return answer;
  };

  /** Reads the store back through the restarted server and checks every batch ever sent against it. */
  const verify = async (
    server: ServerProcess,
    moment: string,
  ): Promise<{ clean: boolean; inDoubt: number; landed: number }> => {
    const before = problems.length;
    const streams = new Map<string, StoredEvent[]>();
    for (const id of negotiationIds) streams.set(id, await readStream(server.url, id));
    const stored = new Map<string, StoredEvent>();
    let duplicates = 0;
    let chainBreaks = 0;
    for (const [id, stream] of streams) {
      for (const event of stream) {
        if (stored.has(event.id)) duplicates += 1;
        stored.set(event.id, event);
      }
      const broken = findChainBreak(stream);
      if (broken !== undefined) {
        chainBreaks += 1;
        problems.push(`${moment}: chain of ${id} breaks at revision ${broken.revision} (${broken.reason})`);
      }
    }
    const sent = new Set<string>();
    const check = { lost: 0, partial: 0, split: 0, mismatched: 0, refusedStored: 0, landed: 0, inDoubt: 0 };
    for (const record of records) {
      const present = record.events.filter((event) => stored.has(event.id));
      for (const event of record.events) sent.add(event.id);
      if (record.outcome === 'in-doubt' && record.seenInDoubt !== true) {
        record.seenInDoubt = true;
        check.inDoubt += 1;
        if (present.length === record.events.length) check.landed += 1;
      }
      if (record.outcome === 'acknowledged') {
        const missing = record.events.length - present.length;
        check.lost += missing;
        if (missing > 0)
          problems.push(`${moment}: ${missing} acknowledged event(s) of ${record.negotiationId} lost`);
        for (const acknowledged of record.acknowledgement?.events ?? []) {
          const event = stored.get(acknowledged.id);
          if (
            event !== undefined &&
            (event.revision !== acknowledged.revision || event.hash !== acknowledged.hash)
          ) {
            check.mismatched += 1;
            problems.push(
              `${moment}: ${acknowledged.id} stored at another revision or hash than acknowledged`,
            );
          }
        }
      }
      if (record.outcome === 'refused' && present.length > 0) {
        check.refusedStored += present.length;
        problems.push(`${moment}: ${present.length} event(s) of a refused request were stored`);
      }
      if (present.length > 0 && present.length < record.events.length) {
        check.partial += 1;
        problems.push(`${moment}: partial batch, ${present.length} of ${record.events.length} stored`);
      }
      const revisions = present.map((event) => stored.get(event.id)?.revision ?? -1);
      if (revisions.some((revision, i) => i > 0 && revision !== (revisions[i - 1] ?? 0) + 1)) {
        check.split += 1;
        problems.push(`${moment}: a batch landed at non-consecutive revisions ${revisions.join(',')}`);
      }
    }
    const unaccounted = [...stored.keys()].filter((id) => !sent.has(id)).length;
    if (unaccounted > 0) problems.push(`${moment}: ${unaccounted} stored event(s) that no client sent`);
    if (duplicates > 0) problems.push(`${moment}: ${duplicates} event id(s) stored twice`);
    let mismatches = 0;
    for (const [id, stream] of streams) {
      const found = await projectionMismatches(server.url, id, stream);
      mismatches += found.length;
      problems.push(...found.slice(0, 5).map((line) => `${moment}: projection ${line}`));
    }
    lastCheck = {
      eventsAttempted: records.filter((r) => r.hostile !== true).reduce((n, r) => n + r.events.length, 0),
      eventsAcknowledged: records
        .filter((r) => r.outcome === 'acknowledged')
        .reduce((n, r) => n + r.events.length, 0),
      eventsAppended: [...stored.keys()].filter((id) => sent.has(id)).length,
      eventsLost: check.lost,
      duplicates,
      partialBatches: check.partial,
      splitBatches: check.split,
      acknowledgementMismatches: check.mismatched,
      refusedButStored: check.refusedStored,
      unaccountedEvents: unaccounted,
      chainBreaks,
      projectionMismatches: mismatches,
    };
    log(
      `${moment}: ${stored.size} events stored, ${check.inDoubt} in doubt (${check.landed} landed), ${problems.length - before} problem(s)`,
    );
    return { clean: problems.length === before, inDoubt: check.inDoubt, landed: check.landed };
  };

  /**
   * A client whose request died with the server retries it with the same event ids: the answer must be the
   * original result (200, replayed) when it had landed, and a fresh append when it had not. A batch with
   * corrections or retractions that had not landed stays in doubt: the log may have moved on since (its target
   * retracted by another writer), so a fresh attempt may rightly be refused.
   */
  const retryInDoubt = async (server: ServerProcess) => {
    const landed = new Set<string>();
    for (const id of negotiationIds)
      for (const event of await readStream(server.url, id)) landed.add(event.id);
    for (const record of records) {
      if (record.outcome !== 'in-doubt') continue;
      const wasStored = record.events.every((event) => landed.has(event.id));
      if (!wasStored && record.events.some(isCorrection)) continue;
      const answer = await append(server, record);
      const replayed = answer.status === 200 && (answer.body as { replayed?: boolean }).replayed === true;
      if (wasStored && !replayed)
        problems.push(`retry of a landed batch answered ${answer.status}, not 200 replayed`);
      if (!wasStored && answer.status !== 201 && answer.status !== 412)
        problems.push(`retry of a lost batch answered ${answer.status}`);
      if (replayed) figures.inDoubtRetriedReplayed += 1;
    }
  };

  /** One hostile request (the n-th kind, cyclically), its refusal checked and counted. */
  const sendHostile = async (server: ServerProcess, n: number, loadRandom: Random, when: string) => {
    const negotiationId = loadRandom.pick(negotiationIds);
    const own = knowledge.get(negotiationId) ?? { negotiationId, targets: [] };
    const attack = hostileRequest(n, loadRandom, own, `${when} hostile ${n}`);
    if (attack.events.length > 0)
      records.push({ negotiationId, events: attack.events, headers: {}, outcome: 'refused', hostile: true });
    const answer = await counted(() => attack.send(server.url, negotiationId, auth));
    if (answer.status !== attack.expected)
      problems.push(`${when}: ${attack.name} answered ${answer.status}, expected ${attack.expected}`);
    if (!isProblemWithFields(answer))
      problems.push(`${when}: ${attack.name} answer is not problem+json naming a field`);
  };

  /** Writers, a reader and (optionally) a hostile client until `stop` is set; the server may die under them. */
  const load = (server: ServerProcess, round: number, loadRandom: Random) => {
    let stopped = false;
    const alive = async (work: () => Promise<void>) => {
      try {
        await work();
      } catch (error) {
        if (!stopped)
          problems.push(`round ${round}: request failed while the server was up: ${String(error)}`);
      }
    };
    const writerLoop = async (index: number) => {
      const conditional = index % 2 === 1;
      const etags = new Map<string, string>();
      for (let n = 0; !stopped; n += 1) {
        const negotiationId = loadRandom.pick(negotiationIds);
        const own = knowledge.get(negotiationId) ?? { negotiationId, targets: [] };
        const record: BatchRecord = {
          negotiationId,
          events: batchOf(loadRandom, own, loadRandom.integer(1, maxBatch), `r${round} w${index} b${n}`),
          headers: {},
          outcome: 'in-doubt',
        };
        await alive(async () => {
          if (conditional) {
            let etag = etags.get(negotiationId);
            if (etag === undefined) {
              const status = await counted(() => send(`${server.url}/negotiations/${negotiationId}/status`));
              etag = status.headers.get('etag') ?? '*';
            }
            record.headers['if-match'] = etag;
          }
          records.push(record);
          const answer = await append(server, record);
          const etag = answer.headers.get('etag');
          if (conditional && etag !== null) etags.set(negotiationId, etag);
          if (![200, 201, 412, 422].includes(answer.status))
            problems.push(`round ${round}: append answered ${answer.status}: ${JSON.stringify(answer.body)}`);
          if (answer.status === 412 && !conditional) problems.push(`round ${round}: 412 without If-Match`);
        });
      }
    };
    const readerLoop = async () => {
      while (!stopped)
        await alive(async () => {
          const view = loadRandom.pick(['status', 'issues', 'phases', 'timeline', 'history?limit=5']);
          const asOf = loadRandom.pick(['', '2024-03-01', '2024-08-15', '2024-12-31']);
          const query = asOf === '' || !['status', 'issues', 'phases'].includes(view) ? '' : `?asOf=${asOf}`;
          const answer = await counted(() =>
            send(`${server.url}/negotiations/${loadRandom.pick(negotiationIds)}/${view}${query}`),
          );
          if (answer.status !== 200)
            problems.push(`round ${round}: read of ${view} answered ${answer.status}`);
        });
    };
    const hostileLoop = async () => {
      for (let n = hostileSent; !stopped; n += 1, hostileSent += 1)
        await alive(() => sendHostile(server, n, loadRandom, `round ${round}`));
    };
    const running = [
      ...Array.from({ length: writers }, (_, index) => writerLoop(index)),
      readerLoop(),
      ...(options.hostile === true ? [hostileLoop()] : []),
    ];
    return {
      stop: async (kill: () => Promise<void>) => {
        stopped = true;
        await kill();
        await Promise.allSettled(running);
      },
    };
  };

  const start = () => startServerProcess(env);
  let server = await start();
  let completed = 0;
  try {
    for (const negotiationId of negotiationIds) {
      const record: BatchRecord = {
        negotiationId,
        events: openingEvents(random, negotiationId),
        headers: { 'if-none-match': '*' },
        outcome: 'in-doubt',
      };
      records.push(record);
      const answer = await append(server, record);
      if (answer.status !== 201) problems.push(`opening ${negotiationId} answered ${answer.status}`);
    }
    // Every kind of hostile request once before any kill: a round cut short must not leave a kind untried.
    if (options.hostile === true)
      for (; hostileSent < HOSTILE_KIND_COUNT; hostileSent += 1)
        await sendHostile(server, hostileSent, random, 'before the first kill');
    for (let round = 0; round < options.rounds; round += 1) {
      if (options.deadline !== undefined && Date.now() > options.deadline) break;
      const running = load(server, round, seededRandom(random.integer(0, 2 ** 31)));
      await new Promise((resolve) => setTimeout(resolve, random.integer(killMin, killMax)));
      const memory = peakMemoryMiB(server);
      if (memory !== undefined) figures.peakServerMiB = Math.max(figures.peakServerMiB ?? 0, memory);
      const killed = server;
      await running.stop(() => killHard(killed));
      completed += 1;
      server = await start();
      const after = await verify(server, `after kill ${round + 1}`);
      if (after.clean) figures.killsSurvived += 1;
      figures.inDoubtBatches += after.inDoubt;
      figures.inDoubtLanded += after.landed;
      await retryInDoubt(server);
    }
    // A last stretch without a kill: the server's caches are warm when the views are compared again.
    const last = load(server, completed, seededRandom(random.integer(0, 2 ** 31)));
    await new Promise((resolve) => setTimeout(resolve, killMin));
    await last.stop(() => Promise.resolve());
    await verify(server, 'at the end, caches warm');
  } finally {
    await stopGracefully(server);
  }
  return {
    seed: options.seed,
    rounds: completed,
    killsSurvived: figures.killsSurvived,
    requestsSent: figures.requestsSent,
    requestsRejected: rejected,
    serverErrors: figures.serverErrors,
    inDoubtRetriedReplayed: figures.inDoubtRetriedReplayed,
    inDoubtBatches: figures.inDoubtBatches,
    inDoubtLanded: figures.inDoubtLanded,
    ...lastCheck,
    ...(figures.peakServerMiB === undefined ? {} : { peakServerMiB: figures.peakServerMiB }),
    problems,
  };
};

const emptyCheck = () => ({
  eventsAttempted: 0,
  eventsAcknowledged: 0,
  eventsAppended: 0,
  eventsLost: 0,
  duplicates: 0,
  partialBatches: 0,
  splitBatches: 0,
  acknowledgementMismatches: 0,
  refusedButStored: 0,
  unaccountedEvents: 0,
  chainBreaks: 0,
  projectionMismatches: 0,
});

/** A refusal the API must give: problem+json with at least one `{field, reason}`. */
export const isProblemWithFields = (answer: Answer): boolean => {
  if (answer.status < 400) return true;
  if (!/^application\/problem\+json/.test(answer.headers.get('content-type') ?? '')) return false;
  const errors = (answer.body as { errors?: unknown }).errors;
  return (
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every(
      (e: unknown) =>
        typeof (e as { field?: unknown }).field === 'string' &&
        typeof (e as { reason?: unknown }).reason === 'string',
    )
  );
};

interface HostileRequest {
  readonly name: string;
  readonly expected: number;
  /** Well-formed events the request carries: none of them may be stored. */
  readonly events: readonly WireEvent[];
  readonly send: (baseUrl: string, negotiationId: string, auth: Record<string, string>) => Promise<Answer>;
}

/** The n-th request of the hostile client: each kind in turn, all of them refused with a known status. */
/** Every kind of hostile request, each built from a source of valid events. */
const hostileKinds = (valid: () => WireEvent[]): Array<() => HostileRequest> => [
  () => ({
    name: 'malformed JSON',
    expected: 400,
    events: [],
    send: (url, id, auth) => postEvents(url, id, '{"events": [{"type": ', auth),
  }),
  () => ({
    name: 'text/plain body',
    expected: 415,
    events: [],
    send: (url, id, auth) =>
      send(`${url}/negotiations/${id}/events`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'text/plain' },
        body: 'hello',
      }),
  }),
  () => {
    const events = valid();
    return {
      name: 'bad If-Match',
      expected: 400,
      events,
      send: (url, id, auth) => postEvents(url, id, { events }, { ...auth, 'if-match': 'W/"soon"' }),
    };
  },
  () => ({
    name: 'oversized body',
    expected: 413,
    events: [],
    send: (url, id, auth) => postEvents(url, id, { events: [], padding: 'x'.repeat(1536 * 1024) }, auth),
  }),
  () => {
    const events = Array.from({ length: 1001 }, () => valid()[0] as WireEvent);
    return {
      name: 'too many events',
      expected: 400,
      events,
      send: (url, id, auth) => postEvents(url, id, { events }, auth),
    };
  },
  () => {
    const events = valid();
    return {
      name: 'no token',
      expected: 401,
      events,
      send: (url, id) => postEvents(url, id, { events }, {}),
    };
  },
  () => {
    const events = [...valid(), { ...(valid()[0] as WireEvent), occurredAt: '2024-02-30' }];
    return {
      name: 'one bad event in a batch',
      expected: 400,
      events: events.slice(0, 2),
      send: (url, id, auth) => postEvents(url, id, { events }, auth),
    };
  },
  () => {
    const events = valid();
    return {
      name: 'If-None-Match on an existing negotiation',
      expected: 412,
      events,
      send: (url, id, auth) => postEvents(url, id, { events }, { ...auth, 'if-none-match': '*' }),
    };
  },
  () => ({
    name: 'invalid asOf',
    expected: 400,
    events: [],
    send: (url, id) => send(`${url}/negotiations/${id}/status?asOf=2024-13-45`),
  }),
  () => ({
    name: 'unknown negotiation',
    expected: 404,
    events: [],
    send: (url) => send(`${url}/negotiations/no-such-negotiation/issues`),
  }),
];

/** How many kinds there are: a run sends each at least once before its first kill. */
const HOSTILE_KIND_COUNT = hostileKinds(() => []).length;

const hostileRequest = (
  n: number,
  random: Random,
  knowledge: NegotiationKnowledge,
  label: string,
): HostileRequest => {
  const kinds = hostileKinds(() => batchOf(random, { ...knowledge, targets: [] }, 2, label));
  const kind = kinds[n % kinds.length] ?? kinds[0];
  if (kind === undefined) throw new Error('no hostile request kinds');
  return kind();
};
