import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import * as t from 'io-ts';
import {
  EventStore,
  LogTreeSnapshot,
  StoreFailure,
  consistencyProof,
  eventLeafHash,
  inclusionProof,
  rootAt,
} from '../store';

/** What a proof request can meet besides a store failure; the HTTP edge maps each to a problem. */
export type ProofError =
  | { readonly _tag: 'TreeUnavailable' }
  | { readonly _tag: 'EventNotFound'; readonly eventId: string }
  | { readonly _tag: 'TreeSizeOutOfRange'; readonly field: string; readonly reason: string }
  | StoreFailure;

export interface TreeHead {
  readonly size: number;
  readonly rootHash: Buffer;
}

const Hashes = t.readonlyArray(t.string);

/** An inclusion proof as served and saved: enough, with a checkpoint of `treeSize`, to check offline. */
export const InclusionProofDocument = t.readonly(
  t.intersection([
    t.type({
      eventId: t.string,
      leafIndex: t.number,
      treeSize: t.number,
      /** The event's stored hash (hex): what its canonical bytes hash to; the leaf is made of it. */
      eventHash: t.string,
      proof: Hashes,
    }),
    // Absent from proofs saved before it was given; checked against eventHash when present.
    t.partial({
      /** The leaf itself (hex): SHA-256(0x00 || the event hash's 32 bytes). */
      leafHash: t.string,
    }),
  ]),
);
export type InclusionProofDocument = t.TypeOf<typeof InclusionProofDocument>;

export const ConsistencyProofDocument = t.readonly(t.type({ from: t.number, to: t.number, proof: Hashes }));
export type ConsistencyProofDocument = t.TypeOf<typeof ConsistencyProofDocument>;

const base64 = (hashes: readonly Buffer[]) => hashes.map((hash) => hash.toString('base64'));

const onTree = <A>(store: EventStore, read: (tree: LogTreeSnapshot) => E.Either<ProofError, A>) =>
  store.readTree === undefined
    ? TE.left<ProofError, A>({ _tag: 'TreeUnavailable' })
    : pipe(
        store.readTree(read),
        TE.mapLeft((failure): ProofError => failure),
        TE.chainEitherK((answer) => answer),
      );

const sizeWithin = (field: string, size: number | undefined, tree: LogTreeSnapshot, least = 0) => {
  const chosen = size ?? tree.size;
  return chosen > tree.size
    ? E.left<ProofError, number>({
        _tag: 'TreeSizeOutOfRange',
        field,
        reason: `must not exceed the log's current tree size, ${tree.size}`,
      })
    : chosen < least
      ? E.left<ProofError, number>({ _tag: 'TreeSizeOutOfRange', field, reason: `must be at least ${least}` })
      : E.right<ProofError, number>(chosen);
};

export const treeHead = (store: EventStore): TE.TaskEither<ProofError, TreeHead> =>
  onTree(store, (tree) => E.right({ size: tree.size, rootHash: rootAt(tree, tree.size) }));

/** The path from an event's leaf to the root of the tree of `treeSize` leaves (default: the current tree). */
export const proveInclusion = (
  store: EventStore,
  eventId: string,
  treeSize?: number,
): TE.TaskEither<ProofError, InclusionProofDocument> =>
  onTree(store, (tree) => {
    const leaf = tree.leafOf(eventId);
    if (leaf === undefined) return E.left({ _tag: 'EventNotFound', eventId });
    return pipe(
      sizeWithin('treeSize', treeSize, tree, leaf.index + 1),
      E.map((size) => ({
        eventId,
        leafIndex: leaf.index,
        treeSize: size,
        eventHash: leaf.eventHash,
        leafHash: eventLeafHash(leaf.eventHash).toString('hex'),
        proof: base64(inclusionProof(tree, leaf.index, size)),
      })),
    );
  });

/** What shows the tree of `from` leaves is a prefix of the tree of `to` (default: the current tree). */
export const proveConsistency = (
  store: EventStore,
  from: number,
  to?: number,
): TE.TaskEither<ProofError, ConsistencyProofDocument> =>
  onTree(store, (tree) =>
    pipe(
      sizeWithin('to', to, tree, from),
      E.map((size) => ({ from, to: size, proof: base64(consistencyProof(tree, from, size)) })),
    ),
  );
