import { Command, Option } from 'commander';
import * as E from 'fp-ts/Either';
import { resolve } from 'node:path';
import { ROLES, Role, addPrincipal } from '../auth';
import { loadConfig } from '../config';
import { CliFailure, EXIT, action } from './context';

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
        const config = loadConfig(process.env, resolve(__dirname, '..', '..', '..'));
        if (E.isLeft(config))
          throw new CliFailure(config.left.map((v) => `${v.field} ${v.reason}`).join('\n'), EXIT.badInput);
        const token = addPrincipal(config.right.authTokensFile, options.principal, options.role);
        if (E.isLeft(token))
          throw new CliFailure(token.left.map((v) => `${v.field} ${v.reason}`).join('\n'), EXIT.badInput);
        console.error(
          `added ${options.principal} (${options.role}) to ${config.right.authTokensFile}; restart the server to use it`,
        );
        console.log(token.right);
        return Promise.resolve();
      }),
    );
};
