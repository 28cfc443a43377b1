import { Command, Option } from 'commander';
import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import {
  AsOfParams,
  IssuesParams,
  QueryCodec,
  StatusParams,
  TimelineParams,
  decodeQuery,
} from '../api/http-inputs';
import { TrackerError } from '../application/tracker';
import { FieldViolation, endOfDateOrDateTime } from '../domain';
import { AnswerOf, MomentParams, ViewQuery, momentParams } from '../projections';
import { CliFailure, EXIT, action, withStore } from './context';

interface QueryOptions {
  readonly negotiation: string;
  readonly asOf?: string;
  readonly knownAt?: string;
  readonly include?: 'possible' | 'certain';
  readonly state?: 'open' | 'all';
  readonly deadlines?: 'live' | 'all';
}

interface TimelineOptions {
  readonly negotiation: string;
  readonly asOf?: string;
  readonly from?: string;
  readonly to?: string;
  readonly knownAt?: string;
}

const OPTION_NAMES: Record<string, string> = {
  asOf: '--as-of',
  knownAt: '--known-at',
  include: '--include',
  from: '--from',
  to: '--to',
  state: '--state',
  deadlines: '--deadlines',
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

const negotiationOption = () => new Option('--negotiation <id>', 'negotiation id, e.g. gaza-ceasefire-2024');

/**
 * Reads one view through the read path, as the HTTP API does, and prints it as the API answers it: the same
 * query gives the same JSON (the property test holds the two equal).
 */
const printAnswer = async <Q extends ViewQuery>(
  negotiationId: string,
  params: MomentParams & Record<string, string | undefined>,
  view: Q,
  wrap: (body: AnswerOf<Q>) => object,
): Promise<void> =>
  withStore(async ({ reads }) => {
    const query = reads.query(negotiationId, momentParams(params), view);
    if (E.isLeft(query)) throw usageFailure(query.left);
    const answered = await pipe(
      reads.revision(negotiationId),
      TE.flatMap((revision) => reads.answer(query.right, revision)),
    )();
    if (E.isLeft(answered)) throw queryFailure(negotiationId, answered.left);
    const { revision, body } = answered.right;
    console.log(JSON.stringify({ negotiationId, revision, ...given(params), ...wrap(body) }, null, 2));
  });

const asOfOptions = (command: Command): Command =>
  command
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
    );

const decoded = <A>(codec: QueryCodec<A>, options: Record<string, string | undefined>): A => {
  const params = decodeQuery(codec, given(options));
  if (E.isLeft(params)) throw usageFailure(params.left);
  return params.right;
};

/** status / issues / phases as of a date, and the timeline between dates, printed as JSON like the HTTP API. */
export const registerQueryCommands = (program: Command): void => {
  asOfOptions(program.command('status'))
    .description('print the status of a negotiation as of a date (JSON, as GET /negotiations/{id}/status)')
    .addOption(
      new Option('--deadlines <which>', 'live deadlines only, or every deadline with its history').choices([
        'live',
        'all',
      ]),
    )
    .action(
      action(async (options: QueryOptions) => {
        const params = decoded(StatusParams, { ...momentParams(options), deadlines: options.deadlines });
        await printAnswer(
          options.negotiation,
          params,
          { view: 'status', deadlines: params.deadlines ?? 'live' },
          (body) => body,
        );
      }),
    );
  asOfOptions(program.command('issues'))
    .description('print the issues of a negotiation as of a date (JSON, as GET /negotiations/{id}/issues)')
    .addOption(new Option('--state <which>', 'open issues only (default), or all').choices(['open', 'all']))
    .action(
      action(async (options: QueryOptions) => {
        const params = decoded(IssuesParams, { ...momentParams(options), state: options.state });
        await printAnswer(
          options.negotiation,
          params,
          { view: 'issues', state: params.state ?? 'open' },
          (body) => body,
        );
      }),
    );
  asOfOptions(program.command('phases'))
    .description(
      'print the readiness of each phase of a negotiation as of a date (JSON, as GET /negotiations/{id}/phases)',
    )
    .action(
      action(async (options: QueryOptions) => {
        const params = decoded(AsOfParams, { ...momentParams(options) });
        await printAnswer(options.negotiation, params, { view: 'phases' }, (body) => body);
      }),
    );

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
        const { asOf } = decoded(AsOfParams, { asOf: options.asOf });
        const params = decoded(TimelineParams, {
          from: options.from,
          to: options.to,
          knownAt: options.knownAt,
        });
        const { to } = params;
        const until =
          asOf === undefined
            ? to
            : to === undefined || endOfDateOrDateTime(asOf) < endOfDateOrDateTime(to)
              ? asOf
              : to;
        const { knownAt, from } = params;
        await printAnswer(
          options.negotiation,
          { knownAt, from, to: until },
          {
            view: 'timeline',
            ...(from === undefined ? {} : { from }),
            ...(until === undefined ? {} : { to: until }),
          },
          (body) => body,
        );
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
