import type { Response } from 'express';
import { Problem, sendProblem } from './problem';
import { problemType } from './problem-types';

/**
 * Admission control for expensive reads (those that fold a whole log: a past knownAt, the timeline, the audit
 * history). A few run at once within a budget of events held in memory; the next ones wait in a queue of bounded
 * length, first come first served; past it, or after waiting too long, 503 with Retry-After. Cheap reads (cached
 * answers, the current log, /health) never come here, so they are never queued behind expensive ones.
 */
export interface AdmissionLimits {
  /** Expensive reads running at once. */
  readonly concurrency: number;
  /** Events (weighted) the running reads may hold together; one read costing more runs alone. */
  readonly budget: number;
  /** Reads waiting for their turn; past it, 503. */
  readonly queueLength: number;
  /** The longest a read waits in the queue before it is answered 503. */
  readonly maxWaitMs: number;
}

export const DEFAULT_ADMISSION_LIMITS: Omit<AdmissionLimits, 'budget'> = {
  concurrency: 2,
  queueLength: 16,
  maxWaitMs: 30_000,
};

export interface AdmissionStats {
  readonly running: number;
  readonly queued: number;
  readonly heldEvents: number;
  readonly budget: number;
  readonly refused: number;
}

export interface Refusal {
  readonly problem: Problem;
  readonly retryAfterSeconds: number;
}

/** Admitted with the release of its turn, or not: refused, or (no refusal) its client went away meanwhile. */
export type Admitted =
  | { readonly admitted: true; readonly release: () => void }
  | { readonly admitted: false; readonly refusal?: Refusal };

export interface Admission {
  /** Waits for a turn for a read costing `cost` events; aborting the signal leaves the queue. */
  readonly enter: (cost: number, signal?: AbortSignal) => Promise<Admitted>;
  readonly stats: () => AdmissionStats;
}

interface Waiter {
  readonly cost: number;
  readonly admit: (release: () => void) => void;
  readonly refuse: (reason: 'queue-full' | 'waited-too-long' | 'gone') => void;
}

const busyProblem = (
  limits: AdmissionLimits,
  reason: 'queue-full' | 'waited-too-long',
  stats: AdmissionStats,
  retryAfterSeconds: number,
): Problem => ({
  type: problemType('server-busy'),
  title: 'Too many expensive reads at once',
  status: 503,
  detail:
    (reason === 'queue-full'
      ? `${stats.running} reads that fold a whole log (a past knownAt, the timeline, the audit history) are running and ${stats.queued} are waiting, the most this server queues.`
      : `This read waited ${Math.round(limits.maxWaitMs / 1000)} s for one of the ${limits.concurrency} turns for reads that fold a whole log.`) +
    ` Retry after ${retryAfterSeconds} s. Answers already built, the current state, writes and /health are not held up.`,
  errors: [{ field: '(request)', reason: 'the server is at its limit of expensive reads' }],
  retryAfterSeconds,
});

export const createAdmission = (limits: AdmissionLimits): Admission => {
  const queue: Waiter[] = [];
  let running = 0;
  let held = 0;
  let refused = 0;
  const stats = (): AdmissionStats => ({
    running,
    queued: queue.length,
    heldEvents: held,
    budget: limits.budget,
    refused,
  });
  // A turn frees up about as often as a full-log read ends: a few seconds.
  const retryAfterSeconds = () => Math.max(1, Math.min(60, 2 * (queue.length + running)));
  const fits = (cost: number) =>
    running < limits.concurrency && (running === 0 || held + cost <= limits.budget);

  const start = (cost: number): (() => void) => {
    running += 1;
    held += cost;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      running -= 1;
      held -= cost;
      // First come, first served: a large read at the head is not overtaken by smaller ones for ever.
      while (queue[0] !== undefined && fits(queue[0].cost)) {
        const next = queue.shift() as Waiter;
        next.admit(start(next.cost));
      }
    };
  };

  return {
    stats,
    enter: (requested, signal) => {
      const cost = Math.max(0, Math.min(requested, limits.budget));
      if (queue.length === 0 && fits(cost)) return Promise.resolve({ admitted: true, release: start(cost) });
      return new Promise<Admitted>((resolve) => {
        const refuse = (reason: 'queue-full' | 'waited-too-long' | 'gone') => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          const index = queue.indexOf(waiter);
          if (index >= 0) queue.splice(index, 1);
          if (reason === 'gone') return resolve({ admitted: false });
          refused += 1;
          const after = retryAfterSeconds();
          resolve({
            admitted: false,
            refusal: { problem: busyProblem(limits, reason, stats(), after), retryAfterSeconds: after },
          });
        };
        const onAbort = () => refuse('gone');
        const waiter: Waiter = {
          cost,
          admit: (release) => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            resolve({ admitted: true, release });
          },
          refuse,
        };
        const timer = setTimeout(() => refuse('waited-too-long'), limits.maxWaitMs);
        if (queue.length >= limits.queueLength) return refuse('queue-full');
        queue.push(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
};

/** Sends the refusal of a read that was not admitted (nothing when its client has gone). */
export const sendRefusal = (res: Response, refusal: Refusal | undefined): void => {
  if (refusal === undefined || res.destroyed || res.headersSent) return;
  sendProblem(res, refusal.problem);
};

/**
 * Runs `work` when admitted, releasing the turn when it is done; a refusal is sent as 503 problem+json. The
 * request leaves the queue if its client goes away while waiting.
 */
export const admitted = async (
  admission: Admission,
  res: Response,
  cost: number,
  work: () => Promise<void>,
): Promise<void> => {
  const gone = new AbortController();
  const onClose = () => gone.abort();
  res.once('close', onClose);
  const turn = await admission.enter(cost, gone.signal);
  if (!turn.admitted) {
    res.off('close', onClose);
    return sendRefusal(res, turn.refusal);
  }
  try {
    await work();
  } finally {
    res.off('close', onClose);
    turn.release();
  }
};
