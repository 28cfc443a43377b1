import * as E from 'fp-ts/Either';
import { Command } from 'commander';
import { accessSync, constants, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Tracker, TrackerError } from '../application/tracker';
import { LineError, appendParsedFiles, readNdjsonFiles, restoreRecordedFiles } from '../import';
import { EventStore } from '../store';
import { CliFailure, EXIT, action, withStore } from './context';
import { progressBar } from './progress';

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

/** `import <files...>`: appends NDJSON through the tracker; with --with-recording, restores a recorded export. */
export const registerImportCommand = (program: Command): void => {
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
        await withStore(
          ({ tracker, store, storeLocation }) =>
            options.withRecording
              ? restoreFiles(store, storeLocation, files)
              : importFiles(tracker, files, options.recordedBy),
          { create: true },
        );
      }),
    );
};
