import { Command } from 'commander';
import * as E from 'fp-ts/Either';
import { mkdirSync, readFileSync, writeFileSync as writeFile } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  AuditProblem,
  AuditReport,
  auditedRowOfEvent,
  auditedRowOfStoredText,
  describeProblem,
  startLogAudit,
} from '../application/log-audit';
import { STORE_FILE_NAME, loadSigner } from '../composition';
import { Config } from '../config';
import { decodeStoredEvent } from '../domain';
import {
  eventLeafHash,
  hashVerifies,
  openStoreFileForAudit,
  verifyConsistency,
  verifyInclusion,
} from '../store';
import {
  Checkpoint,
  ConsistencyProofDocument,
  InclusionProofDocument,
  VerifierKey,
  currentCheckpoint,
  openCheckpoint,
  parseVerifierKey,
  proveConsistency,
  readVerifierKey,
} from '../transparency';
import { CliFailure, EXIT, action, cliConfig, requireStore, withStore } from './context';
import { allEvents } from './log-commands';

/** Writes a file, creating its folder first (checkpoints usually go to a new place). */
const writeFileSync = (file: string, text: string) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFile(file, text);
};

const readText = (file: string, what: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliFailure(`cannot read the ${what} ${file}: ${(error as Error).message}`, EXIT.missingFile);
  }
};

const readJson = <A>(file: string, what: string, decode: (u: unknown) => E.Either<unknown, A>): A => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readText(file, what));
  } catch (error) {
    if (error instanceof CliFailure) throw error;
    throw new CliFailure(`the ${what} ${file} is not JSON`, EXIT.refused);
  }
  const decoded = decode(parsed);
  if (E.isLeft(decoded)) throw new CliFailure(`the ${what} ${file} is not one this tool reads`, EXIT.refused);
  return decoded.right;
};

const keyFrom = (file: string): VerifierKey => {
  const key = parseVerifierKey(readText(file, 'key'));
  if (E.isLeft(key)) throw new CliFailure(`${file}: ${key.left.reason}`, EXIT.refused);
  return key.right;
};

const checkpointFrom = (file: string, key: VerifierKey): Checkpoint => {
  const opened = openCheckpoint(readText(file, 'checkpoint'), key);
  if (E.isLeft(opened)) throw new CliFailure(`${file}: ${opened.left.reason}`, EXIT.proofInvalid);
  return opened.right;
};

/** The key to check a checkpoint with: the one given, else this data directory's own (read, never created). */
const verifierFor = (config: Config, keyFile: string | undefined): VerifierKey => {
  if (keyFile !== undefined) return keyFrom(keyFile);
  const own = readVerifierKey(config.checkpointKeyFile, config.checkpointOrigin);
  if (own === undefined)
    throw new CliFailure(
      `no key at ${config.checkpointKeyFile}: give the log's public key with --key FILE`,
      EXIT.missingFile,
    );
  return own;
};

const CHAIN_KINDS = new Set<AuditProblem['kind']>([
  'hash-mismatch',
  'previous-hash-mismatch',
  'revision-gap',
  'revision-out-of-order',
  'events-missing',
  'undecodable',
]);

