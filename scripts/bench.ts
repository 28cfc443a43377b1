import { execFileSync } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LatencyFigures, emmettAggregateLatency, readAndFoldLatency, trackerLatency } from './bench/as-of';
import { BIG, SMALL, ensureDataset } from './bench/dataset';
import { FloorPart, IdSource, IngestContender } from './bench/ingest';
import { HttpRun, RUNS as HTTP_RUNS, measureHttp } from './bench/http';
import { median, round } from './bench/measure';
import { measureStreams } from './bench/streams';

/**
 * `npm run bench [-- --quick] [-- --dir <work dir>]`: measures ingest, as-of queries, replay, HTTP and memory on
 * a deterministic synthetic workload, beside the baselines measured in the same run, and prints a table and one
 * JSON line. Everything runs on this machine over loopback.
 */

const quick = process.argv.includes('--quick');
/** `--streams`: only the live-stream section (it needs no dataset). */
const streamsOnly = process.argv.includes('--streams');
const STREAM_CLIENTS = 1_000;
const STREAM_APPENDS = quick ? 20 : 100;
const dirFlag = process.argv.indexOf('--dir');
const workDir =
  dirFlag >= 0
    ? (process.argv[dirFlag + 1] ?? '')
    : join(tmpdir(), `negotiation-tracker-bench${quick ? '-quick' : ''}`);

const SIZES = quick
  ? {
      ingest: 20_000,
      big: 20_000,
      small: 1_000,
      total: 100_000,
      queries: 1_000,
      peerQueries: 10,
      httpSeconds: 4,
    }
  : {
      ingest: 100_000,
      big: 100_000,
      small: 1_000,
      total: 1_000_000,
      queries: 3_000,
      peerQueries: 10,
      httpSeconds: 10,
    };
const SPAN_DAYS = 1_800;
/** Replays from the page cache whose median rate is the replay figure. */
const REPLAY_RUNS = 3;
/** Rounds of the as-of queries on both negotiations; the figures are their medians. */
const AS_OF_ROUNDS = 3;

const log = (line: string) => console.error(line);

