import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import * as E from 'fp-ts/Either';
import { createWriteStream } from 'node:fs';
import { userInfo } from 'node:os';
import { once } from 'node:events';
import { StoredEvent, recordedFields, reportedFields } from '../domain';
import { importNdjsonFiles } from '../import';
import { replayFileInParallel } from '../application/parallel-replay';
import { replayAll } from '../application/replay';
import { EventStore } from '../store';
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
};