/** The embedded file, opened read-only: nothing is migrated, re-created or written. */
const auditStoreFile = (
  file: string,
  negotiation: string | undefined,
  checkpoint: Checkpoint | undefined,
) => {
  let reader: ReturnType<typeof openStoreFileForAudit>;
  try {
    reader = openStoreFileForAudit(file);
  } catch (error) {
    throw new CliFailure(`cannot open ${file} read-only: ${(error as Error).message}`, EXIT.storeFailure);
  }
  try {
    return reader.snapshot((): AuditReport => {
      const audit = startLogAudit({
        contiguousPositions: true,
        ...(negotiation === undefined ? {} : { negotiation }),
        ...(checkpoint === undefined ? {} : { checkpoint }),
        ...(reader.hasTree ? { storedLeaf: reader.storedLeaf } : {}),
      });
      // A file from before the tree never had the newer triggers; the events table always had its two.
      for (const name of reader.missingTriggers())
        if (reader.hasTree || name.startsWith('events_'))
          audit.report({
            kind: 'trigger-missing',
            negotiationId: '(file)',
            detail: `trigger ${name} is missing`,
          });
      let lastPosition = 0;
      for (const row of reader.rows()) {
        audit.row(auditedRowOfStoredText(row));
        lastPosition = row.position;
      }
      const appended = reader.appendedCount();
      if (appended > lastPosition)
        audit.report({
          kind: 'events-missing',
          negotiationId: '(log)',
          detail: `positions ${lastPosition + 1} to ${appended} were handed out but hold no event: the last events were deleted`,
        });
      for (const problem of reader.derivedCopyProblems(negotiation))
        audit.report({
          kind: 'derived-copy',
          negotiationId: problem.negotiationId ?? '(file)',
          ...(problem.eventId === undefined ? {} : { eventId: problem.eventId }),
          ...(problem.revision === undefined ? {} : { revision: problem.revision }),
          detail: problem.reason,
        });
      const streams = reader.streams().map((row) => ({
        negotiationId: row.negotiation_id,
        revision: row.revision,
        lastHash: row.last_hash,
        eventCount: row.event_count,
        lastRecordedAt: row.last_recorded_at,
      }));
      return audit.finish(streams, reader.hasTree ? reader.storedTree() : undefined);
    });
  } finally {
    reader.close();
  }
};

/** Another store (EventStoreDB), read through the port: chains, derived copies and the checkpoint. */
const auditThroughPort = (negotiation: string | undefined, checkpoint: Checkpoint | undefined) =>
  withStore(async ({ store }) => {
    const audit = startLogAudit({
      contiguousPositions: false,
      ...(negotiation === undefined ? {} : { negotiation }),
      ...(checkpoint === undefined ? {} : { checkpoint }),
    });
    for await (const event of allEvents(store)) audit.row(auditedRowOfEvent(event));
    const derived = store.checkDerivedCopies ? await store.checkDerivedCopies(negotiation)() : E.right([]);
    if (E.isLeft(derived)) throw new CliFailure(derived.left.message, EXIT.storeFailure);
    for (const problem of derived.right)
      audit.report({
        kind: 'derived-copy',
        negotiationId: problem.negotiationId ?? '(store)',
        detail: problem.reason,
      });
    return audit.finish(undefined);
  });

const exitFor = (report: AuditReport): number =>
  report.checkpoint?.extended === false
    ? EXIT.notExtended
    : report.problems.length > 0
      ? EXIT.checkFailed
      : EXIT.ok;

const headingFor = (report: AuditReport): string =>
  report.checkpoint?.extended === false
    ? 'the log does NOT extend the checkpoint'
    : report.problems.some((p) => CHAIN_KINDS.has(p.kind))
      ? 'hash chain BROKEN'
      : report.problems.some((p) => p.kind !== 'derived-copy')
        ? "the store's records DISAGREE with its events"
        : 'derived copies DIFFER from the hashed data';

