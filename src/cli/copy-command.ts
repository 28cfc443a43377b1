import { Command, InvalidArgumentError } from 'commander';
import * as E from 'fp-ts/Either';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { STORE_FILE_NAME } from '../composition';
import { CopyError, EventStore, copyLog, createSqliteEventStore, verifyCopy } from '../store';
import {
  CONNECTION_STRING_FORMS,
  createEventStoreDbStore,
  isConnectionString,
  withoutCredentials,
} from '../store/eventstoredb';
import { CliFailure, EXIT, action } from './context';
import { progressBar } from './progress';

/** Where a log lives: an EventStoreDB connection string, or the embedded store's file (or its directory). */
type StoreLocation =
  | { readonly kind: 'eventstoredb'; readonly url: string }
  | { readonly kind: 'sqlite'; readonly file: string };

const parseLocation = (value: string): StoreLocation => {
  if (isConnectionString(value)) return { kind: 'eventstoredb', url: value };
  if (value.includes('://'))
    throw new InvalidArgumentError(
      `give a connection string (${CONNECTION_STRING_FORMS}) or a path to the embedded store`,
    );
  const path = resolve(value);
  return {
    kind: 'sqlite',
    file: existsSync(path) && statSync(path).isDirectory() ? join(path, STORE_FILE_NAME) : path,
  };
};

const describeLocation = (location: StoreLocation) =>
  location.kind === 'eventstoredb' ? withoutCredentials(location.url) : location.file;

const open = (location: StoreLocation): EventStore => {
  try {
    return location.kind === 'eventstoredb'
      ? createEventStoreDbStore({ connectionString: location.url })
      : createSqliteEventStore({ file: location.file });
  } catch (error) {
    throw new CliFailure(
      `cannot open ${describeLocation(location)}: ${(error as Error).message}`,
      EXIT.storeFailure,
    );
  }
};

const failureOf = (error: CopyError): CliFailure => {
  switch (error._tag) {
    case 'SourceFailed':
      return new CliFailure(`cannot read the source: ${error.message}`, EXIT.storeFailure);
    case 'TargetFailed':
      return new CliFailure(`cannot write the target: ${error.message}`, EXIT.storeFailure);
    case 'Diverged':
      return new CliFailure(
        `the target already holds another history of "${error.negotiationId}" (${error.reason}); nothing more was copied`,
        EXIT.checkFailed,
      );
    case 'Mismatched':
      return new CliFailure(
        `the copy does not match the source:\n${error.mismatches.map((m) => `  ${m.negotiationId}: ${m.reason}`).join('\n')}`,
        EXIT.checkFailed,
      );
    default: {
      const exhaustive: never = error;
      return exhaustive;
    }
  }
};

const positiveInteger = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

/**
 * `copy --from <store> --to <store>`: moves a log between the embedded store and EventStoreDB (either way) with
 * ids, revisions, clocks, recordedBy, hashes and global order kept, then verifies the copy event by event.
 */
export const registerCopyCommand = (program: Command): void => {
  program
    .command('copy')
    .description(
      'Copy the whole log between the embedded store and EventStoreDB (either way), keeping ids, clocks, hashes and order, then verify it; safe to run again',
    )
    .requiredOption(
      '--from <store>',
      'source: esdb://host:2113?tls=false (or kurrentdb://...), or the embedded store file or directory',
      parseLocation,
    )
    .requiredOption(
      '--to <store>',
      'target: the same kinds; an embedded store file is created if missing',
      parseLocation,
    )
    .option('--batch-size <events>', 'events per atomic write to the target', positiveInteger, 500)
    .action(
      action(async (options: { from: StoreLocation; to: StoreLocation; batchSize: number }) => {
        if (JSON.stringify(options.from) === JSON.stringify(options.to))
          throw new CliFailure('--from and --to name the same store', EXIT.usage);
        if (options.from.kind === 'sqlite' && !existsSync(options.from.file))
          throw new CliFailure(`--from: no embedded store at ${options.from.file}`, EXIT.missingFile);
        const source = open(options.from);
        const target = open(options.to);
        const bar = progressBar('copy', 0);
        try {
          const copied = await copyLog(source, target, {
            batchSize: options.batchSize,
            onProgress: (done, total) => {
              bar.setTotal(total);
              bar.update(done);
            },
          });
          bar.stop();
          if (E.isLeft(copied)) throw failureOf(copied.left);
          const verified = await verifyCopy(source, target);
          if (E.isLeft(verified)) throw failureOf(verified.left);
          console.log(
            `copied ${copied.right.copied} events (${copied.right.alreadyThere} already there) of ${copied.right.negotiations} negotiation(s) from ${describeLocation(options.from)} to ${describeLocation(options.to)}`,
          );
          console.log(
            `verified: ${verified.right.events} events with the same ids, revisions, clocks and hashes, in the same order`,
          );
        } finally {
          bar.stop();
          await Promise.all([source.close(), target.close()]);
        }
      }),
    );
};
