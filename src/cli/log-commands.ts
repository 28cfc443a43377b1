import { Presets, SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import * as E from 'fp-ts/Either';
import { createWriteStream } from 'node:fs';
import { userInfo } from 'node:os';
import { once } from 'node:events';
import { StoredEvent, recordedFields, reportedFields } from '../domain';
import { importNdjsonFiles } from '../import';
import { replayFileInParallel } from '../application/parallel-replay';
import { replayAll } from '../application/replay';
import { ChainBreak, EventStore, findChainBreak } from '../store';
import { CliFailure, EXIT, action, withStore } from './context';

const PAGE = 5_000;

const progressBar = (label: string, total: number) => {
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} events | {eta_formatted} left`,
      stream: process.stderr,
      hideCursor: true,
      // Keep reporting when stderr is a file or a CI log, not only on a terminal.
      noTTYOutput: true,
      notTTYSchedule: 2000,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
};

const totalEvents = async (store: EventStore): Promise<number> => {
  const streams = await store.listStreams()();
  if (E.isLeft(streams)) throw new CliFailure(streams.left.message, EXIT.storeFailure);
  return streams.right.reduce((sum, s) => sum + s.eventCount, 0);
};

/** Every stored event in global order, a page at a time, so the whole log is never held at once. */
export async function* allEvents(store: EventStore): AsyncGenerator<StoredEvent> {
  let fromPosition = 1;
  for (;;) {
    const page = await store.readAll({ fromPosition, limit: PAGE })();
    if (E.isLeft(page)) throw new CliFailure(page.left.message, EXIT.storeFailure);
    for (const event of page.right) yield event;
    const last = page.right[page.right.length - 1];
    if (last === undefined || page.right.length < PAGE) return;
    fromPosition = last.position + 1;
  }
}

const isChainReason = (reason: string): boolean =>
  reason === 'hash-mismatch' || reason === 'previous-hash-mismatch' || reason === 'revision-gap';

export const registerLogCommands = (program: Command): void => {
  program
    .command('import')
    .description(
      'Append the events of NDJSON files (each line one event with its negotiationId); all lines are checked first',
    )
    .argument('<files...>', 'NDJSON files')
    .option('--recorded-by <principal>', 'who is recording these events', `cli:${userInfo().username}`)
    .action(
      action(async (files: string[], options: { recordedBy: string }) =>
        withStore(async ({ tracker }) => {
          const bar = progressBar('import', 0);
          const result = await importNdjsonFiles(tracker, files, options.recordedBy, (done) => {
            bar.setTotal(Math.max(done, bar.getTotal()));
            bar.update(done);
          });
          bar.stop();
          if (E.isLeft(result)) {
            const error = result.left;
            const detail =
              error._tag === 'InvalidLines'
                ? error.errors
                    .map(
                      (e) =>
                        `${error.file}:${e.line}: ${e.violations.map((v) => `${v.field} ${v.reason}`).join('; ')}`,
                    )
                    .join('\n')
                : `${error.file}:${error.line}: ${JSON.stringify(error.error)}`;
            throw new CliFailure(`nothing imported from the failing file:\n${detail}`, EXIT.badInput);
          }
          console.log(
            `imported ${result.right.events} events from ${result.right.files} file(s); ${result.right.replayed} already stored`,
          );
        }),
      ),
    );

  program
    .command('export')
    .description(
      'Write the log as NDJSON in recorded order (importable); --with-recording keeps revisions, clocks and hashes',
    )
    .option('--negotiation <id>', 'only this negotiation')
    .option(
      '--with-recording',
      'include recordedAt, recordedBy, revision and hash fields (for audits and copies)',
    )
    .option('--out <file>', 'write to a file instead of standard output')
    .action(
      action(async (options: { negotiation?: string; withRecording?: boolean; out?: string }) =>
        withStore(async ({ store }) => {
          const out = options.out ? createWriteStream(options.out) : process.stdout;
          let count = 0;
          for await (const event of allEvents(store)) {
            if (options.negotiation !== undefined && event.negotiationId !== options.negotiation) continue;
            const line = JSON.stringify(
              options.withRecording ? recordedFields(event) : reportedFields(event),
            );
            if (!out.write(`${line}\n`)) await once(out, 'drain');
            count += 1;
          }
          if (options.out) {
            out.end();
            await once(out, 'finish');
          }
          console.error(`exported ${count} events`);
        }),
      ),
    );

  program
    .command('replay')
    .description('Rebuild every projection from the log, with progress and a summary per negotiation')
    .action(
      action(async () =>
        withStore(async ({ store, sqliteFile }) => {
          const started = process.hrtime.bigint();
          const bar = progressBar('replay', await totalEvents(store));
          // The embedded file replays on every core; other stores stream through one connection.
          const replayed =
            sqliteFile === undefined
              ? await replayAll(store, Date.now(), (done) => bar.update(done))
              : await replayFileInParallel(sqliteFile, Date.now(), undefined, (done) => bar.update(done));
          bar.stop();
          if (E.isLeft(replayed)) throw new CliFailure(replayed.left.message, EXIT.storeFailure);
          for (const n of replayed.right.negotiations)
            console.log(
              `${n.negotiationId}: ${n.events} events, ${n.developments} developments; stage ${n.stage}, activity ${n.activity}, ${n.openIssues} open issues; ${n.phases.map((p) => `${p.phaseId} ${p.state}`).join(', ')}`,
            );
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          console.log(
            `replayed ${replayed.right.events} events of ${replayed.right.negotiations.length} negotiation(s) in ${seconds.toFixed(2)} s`,
          );
        }),
      ),
    );

  program
    .command('verify')
    .description(
      'Check the hash chain of every negotiation and that the copies folds read agree with it; exits 1 and names the broken events',
    )
    .addOption(new Option('--negotiation <id>', 'only this negotiation'))
    .action(
      action(async (options: { negotiation?: string }) =>
        withStore(async ({ store }) => {
          const streams = await store.listStreams()();
          if (E.isLeft(streams)) throw new CliFailure(streams.left.message, EXIT.storeFailure);
          type Problem = { readonly eventId: string; readonly revision: number; readonly reason: string };
          const breaks: Array<{ negotiationId: string; problem: ChainBreak | Problem | string }> = [];
          let checked = 0;
          for (const { negotiationId } of streams.right) {
            if (options.negotiation !== undefined && negotiationId !== options.negotiation) continue;
            const stream = await store.readStream(negotiationId)();
            if (E.isLeft(stream)) {
              breaks.push({ negotiationId, problem: stream.left.message });
              continue;
            }
            checked += stream.right.length;
            const problem = findChainBreak(stream.right);
            if (problem) breaks.push({ negotiationId, problem });
          }
          // What the projections read (lean copies, their index entries) must say what the hashed data says.
          const derived = store.checkDerivedCopies
            ? await store.checkDerivedCopies(options.negotiation)()
            : undefined;
          if (derived !== undefined && E.isLeft(derived))
            throw new CliFailure(derived.left.message, EXIT.storeFailure);
          for (const problem of derived?.right ?? [])
            breaks.push({
              negotiationId: problem.negotiationId ?? '(file)',
              problem:
                problem.eventId === undefined
                  ? problem.reason
                  : { eventId: problem.eventId, revision: problem.revision ?? -1, reason: problem.reason },
            });
          if (breaks.length > 0) {
            const lines = breaks.map(({ negotiationId, problem }) =>
              typeof problem === 'string'
                ? `${negotiationId}: ${problem}`
                : `${negotiationId}: event ${problem.eventId} at revision ${problem.revision}: ${problem.reason}`,
            );
            // A stream that could not be read counts as a broken chain: nothing of it was proven.
            const chainBroken = breaks.some(({ problem }) =>
              typeof problem === 'string'
                ? !problem.startsWith('integrity check')
                : isChainReason(problem.reason),
            );
            const heading = chainBroken ? 'hash chain BROKEN' : 'derived copies DIFFER from the hashed data';
            throw new CliFailure(`${heading}\n${lines.join('\n')}`, EXIT.checkFailed);
          }
          console.log(
            `hash chain verified: ${checked} events in ${streams.right.length} negotiation(s)${derived === undefined ? '' : '; the copies folds read agree with it'}`,
          );
        }),
      ),
    );
};