/** Runs a contender in a fresh Node process (its own heap and peak RSS) and parses its JSON line. */
const child = <A>(script: string, args: string[]): A => {
  const output = execFileSync(process.execPath, [join(__dirname, 'bench', script), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const line = output.trim().split('\n').pop() ?? '{}';
  const parsed = JSON.parse(line) as A & { error?: string };
  if (parsed.error !== undefined) throw new Error(`${script} ${args.join(' ')}: ${parsed.error}`);
  return parsed;
};

interface Row {
  readonly figure: string;
  readonly value: string;
  readonly target: string;
  readonly baseline: string;
  readonly met: boolean | undefined;
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || Number.isNaN(n) ? 'n/a' : round(n, digits).toLocaleString('en-US');

/** Live streams: one append at a time reaching every connected follower, and what holding them costs. */
const streamSection = async (figures: Record<string, unknown>): Promise<Row[]> => {
  log(
    `streams: ${STREAM_CLIENTS} server-sent event clients (half on GET /stream, half on one negotiation's), ` +
      `${STREAM_APPENDS} appends one at a time, each timed from sending it to its arrival at every client`,
  );
  const streams = await measureStreams(STREAM_CLIENTS, STREAM_APPENDS);
  figures['streams'] = streams;
  const growth = streams.serverRssConnectedMb - streams.serverRssBeforeMb;
  return [
    {
      figure: `append reaching ${fmt(streams.clients)} stream clients (p99 ms)`,
      value: fmt(streams.p99Ms, 1),
      target: '<= 100',
      baseline:
        `p50 ${fmt(streams.p50Ms, 1)}, max ${fmt(streams.maxMs, 1)}; the append's answer p50/p99 ` +
        `${fmt(streams.appendP50Ms, 1)}/${fmt(streams.appendP99Ms, 1)}, then the last client ` +
        `${fmt(streams.fanOutP50Ms, 1)}/${fmt(streams.fanOutP99Ms, 1)} later; ${streams.missing} missing; ` +
        `load average ${fmt(streams.loadAverage, 1)} on ${cpus().length} cores`,
      met: streams.p99Ms <= 100 && streams.missing === 0,
    },
    {
      figure: `server RSS growth with ${fmt(streams.clients)} stream clients (MB)`,
      value: fmt(growth, 1),
      target: '<= 100',
      baseline: `${fmt(streams.serverRssBeforeMb)} MB before, ${fmt(streams.serverRssConnectedMb)} connected, ${fmt(streams.serverRssAfterMb)} after the appends`,
      met: growth <= 100 && streams.serverRssAfterMb - streams.serverRssBeforeMb <= 100,
    },
  ];
};

const widths = [46, 26, 52, 60];
const printRows = (rows: readonly Row[]) => {
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 10)).join(' | ');
  console.log(line(['figure', 'measured', 'target', 'baseline (same run)']) + ' | met');
  console.log('-'.repeat(200));
  for (const row of rows)
    console.log(
      `${line([row.figure, row.value, row.target, row.baseline])} | ${row.met === undefined ? '' : row.met ? 'yes' : 'NO'}`,
    );
};

const main = async () => {
  const rows: Row[] = [];
  const figures: Record<string, unknown> = {
    quick,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
  };
  if (streamsOnly) {
    const streamRows = await streamSection(figures);
    printRows(streamRows);
    console.log(
      JSON.stringify({ bench: figures, met: Object.fromEntries(streamRows.map((r) => [r.figure, r.met])) }),
    );
    return;
  }

  log(`ingest: ${SIZES.ingest} events in batches of 100 (each contender in its own process)`);
  const ingest = (contender: IngestContender, ids: IdSource) =>
    child<{ perSecond: number | null }>('ingest-child.js', [
      contender,
      join(workDir, `ingest-${contender}`),
      String(SIZES.ingest),
      ids,
    ]).perSecond ?? undefined;
  // emmett-sqlite keeps no index on its own message ids, so where ours come from does not matter to it.
  const emmett = ingest('emmett', 'sent');
  const ingestFigures: Record<string, unknown> = { events: SIZES.ingest, emmettPerSecond: emmett };
  for (const ids of ['minted', 'sent'] as const) {
    const floor = ingest('floor', ids);
    const store = ingest('store', ids);
    ingestFigures[ids] = { storePerSecond: store, floorPerSecond: floor };
    rows.push({
      figure: `ingest, ids ${ids === 'minted' ? 'minted by the tracker' : 'sent by clients'} (events/s)`,
      value: fmt(store),
      target: `>= 0.5 x floor (${fmt((floor ?? 0) / 2)}) and >= 3 x emmett (${fmt((emmett ?? 0) * 3)})`,
      baseline: `floor ${fmt(floor)}, emmett-sqlite ${fmt(emmett)}`,
      met:
        store !== undefined &&
        floor !== undefined &&
        emmett !== undefined &&
        store >= floor / 2 &&
        store >= emmett * 3,
    });
  }
  figures['ingest'] = ingestFigures;
  log('ingest: what the storage floor pays for, part by part, on the same rows');
  const floorParts = child<{ parts: FloorPart[] }>('floor-breakdown-child.js', [
    join(workDir, 'ingest-floor-parts'),
    String(SIZES.ingest),
  ]).parts;
  figures['ingestFloorParts'] = floorParts;

  log(`dataset: ${SIZES.total} stored events (${BIG}: ${SIZES.big}, ${SMALL}: ${SIZES.small})`);
  const file = await ensureDataset(
    {
      dir: join(workDir, 'dataset'),
      total: SIZES.total,
      big: SIZES.big,
      small: SIZES.small,
      spanDays: SPAN_DAYS,
    },
    log,
  );

  log(
    `as-of: status at ${SIZES.queries} random dates, in process, on each negotiation in turn, ${AS_OF_ROUNDS} rounds`,
  );
  const bigRounds: LatencyFigures[] = [];
  const smallRounds: LatencyFigures[] = [];
  for (let round = 0; round < AS_OF_ROUNDS; round += 1) {
    const measureBig = async () => bigRounds.push(await trackerLatency(file, BIG, SIZES.queries, SPAN_DAYS));
    // Dates within each negotiation's own history (the small one is reported at the same rate, over fewer days).
    const measureSmall = async () =>
      smallRounds.push(
        await trackerLatency(
          file,
          SMALL,
          SIZES.queries,
          Math.max(1, Math.round((SPAN_DAYS * SIZES.small) / SIZES.big)),
        ),
      );
    // Each goes first in turn, so neither always runs on the other's warmed-up code.
    if (round % 2 === 0) await measureBig().then(measureSmall);
    else await measureSmall().then(measureBig);
  }
  // The median p50 of the rounds, and the worst p99.
  const medianOf = (rounds: readonly LatencyFigures[]): LatencyFigures => ({
    queries: rounds.reduce((sum, r) => sum + r.queries, 0),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: Math.max(...rounds.map((r) => r.p99Ms)),
  });
  const big = medianOf(bigRounds);
  const small = medianOf(smallRounds);
  // Each round's two negotiations ran back to back, on the machine as it was then: the ratio is taken per round.
  const ratios = bigRounds.map((r, i) => r.p50Ms / (smallRounds[i]?.p50Ms ?? Number.NaN));
  const ratio = median(ratios);
  log('as-of baselines: indexed read-and-fold, emmett aggregateStream');
  const readAndFold = readAndFoldLatency(file, BIG, SIZES.peerQueries, SPAN_DAYS);
  const aggregate = await emmettAggregateLatency(
    join(workDir, 'emmett-aggregate.sqlite'),
    file,
    BIG,
    Math.min(5, SIZES.peerQueries),
    SPAN_DAYS,
  );
  figures['asOf'] = {
    big: { events: SIZES.big, ...big, rounds: bigRounds },
    small: { events: SIZES.small, ...small, rounds: smallRounds },
    ratio,
    ratios,
    readAndFold,
    emmettAggregate: aggregate,
  };
  rows.push({
    figure: `status as of a date, ${fmt(SIZES.big)} events: p50 / p99 (ms)`,
    value: `${fmt(big.p50Ms, 3)} / ${fmt(big.p99Ms, 3)}`,
    target: 'p50 <= 1, p99 <= 5',
    baseline: `read-and-fold p50 ${fmt(readAndFold.p50Ms, 1)}, emmett aggregateStream p50 ${fmt(aggregate?.p50Ms, 1)}`,
    met: big.p50Ms <= 1 && big.p99Ms <= 5,
  });
  rows.push({
    figure: `status as of a date, ${fmt(SIZES.small)} events: p50 / p99 (ms)`,
    value: `${fmt(small.p50Ms, 3)} / ${fmt(small.p99Ms, 3)}`,
    target: `${fmt(SIZES.big)}-event p50 <= 2 x this`,
    baseline: `ratio ${fmt(ratio, 2)} (median of rounds ${ratios.map((r) => fmt(r, 2)).join(', ')})`,
    met: ratio <= 2,
  });

  log(
    `replay: every projection from ${SIZES.total} stored events, each run in a fresh process: ` +
      `one from disk, then ${REPLAY_RUNS} from the page cache`,
  );
  type Replay = { events: number; seconds: number; peakRssMb: number };
  // The first run reads the file from disk as the earlier steps left the page cache; the next ones, right after
  // it, from the page cache, as a server replays a file it is serving. The target is judged on their median rate
  // (one run differs from the next by up to a fifth on this machine) and on the peak RSS of every run.
  const cold = child<Replay>('replay-child.js', [file]);
  const warm = Array.from({ length: REPLAY_RUNS }, () => child<Replay>('replay-child.js', [file]));
  const rateOf = (run: Replay) => run.events / run.seconds;
  const replayRate = median(warm.map(rateOf));
  const coldRate = rateOf(cold);
  const peakRssMb = Math.max(cold.peakRssMb, ...warm.map((run) => run.peakRssMb));
  figures['replay'] = {
    events: cold.events,
    perSecond: replayRate,
    peakRssMb,
    runs: warm.map((run) => ({ ...run, perSecond: rateOf(run) })),
    firstRun: { ...cold, perSecond: coldRate },
  };
  rows.push({
    figure: `replay ${fmt(cold.events)} events (events/s, peak RSS MB)`,
    value: `${fmt(replayRate)}, ${fmt(peakRssMb)}`,
    target: '>= 300,000/s, <= 1,024 MB',
    baseline:
      `runs ${warm.map((run) => fmt(rateOf(run))).join(', ')}; ` +
      `first run, file not yet in page cache: ${fmt(coldRate)}/s`,
    met:
      replayRate >= 300_000 &&
      peakRssMb <= 1024 &&
      [cold, ...warm].every((run) => run.events === cold.events),
  });

  log(
    `http: autocannon, 50 connections, ${SIZES.httpSeconds} s per run, server on the ${SIZES.total}-event store; ` +
      `median of ${HTTP_RUNS} runs after an unmeasured warm-up`,
  );
  const runsOf = (runs: readonly HttpRun[]) =>
    runs.map((r) => `${fmt(r.requestsPerSecond)}@${fmt(r.p99Ms)}ms`).join(', ');
  const http = await measureHttp(file, BIG, SPAN_DAYS, SIZES.httpSeconds);
  figures['http'] = http;
  rows.push({
    figure: 'GET status?asOf=<day> (requests/s)',
    value: fmt(http.statusRequestsPerSecond),
    target: '>= 5,000',
    baseline: `p99 ${fmt(http.statusP99Ms)} ms, ${http.statusErrors} errors, ${fmt(http.statusReuse * 100)} % reused; runs ${runsOf(http.statusRuns)}`,
    met: http.statusRequestsPerSecond >= 5000 && http.statusErrors === 0,
  });
  rows.push({
    figure: 'GET status?asOf=<distinct instant> (req/s)',
    value: fmt(http.distinctRequestsPerSecond),
    target: '(no answer reused: for reference)',
    baseline: `p99 ${fmt(http.distinctP99Ms)} ms, ${http.distinctErrors} errors`,
    met: undefined,
  });
  rows.push({
    figure: 'POST one event, durable (requests/s, p99 ms)',
    value: `${fmt(http.postRequestsPerSecond)}, ${fmt(http.postP99Ms)}`,
    target: '>= 1,000/s, p99 <= 50',
    baseline: `${http.postErrors} errors; runs ${runsOf(http.postRuns)}`,
    met: http.postRequestsPerSecond >= 1000 && http.postP99Ms <= 50 && http.postErrors === 0,
  });
  rows.push({
    figure: `server RSS with ${fmt(SIZES.total)} stored events (MB)`,
    value: `${fmt(http.serverRssMb)} (peak ${fmt(http.serverPeakRssMb)})`,
    target: '<= 500',
    baseline: '',
    met: http.serverPeakRssMb <= 500,
  });

  rows.push(...(await streamSection(figures)));

  printRows(rows);
  console.log(
    `\nthe storage floor part by part (plain inserts of the same ${fmt(SIZES.ingest)} rows, 100 per transaction, ` +
      `synchronous=FULL; emmett-sqlite ${fmt(emmett)} in the same run):`,
  );
  for (const { part, ids, perSecond } of floorParts)
    console.log(
      `  ${`${part}${ids === 'minted' ? ', ids minted' : ''}`.padEnd(58)} ${fmt(perSecond).padStart(8)} events/s`,
    );
  console.log(
    JSON.stringify({ bench: figures, met: Object.fromEntries(rows.map((r) => [r.figure, r.met])) }),
  );
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
