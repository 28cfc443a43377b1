import { Command } from 'commander';
import * as E from 'fp-ts/Either';
import { createWriteStream, openSync } from 'node:fs';
import { once } from 'node:events';
import { StoredEvent, recordedFields, reportedFields } from '../domain';
import { replayFileInParallel } from '../application/parallel-replay';
import { replayAll } from '../application/replay';
import { EventStore } from '../store';
import { CliFailure, EXIT, action, withStore } from './context';
import { progressBar } from './progress';

const PAGE = 5_000;

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

const openForWriting = (file: string): number => {
  try {
    return openSync(file, 'w');
  } catch (error) {
    throw new CliFailure(`cannot write ${file}: ${(error as Error).message}`, EXIT.missingFile);
  }
};

export const registerLogCommands = (program: Command): void => {
  program
    .command('export')
    .description(
      'Write the log as NDJSON in recorded order (importable); --with-recording keeps revisions, clocks and hashes',
    )
    .option('--negotiation <id>', 'only this negotiation')
    .option(
      '--with-recording',
      'include recordedAt, recordedBy, revision and hash fields (import --with-recording restores them)',
    )
    .option('--out <file>', 'write to a file instead of standard output')
    .action(
      action(async (options: { negotiation?: string; withRecording?: boolean; out?: string }) =>
        withStore(async ({ store }) => {
          const out = options.out
            ? createWriteStream('', { fd: openForWriting(options.out) })
            : process.stdout;
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
