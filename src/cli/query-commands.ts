import { Command, Option } from 'commander';
import * as E from 'fp-ts/Either';
import { AsOfParams, TimelineParams, decodeQuery } from '../api/http-inputs';
import { TrackerError } from '../application/tracker';
import { FieldViolation, endOfDateOrDateTime } from '../domain';
import { issuesView, phasesView, stateAsOf, statusView, timelineView } from '../projections';
import { CliFailure, EXIT, action, withStore } from './context';

interface QueryOptions {
  readonly negotiation: string;
  readonly asOf?: string;
  readonly knownAt?: string;
  readonly include?: 'possible' | 'certain';
}

interface TimelineOptions {
  readonly negotiation: string;
  readonly asOf?: string;
  readonly from?: string;
  readonly to?: string;
  readonly knownAt?: string;
}

const VIEWS = ['status', 'issues', 'phases'] as const;
const OPTION_NAMES: Record<string, string> = {
  asOf: '--as-of',
  knownAt: '--known-at',
  include: '--include',
  from: '--from',
  to: '--to',
};

/** Only the options given, under the API's parameter names. */
const given = (options: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(options).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );

const usageFailure = (violations: readonly FieldViolation[]): CliFailure =>
  new CliFailure(
    violations.map((v) => `${OPTION_NAMES[v.field] ?? v.field} ${v.reason}`).join('\n'),
    EXIT.usage,
  );

const print = (negotiationId: string, revision: number, params: object, view: string, body: unknown) =>
  console.log(JSON.stringify({ negotiationId, revision, ...params, [view]: body }, null, 2));

const negotiationOption = () => new Option('--negotiation <id>', 'negotiation id, e.g. gaza-ceasefire-2024');

/** status / issues / phases as of a date, and the timeline between dates, printed as JSON like the HTTP API. */
export const registerQueryCommands = (program: Command): void => {
  for (const view of VIEWS) {
    program
      .command(view)
      .description(
        `print the ${view} of a negotiation as of a date (JSON, as GET /negotiations/{id}/${view})`,
      )
      .addOption(negotiationOption().makeOptionMandatory())
      .option(
        '--as-of <date>',
        'date (YYYY-MM-DD, the end of that UTC day) or date-time in the world; default now',
      )
      .option('--known-at <date>', 'the log as recorded by this date or date-time')
      .addOption(
        new Option('--include <rule>', 'how to count vaguely dated developments').choices([
          'possible',
          'certain',
        ]),
      )
      .action(
        action(async (options: QueryOptions) => {
          const params = decodeQuery(
            AsOfParams,
            given({ asOf: options.asOf, knownAt: options.knownAt, include: options.include }),
          );
          if (E.isLeft(params)) throw usageFailure(params.left);
          await withStore(async ({ tracker }) => {
            // Without --as-of the answer is now: a development dated later is not yet the state.
            const asOf = params.right.asOf ?? new Date().toISOString();
            const asOfMs = endOfDateOrDateTime(asOf);
            // A past recording time needs the log as it then was: the full log; otherwise the lean one, as the server.
            const snapshot = await (
              params.right.knownAt === undefined
                ? tracker.snapshot(options.negotiation)
                : tracker.fullSnapshot(options.negotiation, params.right.knownAt)
            )();
            if (E.isLeft(snapshot)) throw queryFailure(options.negotiation, snapshot.left);
            const result = stateAsOf(snapshot.right.log, { ...params.right, asOf });
            const body =
              view === 'status'
                ? statusView(result, asOfMs)
                : view === 'issues'
                  ? issuesView(result, true)
                  : phasesView(result, asOfMs);
            print(options.negotiation, snapshot.right.revision, params.right, view, body);
          });
        }),
      );
  }

  program
    .command('timeline')
    .description(
      'print the developments of a negotiation in occurrence order with their sources (JSON, as GET /negotiations/{id}/timeline)',
    )
    .addOption(negotiationOption().makeOptionMandatory())
    .option('--from <date>', 'only developments that may have happened on or after this date or date-time')
    .option('--to <date>', 'only developments that may have happened on or before this date or date-time')
    .option(
      '--as-of <date>',
      'the timeline as it stood at this date: the same as --to (the earlier wins if both)',
    )
    .option('--known-at <date>', 'the log as recorded by this date or date-time')
    .action(
      action(async (options: TimelineOptions) => {
        const asOf = decodeQuery(AsOfParams, given({ asOf: options.asOf }));
        const params = decodeQuery(
          TimelineParams,
          given({ from: options.from, to: options.to, knownAt: options.knownAt }),
        );
        if (E.isLeft(asOf) || E.isLeft(params))
          throw usageFailure([
            ...(E.isLeft(asOf) ? asOf.left : []),
            ...(E.isLeft(params) ? params.left : []),
          ]);
        const { to } = params.right;
        const until =
          asOf.right.asOf === undefined
            ? to
            : to === undefined || endOfDateOrDateTime(asOf.right.asOf) < endOfDateOrDateTime(to)
              ? asOf.right.asOf
              : to;
        const query = { ...params.right, ...(until === undefined ? {} : { to: until }) };
        await withStore(async ({ tracker }) => {
          // The timeline shows each source's words: it folds the full events.
          const full = await tracker.fullSnapshot(options.negotiation, query.knownAt)();
          if (E.isLeft(full)) throw queryFailure(options.negotiation, full.left);
          print(
            options.negotiation,
            full.right.revision,
            query,
            'timeline',
            timelineView(full.right.log, query),
          );
        });
      }),
    );
};

const queryFailure = (negotiationId: string, error: TrackerError): CliFailure => {
  switch (error._tag) {
    case 'NegotiationNotFound':
      return new CliFailure(`no negotiation "${negotiationId}"`, EXIT.refused);
    case 'NegotiationTooLarge':
      return new CliFailure(
        `negotiation "${negotiationId}" has ${error.events} events, more than the ${error.limit} this process folds in memory for this view: run with a larger heap (NODE_OPTIONS=--max-old-space-size=...) and MAX_NEGOTIATION_EVENTS`,
        EXIT.refused,
      );
    case 'NotKnownAt':
      return new CliFailure(
        `nothing of "${negotiationId}" had been recorded by ${error.knownAt}${error.firstRecordedAt === undefined ? '' : ` (first recorded ${error.firstRecordedAt})`}`,
        EXIT.refused,
      );
    case 'StoreFailure':
      return new CliFailure(`cannot read the store: ${error.message}`, EXIT.storeFailure);
    // Append errors: a read never produces them.
    case 'EventIdConflict':
    case 'RevisionConflict':
    case 'RuleViolated':
      return new CliFailure(`cannot answer: ${error._tag}`, EXIT.storeFailure);
    default: {
      const exhaustive: never = error;
      return exhaustive;
    }
  }
};