export const registerAuditCommands = (program: Command): void => {
  program
    .command('verify')
    .description(
      'Audit the log read-only: every hash chain, the streams rows, the Merkle tree, the copies folds read; with --checkpoint, that the log extends it. Exit 0 verified, 1 broken, 2 bad input, 3 store unreadable, 4 not extending the checkpoint, 5 the checkpoint signature fails',
    )
    .option('--negotiation <id>', 'only this negotiation (the tree and checkpoint still cover the whole log)')
    .option('--checkpoint <file>', 'a signed checkpoint saved earlier: prove the current log extends it')
    .option('--key <file>', "the log's public key (verifier key format); default: this data directory's key")
    .action(
      action(async (options: { negotiation?: string; checkpoint?: string; key?: string }) => {
        const config = cliConfig();
        requireStore(config);
        const checkpoint =
          options.checkpoint === undefined
            ? undefined
            : checkpointFrom(options.checkpoint, verifierFor(config, options.key));
        const report =
          config.eventStoreUrl === undefined
            ? auditStoreFile(join(config.dataDir, STORE_FILE_NAME), options.negotiation, checkpoint)
            : await auditThroughPort(options.negotiation, checkpoint);
        if (report.problems.length > 0)
          throw new CliFailure(
            `${headingFor(report)}\n${report.problems.map(describeProblem).join('\n')}`,
            exitFor(report),
          );
        const extended =
          report.checkpoint === undefined
            ? ''
            : `; the log extends the checkpoint of ${report.checkpoint.size} events`;
        console.log(
          `hash chain verified: ${report.events} events in ${report.negotiations} negotiation(s); the streams rows, the Merkle tree and the copies folds read agree with them${extended}`,
        );
      }),
    );

  program
    .command('checkpoint')
    .description("Sign a checkpoint of the log's Merkle tree (C2SP tlog-checkpoint) and save it")
    .option('--out <file>', 'write it to this file (default: standard output)')
    .option('--key-out <file>', "also write the log's public key (verifier key format) to this file")
    .option('--since <file>', 'an older checkpoint: also write the proof that this one extends it')
    .option('--proof-out <file>', 'where the consistency proof goes (with --since)')
    .action(
      action(async (options: { out?: string; keyOut?: string; since?: string; proofOut?: string }) => {
        if ((options.since === undefined) !== (options.proofOut === undefined))
          throw new CliFailure('--since and --proof-out go together', EXIT.usage);
        const config = cliConfig();
        // Before the key is loaded, which would create one (and DATA_DIR) where there is no store.
        requireStore(config);
        const signer = loadSigner(config);
        const older =
          options.since === undefined
            ? undefined
            : checkpointFrom(options.since, keyFromText(signer.verifierKey));
        await withStore(async ({ store }) => {
          const checkpoint = await currentCheckpoint(store, signer)();
          if (E.isLeft(checkpoint)) throw new CliFailure(JSON.stringify(checkpoint.left), EXIT.storeFailure);
          if (older !== undefined && options.proofOut !== undefined) {
            const proof = await proveConsistency(store, older.size, checkpoint.right.size)();
            if (E.isLeft(proof))
              throw new CliFailure(
                proof.left._tag === 'TreeSizeOutOfRange'
                  ? `the log no longer extends ${options.since}: it holds fewer events than that checkpoint's ${older.size} (truncated); nothing written`
                  : `no consistency proof from ${options.since}: ${JSON.stringify(proof.left)}`,
                proof.left._tag === 'TreeSizeOutOfRange' ? EXIT.notExtended : EXIT.storeFailure,
              );
            // The proof is checked before anything is written: a store rewritten since the older checkpoint
            // has no proof that holds, and saying "written" would hide it until someone verified.
            if (!extendsTree(older, checkpoint.right, proof.right))
              throw new CliFailure(
                `the log no longer extends ${options.since}: what was recorded before its ${older.size} events was rewritten, truncated or reordered since; nothing written`,
                EXIT.notExtended,
              );
            writeFileSync(options.proofOut, `${JSON.stringify(proof.right, null, 2)}\n`);
          }
          if (options.keyOut !== undefined) writeFileSync(options.keyOut, `${signer.verifierKey}\n`);
          if (options.out === undefined) process.stdout.write(checkpoint.right.note);
          else {
            writeFileSync(options.out, checkpoint.right.note);
            console.log(`checkpoint of ${checkpoint.right.size} events written to ${options.out}`);
          }
        });
      }),
    );

  program
    .command('verify-proof')
    .description(
      'Offline: check a checkpoint signature, an inclusion proof (GET /events/{id}/proof) or a consistency proof (GET /checkpoint/consistency, checkpoint --since), with only the public key and the files. Exit 0 verified, 2 bad input, 5 does not verify',
    )
    .requiredOption('--key <file>', "the log's public key (verifier key format, GET /checkpoint/key)")
    .requiredOption('--checkpoint <file>', 'a signed checkpoint')
    .option('--inclusion <file>', 'an inclusion proof for the checkpoint tree size (with --event)')
    .option(
      '--event <file>',
      'the event the inclusion proof is about, as recorded (GET /negotiations/{id}/events/{eventId})',
    )
    .option('--since <file>', 'an older checkpoint that the checkpoint should extend')
    .option('--consistency <file>', 'the consistency proof from --since to --checkpoint')
    .action(
      action(
        (options: {
          key: string;
          checkpoint: string;
          inclusion?: string;
          event?: string;
          since?: string;
          consistency?: string;
        }) => {
          if ((options.since === undefined) !== (options.consistency === undefined))
            throw new CliFailure('--since and --consistency go together', EXIT.usage);
          // A proof names its event only by its own say: the event's bytes are what bind it.
          if ((options.inclusion === undefined) !== (options.event === undefined))
            throw new CliFailure('--inclusion and --event go together', EXIT.usage);
          const key = keyFrom(options.key);
          const checkpoint = checkpointFrom(options.checkpoint, key);
          console.log(`checkpoint signed by ${key.name}: ${checkpoint.size} events`);
          if (options.inclusion !== undefined) {
            const proof = readJson(options.inclusion, 'inclusion proof', (u) =>
              InclusionProofDocument.decode(u),
            );
            bindEvent(proof, options.event ?? '');
            const holds =
              proof.treeSize === checkpoint.size &&
              verifyInclusion(
                proof.leafIndex,
                checkpoint.size,
                eventLeafHash(proof.eventHash),
                hashesOf(proof.proof),
                checkpoint.rootHash,
              );
            if (!holds)
              throw new CliFailure(
                `the inclusion proof does not verify: event ${proof.eventId} with hash ${proof.eventHash} is not leaf ${proof.leafIndex} of this checkpoint's tree`,
                EXIT.proofInvalid,
              );
            console.log(`event ${proof.eventId} (hash ${proof.eventHash}) is leaf ${proof.leafIndex} of it`);
          }
          if (options.since !== undefined && options.consistency !== undefined) {
            const older = checkpointFrom(options.since, key);
            const proof = readJson(options.consistency, 'consistency proof', (u) =>
              ConsistencyProofDocument.decode(u),
            );
            if (!extendsTree(older, checkpoint, proof))
              throw new CliFailure(
                `the consistency proof does not verify: the log of ${checkpoint.size} events does not extend the one of ${older.size}`,
                EXIT.proofInvalid,
              );
            console.log(
              `it extends the checkpoint of ${older.size} events: nothing recorded before that changed`,
            );
          }
          return Promise.resolve();
        },
      ),
    );
};

