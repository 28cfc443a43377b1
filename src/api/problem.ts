import type { Response } from 'express';
import { FieldViolation } from '../domain';
import { TrackerError } from '../application/tracker';
import { problemType } from './problem-types';

/** An RFC 9457 problem document. Every 4xx and 5xx the API sends is one of these. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldViolation[];
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const validationProblem = (
  errors: readonly FieldViolation[],
  detail = 'The request is not valid.',
): Problem => ({
  type: problemType('validation-failed'),
  title: 'Invalid request',
  status: 400,
  detail: `${detail} ${errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`.trim(),
  errors,
});

export const bodyTooLargeProblem: Problem = {
  type: problemType('body-too-large'),
  title: 'Body too large',
  status: 413,
  detail: 'The request body exceeds the size limit; split the batch.',
  errors: [{ field: '(body)', reason: 'exceeds the size limit' }],
};

export const notFoundProblem = (detail: string, field = 'negotiationId'): Problem => ({
  type: problemType('not-found'),
  title: 'Not found',
  status: 404,
  detail,
  errors: [{ field, reason: 'names nothing that has been recorded' }],
});

/**
 * Sends a problem document, tagged with the request id so a report can be matched to the server's log line. A
 * problem that names when to retry (`retryAfterSeconds`) gets the Retry-After header too.
 */
export const sendProblem = (res: Response, problem: Problem, headers: Record<string, string> = {}): void => {
  const requestId = (res.locals as { requestId?: unknown }).requestId;
  const body = typeof requestId === 'string' ? { ...problem, requestId } : problem;
  const retry = problem['retryAfterSeconds'];
  res
    .status(problem.status)
    .set(typeof retry === 'number' ? { 'Retry-After': String(retry), ...headers } : headers)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(body));
};

/** What went wrong in the store, in words that leak nothing of its configuration. */
const storeFailureKind = (message: string): string =>
  /readonly|read-only|EROFS|EACCES|EPERM/i.test(message)
    ? 'the store is read-only for this server'
    : /locked|busy/i.test(message)
      ? 'the store is locked by another process'
      : /full|ENOSPC/i.test(message)
        ? 'the disk holding the store is full'
        : 'the store did not complete the operation';

/** Seconds a client is asked to wait after the store failed a request. */
export const STORE_RETRY_AFTER_SECONDS = 5;

const describeExpected = (error: Extract<TrackerError, { _tag: 'RevisionConflict' }>): string => {
  switch (error.expected.kind) {
    case 'no-stream':
      return 'the negotiation not to exist yet';
    case 'stream-exists':
      return 'the negotiation to exist';
    case 'exact':
      return `revision ${error.expected.revision}`;
    case 'any':
      return 'any revision';
    default: {
      const exhaustive: never = error.expected;
      return exhaustive;
    }
  }
};

/** The one place where a use-case error becomes an HTTP status. */
export const problemFromTrackerError = (
  error: TrackerError,
  /** The conditional header a revision conflict is blamed on: the one the request sent. */
  conditionHeader: 'If-Match' | 'If-None-Match' = 'If-Match',
): Problem => {
  switch (error._tag) {
    case 'NegotiationNotFound':
      return notFoundProblem(`No negotiation "${error.negotiationId}" has been recorded.`);
    case 'NotKnownAt':
      return {
        type: problemType('not-known-yet'),
        title: 'Not known at that time',
        status: 404,
        detail: `Nothing of "${error.negotiationId}" had been recorded by ${error.knownAt}${
          error.firstRecordedAt === undefined
            ? ''
            : `; its first event was recorded at ${error.firstRecordedAt}`
        }.`,
        errors: [{ field: 'knownAt', reason: 'is before anything of this negotiation was recorded' }],
      };
    case 'RuleViolated':
      return {
        type: problemType('rule-violated'),
        title: 'The events break a rule of the log',
        status: 422,
        detail: error.violations.map((e) => `${e.field}: ${e.reason}`).join('; '),
        errors: error.violations,
      };
    case 'RevisionConflict':
      return {
        type: problemType('revision-conflict'),
        title: 'The negotiation has moved on',
        status: 412,
        detail: `Expected ${describeExpected(error)}, but the negotiation is at revision ${error.actual}. Nothing was appended; re-read and retry with the current ETag.`,
        errors: [{ field: conditionHeader, reason: `current revision is ${error.actual}` }],
        currentRevision: error.actual,
      };
    case 'EventIdConflict':
      return {
        type: problemType('event-id-conflict'),
        title: 'Event id already used',
        status: 409,
        detail: `Event ${error.eventId}: ${error.reason}. Nothing was appended.`,
        errors: [{ field: `events.${error.index}.id`, reason: error.reason }],
      };
    case 'NegotiationTooLarge':
      // The server's limit, not the client's mistake: a 5xx, with what to do about it.
      return {
        type: problemType('negotiation-too-large'),
        title: 'Negotiation too large to fold in memory',
        status: 503,
        detail: `Negotiation "${error.negotiationId}" has ${error.events} events; this server folds at most ${error.limit} in memory for this view. Its events can still be appended and read in pages (GET /negotiations/${error.negotiationId}/events), and replayed with the CLI. Retrying will not help: raise MAX_NEGOTIATION_EVENTS together with the heap (node --max-old-space-size) to serve it.`,
        errors: [
          {
            field: 'negotiationId',
            reason: `has ${error.events} events, more than the ${error.limit} this server folds in memory`,
          },
        ],
      };
    case 'StoreFailure':
      return {
        type: problemType('store-unavailable'),
        title: 'The event store failed',
        status: 503,
        detail: `The event store could not complete the request (${storeFailureKind(error.message)}); nothing was acknowledged. Retry after ${STORE_RETRY_AFTER_SECONDS} s; GET /ready says whether the store takes writes.`,
        retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
      };
    default: {
      const exhaustive: never = error;
      return exhaustive;
    }
  }
};
