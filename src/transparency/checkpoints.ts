import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import { EventStore } from '../store';
import { ProofError, TreeHead, treeHead } from './log-proofs';
import { formatVerifierKey, signCheckpoint } from './signed-note';
import { SigningKey } from './signing-key';

/** Signs the log's tree heads under its origin (the key's name, as tlog-checkpoint recommends). */
export interface CheckpointSigner {
  readonly origin: string;
  /** The public key in the verifier key format, to keep wherever checkpoints are checked. */
  readonly verifierKey: string;
  sign(head: TreeHead): string;
}

export const checkpointSigner = (key: SigningKey): CheckpointSigner => ({
  origin: key.verifier.name,
  verifierKey: formatVerifierKey(key.verifier),
  sign: (head) => signCheckpoint({ origin: key.verifier.name, ...head }, key.verifier, key.privateKey),
});

export interface SignedCheckpoint {
  readonly size: number;
  /** The root the note signs, for checking proofs against it without reading the note back. */
  readonly rootHash: Buffer;
  readonly note: string;
}

/** A signed checkpoint of the log as it stands. */
export const currentCheckpoint = (
  store: EventStore,
  signer: CheckpointSigner,
): TE.TaskEither<ProofError, SignedCheckpoint> =>
  pipe(
    treeHead(store),
    TE.map((head) => ({ size: head.size, rootHash: head.rootHash, note: signer.sign(head) })),
  );