/** Whether a consistency proof shows the newer tree extends the older one (sizes as the proof names them). */
const extendsTree = (
  older: { readonly size: number; readonly rootHash: Buffer },
  newer: { readonly size: number; readonly rootHash: Buffer },
  proof: ConsistencyProofDocument,
): boolean =>
  proof.from === older.size &&
  proof.to === newer.size &&
  verifyConsistency(older.size, newer.size, hashesOf(proof.proof), older.rootHash, newer.rootHash);

const hashesOf = (proof: readonly string[]): Buffer[] => proof.map((hash) => Buffer.from(hash, 'base64'));

/**
 * Holds an inclusion proof to the event it names: the event given (as recorded) must be that event, its hash must
 * be what its own canonical bytes hash to, and be the hash the proof's leaf is made of. Otherwise a proof of one
 * event relabelled with another's id would verify.
 */
const bindEvent = (proof: InclusionProofDocument, file: string): void => {
  const given = readJson(file, 'event', (u) => {
    const { position: _position, ...recorded } = (typeof u === 'object' && u !== null ? u : {}) as Record<
      string,
      unknown
    >;
    return decodeStoredEvent(recorded, 0);
  });
  const mismatch =
    given.id !== proof.eventId
      ? `the event in ${file} is ${given.id}, the proof is about ${proof.eventId}`
      : !hashVerifies(given)
        ? `the event ${given.id} in ${file} does not hash to its own recorded hash (its content was altered)`
        : given.hash !== proof.eventHash
          ? `the event ${given.id} hashes to ${given.hash}, the proof's leaf is made of ${proof.eventHash}`
          : proof.leafHash !== undefined && proof.leafHash !== eventLeafHash(given.hash).toString('hex')
            ? `the proof's leaf hash ${proof.leafHash} is not the leaf of the event's hash`
            : undefined;
  if (mismatch !== undefined)
    throw new CliFailure(`the inclusion proof does not verify: ${mismatch}`, EXIT.proofInvalid);
};

const keyFromText = (text: string): VerifierKey => {
  const key = parseVerifierKey(text);
  if (E.isLeft(key)) throw new CliFailure(key.left.reason, EXIT.refused);
  return key.right;
};
