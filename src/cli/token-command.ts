import { Command, Option } from 'commander';
import * as E from 'fp-ts/Either';
import { ROLES, Role, addPrincipal, firstTokenFile, readFirstToken } from '../auth';
import { CliFailure, EXIT, action, cliConfig } from './context';

/** Issues a token: its digest goes into the tokens file the server reads; the token is printed once. */
export const registerTokenCommand = (program: Command): void => {
  program
    .command('token')
    .description(
      'create a token for a principal (its SHA-256 is added to the tokens file; the token is shown once)',
    )
    .option('--principal <name>', 'who will use the token; recorded as recordedBy on their writes')
    .addOption(new Option('--role <role>', 'what the token may do').choices([...ROLES]).default('writer'))
    .option(
      '--show-first',
      'print again the writer token the first start created (kept owner-only beside the tokens file)',
    )
    .action(
      action((options: { principal?: string; role: Role; showFirst?: boolean }) => {
        const config = cliConfig();
        if (options.showFirst === true) {
          const file = firstTokenFile(config.authTokensFile);
          const kept = readFirstToken(file);
          if (kept === undefined)
            throw new CliFailure(
              `no first token at ${file}: tokens were configured before the first start (AUTH_TOKENS or a tokens file), or it was removed`,
              EXIT.missingFile,
            );
          console.log(kept);
          return Promise.resolve();
        }
        if (options.principal === undefined)
          throw new CliFailure('token: --principal <name> is required (or --show-first)', EXIT.usage);
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
