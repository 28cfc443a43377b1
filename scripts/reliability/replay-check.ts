import { isDeepStrictEqual } from 'node:util';
import { StoredEvent, endOfDateOrDateTime } from '../../src/domain';
import {
  AsOfResult,
  UNCERTAIN_LISTED,
  EffectiveLog,
  compareDevelopments,
  effectiveLog,
  evidenceOf,
  evolve,
  includedAsOf,
  initialState,
  issuesView,
  phasesView,
  stateAsOf,
  statusView,
  timelineView,
} from '../../src/projections';
import { Answer, send } from './client';

/**
 * Compares what a running server answers with a fresh replay of the raw events read back from it: the views as
 * of several dates, under both inclusion rules and at past recording times, plus the timeline. The server keeps
 * caches (effective logs, checkpoints); a fresh replay holds none, so any difference is a stale or bent answer.
 */

const AS_OF = ['2024-01-01', '2024-03-15', '2024-06-30T12:00:00Z', '2024-09-10', '2024-12-31', '2026-01-01'];

/** The state as a plain fold over the developments that count: no checkpoints, no incremental structure. */
const plainFold = (log: EffectiveLog, asOf: string, include: 'possible' | 'certain'): AsOfResult => {
  const untilMs = endOfDateOrDateTime(asOf);
  const included = log.developments.filter((d) => includedAsOf(d, untilMs, include));
  const uncertain =
    include === 'certain'
      ? []
      : included
          .filter((d) => d.interval.endMs - 1 > untilMs)
          .sort(compareDevelopments)
          .map((d) => evidenceOf(d.event));
  return {
    state: included.reduce((state, d) => evolve(state, d.event), initialState),
    included: () => included,
    uncertain: uncertain.slice(-UNCERTAIN_LISTED),
    uncertainCount: uncertain.length,
  };
};

const normalised = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

/** The first path at which two JSON values differ, for a readable report. */
const firstDifference = (a: unknown, b: unknown, path = ''): string => {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
    return `${path || '(root)'}: ${JSON.stringify(a)?.slice(0, 120)} vs ${JSON.stringify(b)?.slice(0, 120)}`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const x = (a as Record<string, unknown>)[key];
    const y = (b as Record<string, unknown>)[key];
    if (!isDeepStrictEqual(x, y)) return firstDifference(x, y, path === '' ? key : `${path}.${key}`);
  }
  return `${path || '(root)'}: differs`;
};

interface ViewQuery {
  readonly asOf: string;
  readonly include: 'possible' | 'certain';
  readonly knownAt?: string;
}

/** Every mismatch between the server's views of one negotiation and a fresh replay of `stream`; [] when equal. */
export const projectionMismatches = async (
  baseUrl: string,
  negotiationId: string,
  stream: readonly StoredEvent[],
): Promise<string[]> => {
  if (stream.length === 0) return [];
  const mismatches: string[] = [];
  const middle = stream[Math.floor(stream.length / 2)]?.recordedAt;
  const queries: ViewQuery[] = [
    ...AS_OF.flatMap((asOf) => [
      { asOf, include: 'possible' as const },
      { asOf, include: 'certain' as const },
    ]),
    ...(middle === undefined
      ? []
      : [
          { asOf: '2024-06-30', include: 'possible' as const, knownAt: middle },
          { asOf: '2026-01-01', include: 'certain' as const, knownAt: middle },
        ]),
  ];
  const logs = new Map<string | undefined, EffectiveLog<StoredEvent>>();
  const logAt = (knownAt: string | undefined) => {
    const cached = logs.get(knownAt) ?? effectiveLog(stream, knownAt);
    logs.set(knownAt, cached);
    return cached;
  };
  const base = `${baseUrl}/negotiations/${negotiationId}`;
  /** The view itself: the answer without the echo of the negotiation, its revision and the query. */
  const viewOf = (body: Record<string, unknown>): unknown => {
    const {
      negotiationId: _id,
      revision: _revision,
      asOf: _asOf,
      include: _include,
      knownAt: _knownAt,
      state: _state,
      ...view
    } = body;
    return view;
  };
  /** A knownAt answer is at the last revision recorded by then; any other at the stream's last. */
  const check = (label: string, answer: Answer, expected: object, revision = stream.length - 1) => {
    if (answer.status !== 200) {
      mismatches.push(`${negotiationId} ${label}: status ${answer.status}`);
      return;
    }
    const body = answer.body as Record<string, unknown>;
    if (body['revision'] !== revision)
      mismatches.push(
        `${negotiationId} ${label}: revision ${String(body['revision'])}, replayed ${revision}`,
      );
    const actual = viewOf(body);
    const wanted = normalised(expected);
    if (!isDeepStrictEqual(actual, wanted))
      mismatches.push(`${negotiationId} ${label}: ${firstDifference(actual, wanted)}`);
  };
  for (const query of queries) {
    const log = logAt(query.knownAt);
    const asOfMs = endOfDateOrDateTime(query.asOf);
    const params = new URLSearchParams({ asOf: query.asOf, include: query.include });
    if (query.knownAt !== undefined) params.set('knownAt', query.knownAt);
    const answers = {
      status: await send(`${base}/status?${params.toString()}`),
      issues: await send(`${base}/issues?${params.toString()}&state=all`),
      phases: await send(`${base}/phases?${params.toString()}`),
    };
    for (const [oracle, result] of [
      ['fresh replay', stateAsOf(log, query)],
      ['plain fold', plainFold(log, query.asOf, query.include)],
    ] as const) {
      const expected = {
        status: { status: statusView(result, asOfMs) },
        issues: issuesView(result, false),
        phases: phasesView(result, asOfMs),
      };
      for (const view of ['status', 'issues', 'phases'] as const)
        check(`${view}?${params.toString()} vs ${oracle}`, answers[view], expected[view], log.revision);
    }
  }
  check('timeline vs fresh replay', await send(`${base}/timeline`), {
    timeline: timelineView(logAt(undefined), {}),
  });
  return mismatches;
};
