#!/usr/bin/env node
import { Command } from 'commander';
import { registerAuditCommands } from './audit-commands';
import { registerCopyCommand } from './copy-command';
import { registerLogCommands } from './log-commands';
import { registerQueryCommands } from './query-commands';
import { registerTokenCommand } from './token-command';

/**
 * One command line for the tracker, reading the same store as the server (DATA_DIR, or EVENTSTORE_URL when
 * set). Run it as `npm run cli -- <command>` or `node dist/src/cli/main.js <command>`.
 */
const program = new Command()
  .name('negotiation-tracker')
  .description('Import, export, replay, verify and query the negotiation log.')
  .showHelpAfterError();

// A closed pipe (`export | head`) is a normal end, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

registerLogCommands(program);
registerAuditCommands(program);
registerQueryCommands(program);
registerTokenCommand(program);
registerCopyCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
