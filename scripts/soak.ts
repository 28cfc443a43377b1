import { Command, InvalidArgumentError } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrashRunReport, runCrashRounds } from './reliability/crash-run';
import { DEFAULT_HOSTILE_READS, runHostileReads } from './reliability/hostile-reads';

/**
 * `npm run soak`: a bounded load-and-fault run on loopback. Starts the built server on a temporary embedded
 * store, drives writers, a reader and a hostile client, kills the server with SIGKILL at random moments, restarts
 * it and checks the log each time. Ends by itself after --rounds kills or --seconds, whichever comes first; exits
 * 1 when any event was lost or any other check failed.
 */

const positive = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

const program = new Command()
  .name('soak')
  .description('Bounded load-and-fault run against the built server on 127.0.0.1')
  .option('--rounds <n>', 'SIGKILLs to survive', positive, 5)
  .option('--seconds <n>', 'start no new round after this many seconds', positive, 60)
  .option('--writers <n>', 'concurrent writers', positive, 4)
  .option('--seed <n>', 'seed of the workload choices (default: random)', positive)
  .option('--keep', 'keep the data directory for inspection')
  .option('--quiet', 'no per-round lines')
  .option(
    '--hostile-reads',
    'instead: a long negotiation attacked by readers without a token while a writer appends (see README)',
  )
  .option('--events <n>', 'with --hostile-reads: events in the negotiation', positive, 100_000);

/** `--hostile-reads`: one attack of --seconds on a negotiation of --events; prints one JSON line, exits 1 on a miss. */
const hostileReads = async (options: {
  seconds: number;
  events: number;
  keep?: boolean;
  quiet?: boolean;
}) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracker-hostile-reads-'));
  try {
    const report = await runHostileReads({
      ...DEFAULT_HOSTILE_READS,
      dataDir,
      events: options.events,
      seconds: options.seconds,
      log: options.quiet === true ? () => undefined : (line) => console.error(`soak: ${line}`),
    });
    console.log(JSON.stringify({ hostileReads: report }));
    if (!report.met) process.exitCode = 1;
  } finally {
    if (options.keep !== true) rmSync(dataDir, { recursive: true, force: true });
  }
};

const main = async () => {
  const options = program.parse().opts<{
    rounds: number;
    seconds: number;
    writers: number;
    seed?: number;
    keep?: boolean;
    quiet?: boolean;
    hostileReads?: boolean;
    events: number;
  }>();
  if (options.hostileReads === true) return hostileReads(options);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const dataDir = mkdtempSync(join(tmpdir(), 'tracker-soak-'));
  const started = Date.now();
  console.log(
    `soak: ${options.rounds} round(s) or ${options.seconds} s, ${options.writers} writers, seed ${seed}, store ${dataDir}`,
  );
  let report: CrashRunReport;
  try {
    report = await runCrashRounds({
      dataDir,
      rounds: options.rounds,
      seed,
      writers: options.writers,
      hostile: true,
      killWindowMs: [200, 1500],
      deadline: started + options.seconds * 1000,
      log: options.quiet === true ? () => undefined : (line) => console.log(`  ${line}`),
    });
  } finally {
    if (options.keep !== true) rmSync(dataDir, { recursive: true, force: true });
  }
  const rejected = Object.entries(report.requestsRejected)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
  console.table({
    'rounds (SIGKILLs)': report.rounds,
    'kills survived': report.killsSurvived,
    'requests sent': report.requestsSent,
    'events attempted': report.eventsAttempted,
    'events acknowledged': report.eventsAcknowledged,
    'events appended (stored)': report.eventsAppended,
    'batches in doubt at a kill': report.inDoubtBatches,
    '  of which had landed': report.inDoubtLanded,
    '  retried and replayed': report.inDoubtRetriedReplayed,
    'requests rejected': rejected || 'none',
    'server errors (5xx)': report.serverErrors,
    'events lost': report.eventsLost,
    'duplicates / partial / split batches': `${report.duplicates} / ${report.partialBatches} / ${report.splitBatches}`,
    'refused but stored': report.refusedButStored,
    'chain breaks': report.chainBreaks,
    'projection mismatches': report.projectionMismatches,
    'peak server memory (MiB)': report.peakServerMiB ?? 'n/a',
    seconds: Math.round((Date.now() - started) / 100) / 10,
  });
  const { problems, ...figures } = report;
  console.log(JSON.stringify({ soak: { ...figures, problems: problems.length } }));
  for (const problem of problems.slice(0, 20)) console.error(`problem: ${problem}`);
  if (report.eventsLost > 0 || problems.length > 0) process.exitCode = 1;
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
