import { Command, Option } from 'commander';
import * as E from 'fp-ts/Either';
import { AsOfParams, decodeQuery } from '../api/http-inputs';
import { TrackerError } from '../application/tracker';
import { endOfDateOrDateTime } from '../domain';
import { issuesView, phasesView, stateAsOf, statusView, timelineView } from '../projections';
import { CliFailure, EXIT, action, withStore } from './context';

interface QueryOptions {
  readonly negotiation: string;
  readonly asOf?: string;
  readonly knownAt?: string;
  readonly include?: 'possible' | 'certain';
}

const VIEWS = ['status', 'issues', 'phases', 'timeline'] as const;
const OPTION_NAMES: Record<string, string> = { asOf: '--as-of', knownAt: '--known-at', include: '--include' };

/** status / issues / phases / timeline as of a date, printed as JSON: the same answers as the HTTP API. */
export const registerQueryCommands = (program: Command): void => {
  for (const view of VIEWS) {
    program
      .command(view)
      .description(`print the ${view} of a negotiation as of a date (JSON)`)
      .requiredOption('--negotiation <id>', 'negotiation id, e.g. gaza-ceasefire-2024')
      .option('--as-of <date>', 'date (YYYY-MM-DD) or date-time in the world')
      .option('--known-at <date>', 'the log as recorded by this date or date-time')
      .addOption(
        new Option('--include <rule>', 'how to count vaguely dated developments').choices([
          'possible',
          'certain',
        ]),
      )
      .action(
        action(async (options: QueryOptions) => {
          const params = decodeQuery(AsOfParams, {
            ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
            ...(options.knownAt === undefined ? {} : { knownAt: options.knownAt }),
            ...(options.include === undefined ? {} : { include: options.include }),
          });
          if (E.isLeft(params))
            throw new CliFailure(
              params.left.map((v) => `${OPTION_NAMES[v.field] ?? v.field} ${v.reason}`).join('\n'),
              EXIT.badInput,
            );
          await withStore(async ({ tracker }) => {
            // Without --as-of the answer is now: a development dated later is not yet the state.
            const asOf = params.right.asOf ?? new Date().toISOString();
            const asOfMs = endOfDateOrDateTime(asOf);
            // The timeline shows each source's words, and a past recording time needs the log as it then was:
            // both fold the full events; the other views fold the lean log, as the server does.
            const answer = async (): Promise<{ revision: number; body: object }> => {
              if (view === 'timeline') {
                const full = await tracker.fullSnapshot(options.negotiation, params.right.knownAt)();
                if (E.isLeft(full)) throw queryFailure(options.negotiation, full.left);
                return { revision: full.right.revision, body: timelineView(full.right.log, {}) };
              }
              const snapshot = await (
                params.right.knownAt === undefined
                  ? tracker.snapshot(options.negotiation)
                  : tracker.fullSnapshot(options.negotiation, params.right.knownAt)
              )();
              if (E.isLeft(snapshot)) throw queryFailure(options.negotiation, snapshot.left);
              const result = stateAsOf(snapshot.right.log, { ...params.right, asOf });
              return {
                revision: snapshot.right.revision,
                body:
                  view === 'status'
                    ? statusView(result, asOfMs)
                    : view === 'issues'
                      ? issuesView(result, true)
                      : phasesView(result, asOfMs),
              };
            };
            const { revision, body } = await answer();
            console.log(
              JSON.stringify(
                {
                  negotiationId: options.negotiation,
                  revision,
                  ...params.right,
                  [view]: body,
                },
                null,
                2,
              ),
            );
          });
        }),
      );
  }
};

const queryFailure = (negotiationId: string, error: TrackerError): CliFailure => {
  switch (error._tag) {
    case 'NegotiationNotFound':
      return new CliFailure(`no negotiation "${negotiationId}"`, EXIT.badInput);
    case 'NegotiationTooLarge':
      return new CliFailure(
        `negotiation "${negotiationId}" has ${error.events} events, more than the ${error.limit} this process folds in memory for this view: run with a larger heap (NODE_OPTIONS=--max-old-space-size=...) and MAX_NEGOTIATION_EVENTS`,
        EXIT.badInput,
      );
    case 'NotKnownAt':
      return new CliFailure(
        `nothing of "${negotiationId}" had been recorded by ${error.knownAt}${error.firstRecordedAt === undefined ? '' : ` (first recorded ${error.firstRecordedAt})`}`,
        EXIT.badInput,
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
