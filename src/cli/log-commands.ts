import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import * as E from 'fp-ts/Either';
import { accessSync, constants, createWriteStream, openSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { once } from 'node:events';
import { Tracker, TrackerError } from '../application/tracker';
import { StoredEvent, recordedFields, reportedFields } from '../domain';
import { LineError, appendParsedFiles, readNdjsonFiles, restoreRecordedFiles } from '../import';
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

const describeTrackerError = (error: TrackerError): string => {
  switch (error._tag) {
    case 'RuleViolated':
      return error.violations.map((v) => `${v.field} ${v.reason}`).join('; ');
    case 'EventIdConflict':
      return `event ${error.eventId}: ${error.reason}`;
    case 'RevisionConflict':
      return `the negotiation moved on while importing (at revision ${error.actual})`;
    case 'NegotiationNotFound':
      return `no negotiation "${error.negotiationId}"`;
    case 'NegotiationTooLarge':
      return `negotiation "${error.negotiationId}" has ${error.events} events, more than ${error.limit}`;
    case 'NotKnownAt':
      return `nothing of "${error.negotiationId}" had been recorded by ${error.knownAt}`;
    case 'StoreFailure':
      return error.message;
    default: {
      const exhaustive: never = error;
      return exhaustive;
    }
  }
};

const invalidLines = (file: string, errors: readonly LineError[]): string =>
  errors
    .map((e) => `${file}:${e.line}: ${e.violations.map((v) => `${v.field} ${v.reason}`).join('; ')}`)
    .join('\n');

/** Lines that carry the store's own fields: an export --with-recording given to a plain import. */
const recordedExport = (errors: readonly LineError[]): boolean =>
  errors.some((e) => e.violations.some((v) => v.field === 'hash' || v.field === 'recordedAt'));

/** Every file must exist and be a readable file before any of them is read. */
const requireFiles = (files: readonly string[]): void => {
  for (const file of files) {
    try {
      accessSync(file, constants.R_OK);
    } catch {
      throw new CliFailure(`cannot read ${file}: no such file, or not readable`, EXIT.missingFile);
    }
    if (!statSync(file).isFile()) throw new CliFailure(`cannot read ${file}: not a file`, EXIT.missingFile);
  }
};

const openForWriting = (file: string): number => {
  try {
    return openSync(file, 'w');
  } catch (error) {
    throw new CliFailure(`cannot write ${file}: ${(error as Error).message}`, EXIT.missingFile);
  }
};

const importFiles = async (tracker: Tracker, files: string[], recordedBy: string): Promise<void> => {
  const parsed = readNdjsonFiles(files);
  if (E.isLeft(parsed))
    throw new CliFailure(
      `nothing imported: ${parsed.left.file} has invalid lines${recordedExport(parsed.left.errors) ? ' (it holds recorded events: restore it with import --with-recording)' : ''}\n${invalidLines(parsed.left.file, parsed.left.errors)}`,
      EXIT.refused,
    );
  const total = parsed.right.reduce((sum, { lines }) => sum + lines.length, 0);
  const bar = progressBar('import', total);
  const result = await appendParsedFiles(tracker, parsed.right, recordedBy, (done) => bar.update(done));
  bar.stop();
  if (E.isLeft(result)) {
    const error = result.left;
    if (error._tag === 'InvalidLines')
      throw new CliFailure(invalidLines(error.file, error.errors), EXIT.refused);
    throw new CliFailure(
      `import stopped at ${error.file}:${error.line}: ${describeTrackerError(error.error)}`,
      error.error._tag === 'StoreFailure' ? EXIT.storeFailure : EXIT.refused,
    );
  }
  console.log(
    `imported ${result.right.events} events from ${result.right.files} file(s); ${result.right.replayed} already stored`,
  );
};

const restoreFiles = async (store: EventStore, storeLocation: string, files: string[]): Promise<void> => {
  let bar: ReturnType<typeof progressBar> | undefined;
  const result = await restoreRecordedFiles(store, files, (done, total) => {
    bar ??= progressBar('restore', total);
    bar.update(done);
  });
  bar?.stop();
  if (E.isLeft(result)) {
    const error = result.left;
    switch (error._tag) {
      case 'InvalidLines':
        throw new CliFailure(
          `nothing restored: ${error.file} has invalid lines (is it an export --with-recording?)\n${invalidLines(error.file, error.errors)}`,
          EXIT.refused,
        );
      case 'StoreNotEmpty':
        throw new CliFailure(
          `nothing restored: a restore needs an empty store, and ${storeLocation} holds ${error.events} events of ${error.negotiations} negotiation(s) (restore into a new DATA_DIR, or use copy)`,
          EXIT.refused,
        );
      case 'ChainMismatch':
        throw new CliFailure(
          `hash chain BROKEN in ${error.file}:${error.line}: event ${error.eventId}: ${error.reason}: nothing restored`,
          EXIT.checkFailed,
        );
      case 'StoreFailed':
        throw new CliFailure(`cannot write the store: ${error.message}`, EXIT.storeFailure);
      default: {
        const exhaustive: never = error;
        return exhaustive;
      }
    }
  }
  console.log(
    `restored ${result.right.events} events of ${result.right.negotiations} negotiation(s) from ${result.right.files} file(s) with their ids, revisions, clocks and hashes; hash chain verified`,
  );
};

export const registerLogCommands = (program: Command): void => {
  program
    .command('import')
    .description(
      'Append the events of NDJSON files (each line one event with its negotiationId); every line of every file is checked first',
    )
    .argument('<files...>', 'NDJSON files')
    .option('--recorded-by <principal>', 'who is recording these events', `cli:${userInfo().username}`)
    .option(
      '--with-recording',
      'restore an export --with-recording into an empty store: same ids, revisions, clocks and hashes',
    )
    .action(
      action(async (files: string[], options: { recordedBy: string; withRecording?: boolean }) => {
        requireFiles(files);
        await withStore(({ tracker, store, storeLocation }) =>
          options.withRecording
            ? restoreFiles(store, storeLocation, files)
            : importFiles(tracker, files, options.recordedBy),
        );
      }),
    );

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
