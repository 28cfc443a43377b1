import { Command, Option } from 'commander';
import * as E from 'fp-ts/Either';
import { ROLES, Role, addPrincipal } from '../auth';
import { CliFailure, EXIT, action, cliConfig } from './context';

/** Issues a token: its digest goes into the tokens file the server reads; the token is printed once. */
export const registerTokenCommand = (program: Command): void => {
  program
    .command('token')
    .description(
      'create a token for a principal (its SHA-256 is added to the tokens file; the token is shown once)',
    )
    .requiredOption('--principal <name>', 'who will use the token; recorded as recordedBy on their writes')
    .addOption(new Option('--role <role>', 'what the token may do').choices([...ROLES]).default('writer'))
    .action(
      action((options: { principal: string; role: Role }) => {
        const config = cliConfig();
        const token = addPrincipal(config.authTokensFile, options.principal, options.role);
        if (E.isLeft(token))
          throw new CliFailure(token.left.map((v) => `${v.field} ${v.reason}`).join('\n'), EXIT.refused);
        // The server reads the tokens file again when it changes: no restart needed.
        console.error(
          `added ${options.principal} (${options.role}) to ${config.authTokensFile}; a running server accepts it now`,
        );
        console.log(token.right);
        return Promise.resolve();
      }),
    );
};
