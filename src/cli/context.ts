import * as E from 'fp-ts/Either';
import { resolve } from 'node:path';
import { newEventId } from '../application/event-ids';
import { createTracker, Tracker } from '../application/tracker';
import { openStore } from '../composition';
import { Config, loadConfig } from '../config';
import { EventStore } from '../store';

export interface CliContext {
  readonly store: EventStore;
  readonly tracker: Tracker;
  readonly storeName: string;
  /** The embedded store's file, when that is the store in use. */
  readonly sqliteFile?: string;
}

/**
 * Exit codes: 0 success; 1 a check failed (verify found a break); 2 bad usage or input; 3 the store could not be
 * opened or read; 4 the log does not extend the checkpoint given (rewritten, truncated or reordered since);
 * 5 a signature or proof does not verify.
 */
export const EXIT = {
  ok: 0,
  checkFailed: 1,
  badInput: 2,
  storeFailure: 3,
  notExtended: 4,
  proofInvalid: 5,
} as const;

export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The configuration the server would read (same environment variables). */
export const cliConfig = (): Config => {
  const config = loadConfig(process.env, resolve(__dirname, '..', '..', '..'));
  if (E.isLeft(config))
    throw new CliFailure(
      config.left.map((v) => `configuration: ${v.field} ${v.reason}`).join('\n'),
      EXIT.badInput,
    );
  return config.right;
};

/** Opens the store the server would use (same environment variables) for the length of one command. */
export const withStore = async <A>(run: (context: CliContext) => Promise<A>): Promise<A> => {
  const config = { right: cliConfig() };
  let opened: ReturnType<typeof openStore>;
  try {
    opened = openStore(config.right);
  } catch (error) {
    throw new CliFailure(error instanceof Error ? error.message : String(error), EXIT.storeFailure);
  }
  const { store, name, sqliteFile } = opened;
  try {
    return await run({
      store,
      tracker: createTracker({
        store,
        newEventId,
        ...(config.right.maxNegotiationEvents === undefined
          ? {}
          : { maxLogEvents: config.right.maxNegotiationEvents }),
      }),
      storeName: name,
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
