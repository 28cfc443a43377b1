#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerAuditCommands } from './audit-commands';
import { EXIT, EXIT_CODES_HELP, PROJECT_ROOT } from './context';
import { registerCopyCommand } from './copy-command';
import { registerImportCommand } from './import-command';
import { registerLogCommands } from './log-commands';
import { registerQueryCommands } from './query-commands';
import { registerTokenCommand } from './token-command';

const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  version: string;
};

const HELP_AFTER = `
Examples:
  npx negotiation-tracker import events/*.ndjson
  npx negotiation-tracker export > log.ndjson
  npx negotiation-tracker export --with-recording --out backup.ndjson
  DATA_DIR=./restored npx negotiation-tracker import --with-recording backup.ndjson
  npx negotiation-tracker verify
  npx negotiation-tracker status --negotiation gaza-ceasefire-2024 --as-of 2024-12-27
  npx negotiation-tracker timeline --negotiation gaza-ceasefire-2024 --from 2024-12-01 --to 2024-12-31
  npx negotiation-tracker token --principal alice --role writer
  npx negotiation-tracker copy --from ./data --to 'kurrentdb://localhost:2113?tls=false'

Environment (the same as the server's):
  DATA_DIR                where the embedded store's file is (default ./data)
  EVENTSTORE_URL          EventStoreDB or KurrentDB (esdb://... or kurrentdb://...) instead of the embedded store
  AUTH_TOKENS_FILE        the tokens file "token" adds to (default DATA_DIR/tokens.json)
  MAX_NEGOTIATION_EVENTS  the longest negotiation a query folds in memory

${EXIT_CODES_HELP}
`;

/**
 * One command line for the tracker, reading the same store as the server (DATA_DIR, or EVENTSTORE_URL when
 * set). Run it as `npx negotiation-tracker <command>` once `npm install` has built it.
 */
const program = new Command()
  .name('negotiation-tracker')
  .description('Import, export, restore, replay, verify and query the negotiation log.')
  .version(version, '-V, --version')
  .addHelpText('after', HELP_AFTER)
  // Usage errors exit 2 with commander's one line (and its suggestion), not 1 like a failed check.
  .exitOverride()
  .configureOutput({
    outputError: (message, write) => write(`${message.trimEnd()} (see negotiation-tracker --help)\n`),
  });

// A closed pipe (`export | head`) is a normal end, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

registerImportCommand(program);
registerLogCommands(program);
registerAuditCommands(program);
registerQueryCommands(program);
registerTokenCommand(program);
registerCopyCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return;
  }
  // Anything else is unexpected: one line, never a stack trace.
  console.error(`negotiation-tracker: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = EXIT.storeFailure;
});
