import * as E from 'fp-ts/Either';
import { createServer as createProbe } from 'node:net';
import { resolve } from 'node:path';
import { createHttpServer, serverLimitsFrom } from './api';
import { maskedToken } from './auth';
import { suggestedQuery } from './application/suggested-query';
import { compose } from './composition';
import { withoutCredentials } from './store/eventstoredb';
import { loadConfig } from './config';

const projectRoot = resolve(__dirname, '..', '..');

/** Why a port cannot be listened on, in one line; undefined when it can. */
const portProblem = (port: number, host: string): Promise<string | undefined> =>
  new Promise((done) => {
    const probe = createProbe();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      done(
        error.code === 'EADDRINUSE'
          ? `port ${port} on ${host} is already in use (another tracker?): stop it, or start with PORT=<another port> (PORT=0 picks a free one)`
          : `cannot listen on ${host}:${port}: ${error.message}`,
      ),
    );
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => done(undefined)));
  });

const fail = (line: string, code: number): never => {
  console.error(line);
  process.exit(code);
};

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
  const { host, port } = config.right;
  // Before anything is imported or a token created: a busy port must not leave a half-done first run behind.
  if (port !== 0) {
    const problem = await portProblem(port, host);
    if (problem !== undefined) fail(problem, 2);
  }
  const runtime = await compose(config.right);
  if (runtime.importedOnStart > 0)
    console.log(
      `Imported ${runtime.importedOnStart} events of the reference story from ${config.right.eventsDir}`,
    );
  // Shown as soon as it exists, so a start that fails after this point cannot lose it.
  if (runtime.generatedWriterToken !== undefined)
    console.log(
      `No tokens were configured, so a writer token was created (its digest is in ${config.right.authTokensFile}; npx negotiation-tracker token --show-first shows it again):\n  Authorization: Bearer ${runtime.generatedWriterToken}`,
    );
  else if (runtime.firstWriterToken !== undefined)
    console.log(
      `Writer token: ${maskedToken(runtime.firstWriterToken)} (in full: npx negotiation-tracker token --show-first)`,
    );
  const suggestion = await suggestedQuery(runtime.store);
  // The socket's peer is a trusted proxy (hop 0) exactly when express would read the client's address past it.
  const trusts = runtime.app.get('trust proxy fn') as (address: string, hop: number) => boolean;
  const server = createHttpServer(runtime.app, limits.right, {
    ...(runtime.logger === undefined ? {} : { logger: runtime.logger }),
    trustedPeer: (address) => trusts(address, 0),
  });
  server.once('error', (error: NodeJS.ErrnoException) =>
    fail(
      error.code === 'EADDRINUSE'
        ? `port ${port} on ${host} was taken while starting: start again, or with PORT=<another port>`
        : `cannot listen on ${host}:${port}: ${error.message}`,
      2,
    ),
  );
  server.listen(port, host, () => {
    const address = server.address();
    const listening = typeof address === 'object' && address !== null ? address.port : port;
    const base = `http://${host}:${listening}`;
    const { eventStoreUrl } = config.right;
    console.log(
      `Store: ${eventStoreUrl === undefined ? config.right.dataDir : withoutCredentials(eventStoreUrl)}`,
    );
    if (E.isRight(suggestion) && suggestion.right !== undefined)
      console.log(
        `Try: curl '${base}/negotiations/${encodeURIComponent(suggestion.right.negotiationId)}/status?asOf=${suggestion.right.asOf}'`,
      );
    else
      console.log(
        `The store is empty: POST events to ${base}/negotiations/{id}/events, or run npx negotiation-tracker import <files>`,
      );
    console.log(
      `Checkpoint key (keep a copy elsewhere to check signed checkpoints): ${runtime.signer.verifierKey}`,
    );
    const readiness = runtime.readiness.state();
    if (readiness.cause !== undefined) console.log(`Not ready for writes: ${readiness.cause}`);
    // Last, so whoever waits for this line has the banner's every line.
    console.log(`Negotiation tracker listening on ${base}/`);
  });
  // Once: a second signal (npm passing on the same Ctrl-C) must not exit before the store has closed.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Event streams never end on their own: they are ended here, so the server can close.
    runtime.liveFeed.close();
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
  console.error(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
