import * as E from 'fp-ts/Either';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { newEventId } from '../application/event-ids';
import { createTracker, Tracker } from '../application/tracker';
import { STORE_FILE_NAME, openStore } from '../composition';
import { Config, loadConfig } from '../config';
import { EventStore, systemClock } from '../store';
import { ReadPath, createReadPath } from '../application/read-path';
import { createSlicedReads } from '../application/sliced-reads';
import { withoutCredentials } from '../store/eventstoredb';

export interface CliContext {
  readonly store: EventStore;
  readonly tracker: Tracker;
  /** Every answer about a negotiation, as the HTTP API reads it. */
  readonly reads: ReadPath;
  readonly storeName: string;
  /** Where the store is, for messages (credentials left out). */
  readonly storeLocation: string;
  /** The embedded store's file, when that is the store in use. */
  readonly sqliteFile?: string;
}

/** Exit codes, one per kind of failure; `--help` and the README list them. */
export const EXIT = {
  ok: 0,
  /** A check failed: a broken hash chain or copies that differ; a restore or copy met another history. */
  checkFailed: 1,
  /** An unknown command or option, a bad option value or combination, a bad environment variable. */
  usage: 2,
  /** The store could not be opened, read or written (or another unexpected failure). */
  storeFailure: 3,
  /** The log does not extend the checkpoint given (rewritten, truncated or reordered since). */
  notExtended: 4,
  /** A signature or proof does not verify. */
  proofInvalid: 5,
  /** A named file does not exist or cannot be read (or written); no store where DATA_DIR says. */
  missingFile: 6,
  /** The input was refused: invalid lines, a rule, an unknown negotiation, a restore into a non-empty store. */
  refused: 7,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0  done
  1  a check failed: broken hash chain, copies that differ, another history in the target
  2  usage: unknown command or option, bad option value or environment variable
  3  the store failed (cannot open, read or write), or another unexpected failure
  4  the log does not extend the checkpoint given (rewritten, truncated or reordered since)
  5  a signature or proof does not verify
  6  a named file does not exist or cannot be read (or written); no store where DATA_DIR says
  7  input refused: invalid lines, a rule, unknown negotiation, restore into a non-empty store`;

export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The project root, where `events/` and the default `./data` are found from dist/src/cli. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');

export const cliConfig = (): Config => {
  const config = loadConfig(process.env, PROJECT_ROOT);
  if (E.isLeft(config))
    throw new CliFailure(
      config.left.map((v) => `configuration: ${v.field} ${v.reason}`).join('\n'),
      EXIT.usage,
    );
  return config.right;
};

/** Refuses, with exit 6, an embedded store that is not there: a mistyped DATA_DIR must not read as empty. */
export const requireStore = (config: Config): void => {
  const file = join(config.dataDir, STORE_FILE_NAME);
  if (config.eventStoreUrl === undefined && !existsSync(file))
    throw new CliFailure(
      `no store at ${file}: check DATA_DIR (the server creates the store on its first start, import on its first run)`,
      EXIT.missingFile,
    );
};

/**
 * Opens the store the server would use (same environment variables) for the length of one command. Only a
 * command that records (`create`) may start an embedded store where there is none: a mistyped DATA_DIR given to
 * a read is said, not answered from an empty store made there.
 */
export const withStore = async <A>(
  run: (context: CliContext) => Promise<A>,
  { create = false }: { create?: boolean } = {},
): Promise<A> => {
  const config = cliConfig();
  const storeLocation =
    config.eventStoreUrl === undefined ? config.dataDir : withoutCredentials(config.eventStoreUrl);
  if (!create) requireStore(config);
  let opened: ReturnType<typeof openStore>;
  try {
    opened = openStore(config);
  } catch (error) {
    throw new CliFailure(
      `cannot open the store at ${storeLocation}: ${(error as Error).message}`,
      EXIT.storeFailure,
    );
  }
  const { store, name, sqliteFile } = opened;
  const tracker = createTracker({
    store,
    newEventId,
    ...(config.maxNegotiationEvents === undefined ? {} : { maxLogEvents: config.maxNegotiationEvents }),
  });
  try {
    return await run({
      store,
      tracker,
      reads: createReadPath({ tracker, sliced: createSlicedReads(tracker), clock: systemClock }),
      storeName: name,
      storeLocation,
      ...(sqliteFile === undefined ? {} : { sqliteFile }),
    });
  } finally {
    await store.close();
  }
};

/** Runs a command action and turns failures into a message on stderr and an exit code. */
export const action =
  <Args extends unknown[]>(run: (...args: Args) => Promise<void>) =>
  async (...args: Args): Promise<void> => {
    try {
      await run(...args);
    } catch (error) {
      if (error instanceof CliFailure) {
        console.error(error.message);
        process.exitCode = error.exitCode;
        return;
      }
      throw error;
    }
  };
