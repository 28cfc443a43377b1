import { Command, Option } from 'commander';
import * as E from 'fp-ts/Either';
import { AsOfParams, decodeQuery } from '../api/http-inputs';
import { problemFromTrackerError } from '../api/problem';
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
            const snapshot = await tracker.fullSnapshot(options.negotiation, params.right.knownAt)();
            if (E.isLeft(snapshot))
              throw snapshot.left._tag === 'NegotiationNotFound'
                ? new CliFailure(`no negotiation "${options.negotiation}"`, EXIT.badInput)
                : new CliFailure(
                    problemFromTrackerError(snapshot.left).detail ?? snapshot.left._tag,
                    EXIT.storeFailure,
                  );
            const result = stateAsOf(snapshot.right.log, params.right);
            const asOfMs =
              params.right.asOf === undefined ? Date.now() : endOfDateOrDateTime(params.right.asOf);
            const body =
              view === 'status'
                ? statusView(result, asOfMs)
                : view === 'issues'
                  ? issuesView(result, true)
                  : view === 'phases'
                    ? phasesView(result)
                    : timelineView(snapshot.right.log, {});
            console.log(
              JSON.stringify(
                {
                  negotiationId: options.negotiation,
                  revision: snapshot.right.revision,
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
