import * as E from 'fp-ts/Either';
import { resolve } from 'node:path';
import { createHttpServer, serverLimitsFrom } from './api';
import { compose } from './composition';
import { withoutCredentials } from './store/eventstoredb';
import { loadConfig } from './config';

const projectRoot = resolve(__dirname, '..', '..');

const main = async () => {
  const config = loadConfig(process.env, projectRoot);
  const limits = serverLimitsFrom(process.env);
  if (E.isLeft(config) || E.isLeft(limits)) {
    for (const violation of [
      ...(E.isLeft(config) ? config.left : []),
      ...(E.isLeft(limits) ? limits.left : []),
    ])
      console.error(`configuration: ${violation.field} ${violation.reason}`);
    process.exit(2);
  }
  const runtime = await compose(config.right);
  // The socket's peer is a trusted proxy (hop 0) exactly when express would read the client's address past it.
  const trusts = runtime.app.get('trust proxy fn') as (address: string, hop: number) => boolean;
  const server = createHttpServer(runtime.app, limits.right, {
    ...(runtime.logger === undefined ? {} : { logger: runtime.logger }),
    trustedPeer: (address) => trusts(address, 0),
  });
  server.listen(config.right.port, config.right.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.right.port;
    if (runtime.importedOnStart > 0)
      console.log(
        `Imported ${runtime.importedOnStart} events of the reference story from ${config.right.eventsDir}`,
      );
    const { eventStoreUrl } = config.right;
    console.log(
      `Store: ${eventStoreUrl === undefined ? config.right.dataDir : withoutCredentials(eventStoreUrl)}`,
    );
    if (runtime.generatedWriterToken !== undefined)
      console.log(
        `No tokens were configured, so a writer token was created (its digest is in ${config.right.authTokensFile}); it is shown only now:\n  Authorization: Bearer ${runtime.generatedWriterToken}`,
      );
    console.log(
      `Checkpoint key (keep a copy elsewhere to check signed checkpoints): ${runtime.signer.verifierKey}`,
    );
    const readiness = runtime.readiness.state();
    if (readiness.cause !== undefined) console.log(`Not ready for writes: ${readiness.cause}`);
    console.log(`Negotiation tracker listening on http://${config.right.host}:${port}/`);
    console.log(
      `Try: curl http://${config.right.host}:${port}/negotiations/gaza-ceasefire-2024/status?asOf=2024-07-05`,
    );
  });
  // Once: a second signal (npm passing on the same Ctrl-C) must not exit before the store has closed.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    runtime.readiness.stop();
    server.close(() => {
      void (runtime.publisher?.stop() ?? Promise.resolve())
        .then(() => runtime.store.close())
        .then(() => process.exit(0));
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
