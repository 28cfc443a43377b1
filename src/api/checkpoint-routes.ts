import { Router } from 'express';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { Uuid, describedAs, strictObject } from '../domain';
import { EventStore } from '../store';
import {
  CheckpointSigner,
  ProofError,
  currentCheckpoint,
  proveConsistency,
  proveInclusion,
} from '../transparency';
import { decodeQuery } from './http-inputs';
import { Problem, notFoundProblem, sendProblem, validationProblem } from './problem';
import { problemType } from './problem-types';
import { methodNotAllowed } from './route-support';

const TreeSize = (name: string) =>
  describedAs(
    new t.Type<number, string, unknown>(
      name,
      (u): u is number => typeof u === 'number',
      (u, c) =>
        typeof u === 'string' && /^(0|[1-9]\d{0,15})$/.test(u) && Number.isSafeInteger(Number(u))
          ? t.success(Number(u))
          : t.failure(u, c, 'must be a tree size: a whole number, 0 or more'),
      String,
    ),
    { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  );

export const ProofParams = strictObject('ProofParams', {}, { treeSize: TreeSize('treeSize') });
export const ConsistencyParams = strictObject(
  'ConsistencyParams',
  { from: TreeSize('from') },
  { to: TreeSize('to') },
);

const problemOf = (error: ProofError): Problem => {
  switch (error._tag) {
    case 'EventNotFound':
      return notFoundProblem(`No event ${error.eventId} has been recorded.`, 'eventId');
    case 'TreeSizeOutOfRange':
      return validationProblem([{ field: error.field, reason: error.reason }]);
    case 'TreeUnavailable':
      return {
        type: problemType('no-tree'),
        title: 'No tree',
        status: 501,
        detail: 'This store keeps no Merkle tree of its log.',
      };
    case 'StoreFailure':
      return {
        type: problemType('store-unavailable'),
        title: 'Store unavailable',
        status: 503,
        detail: error.message,
      };
    default: {
      const exhaustive: never = error;
      return exhaustive;
    }
  }
};

/**
 * The log made checkable from outside: signed checkpoints of its Merkle tree (C2SP tlog-checkpoint), the key
 * that signs them, and inclusion and consistency proofs against any checkpoint's tree size.
 */
export const checkpointRoutes = (store: EventStore, signer: CheckpointSigner): Router => {
  const router = Router();

  router.get('/checkpoint', async (_req, res) => {
    const checkpoint = await currentCheckpoint(store, signer)();
    if (E.isLeft(checkpoint)) return sendProblem(res, problemOf(checkpoint.left));
    res.type('text/plain; charset=utf-8').set('Cache-Control', 'no-store').send(checkpoint.right.note);
  });
  router.get('/checkpoint/key', (_req, res) => {
    res.type('text/plain; charset=utf-8').send(`${signer.verifierKey}\n`);
  });
  router.get('/checkpoint/consistency', async (req, res) => {
    const params = decodeQuery(ConsistencyParams, req.query);
    if (E.isLeft(params))
      return sendProblem(res, validationProblem(params.left, 'Invalid query parameters.'));
    const proof = await proveConsistency(store, params.right.from, params.right.to)();
    if (E.isLeft(proof)) return sendProblem(res, problemOf(proof.left));
    res.json(proof.right);
  });
  router.get('/events/:eventId/proof', async (req, res) => {
    const id = Uuid.decode(req.params['eventId']);
    if (E.isLeft(id))
      return sendProblem(res, validationProblem([{ field: 'eventId', reason: 'must be a UUID' }]));
    const params = decodeQuery(ProofParams, req.query);
    if (E.isLeft(params))
      return sendProblem(res, validationProblem(params.left, 'Invalid query parameters.'));
    const proof = await proveInclusion(store, id.right, params.right.treeSize)();
    if (E.isLeft(proof)) return sendProblem(res, problemOf(proof.left));
    res.json(proof.right);
  });
  for (const path of ['/checkpoint', '/checkpoint/key', '/checkpoint/consistency', '/events/:eventId/proof'])
    router.all(path, methodNotAllowed('GET'));
  return router;
};
