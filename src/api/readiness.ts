import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import type { Logger } from 'pino';
import { StoreFailure } from '../store';
import { Problem } from './problem';
import { problemType } from './problem-types';

/** What kind of trouble, said to anyone; the cause (paths, messages) only to those who see details. */
export type ReadinessReason = 'read-only' | 'locked' | 'disk-full' | 'store-failed';

/**
 * Whether the server can do its job: the store takes writes. Probed at start, every few seconds and after a
 * failed write; a change is logged once, naming the cause. /health shows it, GET /ready answers 503 while not.
 */
export interface ReadinessState {
  readonly ready: boolean;
  /** What is wrong and what to do about it, while not ready. */
  readonly cause?: string;
  readonly reason?: ReadinessReason;
  readonly checkedAt?: string;
}

export interface Readiness {
  readonly state: () => ReadinessState;
  /** Probes again (a write just failed); resolves once the state reflects the probe. */
  readonly recheck: () => Promise<void>;
  readonly stop: () => void;
}

export const READINESS_INTERVAL_MS = 2_000;
export const NOT_READY_RETRY_AFTER_SECONDS = 5;

/** A lock held for a commit is normal when servers share a file: only this many busy probes in a row count. */
const BUSY_PROBES_BEFORE_LOCKED = 2;

export const reasonOf = (failure: StoreFailure): ReadinessReason => {
  const message = failure.message;
  if (/readonly|read-only|EROFS|EACCES|EPERM/i.test(message)) return 'read-only';
  if (/locked|busy/i.test(message)) return 'locked';
  if (/full|ENOSPC/i.test(message)) return 'disk-full';
  return 'store-failed';
};

/** What a store failure means for the person running the server: its reason class, said in full. */
export const causeOf = (failure: StoreFailure, store: string): string => {
  const message = failure.message;
  switch (reasonOf(failure)) {
    case 'read-only':
      return `${store} is read-only for this process (${message}): make it writable and restart the server`;
    case 'locked':
      return `${store} is locked by another process (${message}): stop whatever holds it`;
    case 'disk-full':
      return `the disk holding ${store} is full (${message}): free some space`;
    case 'store-failed':
      return `${store} cannot take writes: ${message}`;
  }
};

export const createReadiness = (options: {
  readonly probe?: () => TE.TaskEither<StoreFailure, void>;
  /** How the store is named in causes, e.g. "the SQLite file /data/events.sqlite". */
  readonly store: string;
  readonly logger?: Logger;
  readonly intervalMs?: number;
  readonly now?: () => Date;
}): Readiness => {
  const now = options.now ?? (() => new Date());
  let state: ReadinessState = { ready: true };
  let busyInARow = 0;
  let probing: Promise<void> | undefined;
  const probe = options.probe;
  const check = (): Promise<void> => {
    probing ??= probeOnce().finally(() => {
      probing = undefined;
    });
    return probing;
  };
  const probeOnce = async () => {
    if (probe === undefined) return;
    const result = await probe()();
    const busy = E.isLeft(result) && /locked|busy/i.test(result.left.message);
    busyInARow = busy ? busyInARow + 1 : 0;
    const failing = E.isLeft(result) && (!busy || busyInARow >= BUSY_PROBES_BEFORE_LOCKED);
    const cause = E.isLeft(result) && failing ? causeOf(result.left, options.store) : undefined;
    if (cause === undefined && busy) return;
    if (cause !== state.cause) {
      if (cause !== undefined) options.logger?.error({ cause }, `not ready: ${cause}`);
      else options.logger?.info(`ready: ${options.store} takes writes again`);
    }
    state = {
      ready: cause === undefined,
      ...(cause === undefined || E.isRight(result) ? {} : { cause, reason: reasonOf(result.left) }),
      checkedAt: now().toISOString(),
    };
  };
  void check();
  const timer = setInterval(() => void check(), options.intervalMs ?? READINESS_INTERVAL_MS);
  timer.unref();
  return {
    state: () => state,
    recheck: check,
    stop: () => clearInterval(timer),
  };
};

/** The problem of a store that takes no writes: its cause in full, or (to others) only its reason class. */
export const notReadyProblem = (cause: string, reason?: ReadinessReason): Problem => {
  const said = reason === undefined ? cause : `the store cannot take writes (${reason})`;
  return {
    type: problemType('not-ready'),
    title: 'Not ready: the store cannot take writes',
    status: 503,
    detail: `${said}. Reads are still served; writes are refused until then. Retry after ${NOT_READY_RETRY_AFTER_SECONDS} s.`,
    errors: [{ field: '(store)', reason: reason ?? cause }],
    retryAfterSeconds: NOT_READY_RETRY_AFTER_SECONDS,
  };
};
