import * as E from 'fp-ts/Either';
import { KeyObject, createHash, createPublicKey, sign, verify } from 'node:crypto';

/**
 * C2SP signed notes (c2sp.org/signed-note) carrying tlog checkpoints (c2sp.org/tlog-checkpoint): the text, a
 * blank line, then "— <key name> base64(key ID || Ed25519 signature)". Outside tools (Go's sumdb/note, the
 * transparency-dev witnesses) read the same bytes.
 */
const ED25519 = 0x01;
const EM_DASH = '\u2014';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  /** The RFC 6962 root of the first `size` leaves. */
  readonly rootHash: Buffer;
}

/** A public key as a verifier holds it: its name and the raw 32-byte Ed25519 key. */
export interface VerifierKey {
  readonly name: string;
  readonly publicKey: Buffer;
}

export type NoteProblem = { readonly _tag: 'NoteProblem'; readonly reason: string };
const problem = (reason: string): E.Either<NoteProblem, never> => E.left({ _tag: 'NoteProblem', reason });

/** key ID = SHA-256(key name || 0x0A || 0x01 || public key)[:4], as the spec recommends for Ed25519. */
export const keyId = (key: VerifierKey): Buffer =>
  createHash('sha256')
    .update(key.name)
    .update(Buffer.from([0x0a, ED25519]))
    .update(key.publicKey)
    .digest()
    .subarray(0, 4);

/** The verifier key text of Go's note package: "<name>+<key ID hex>+base64(0x01 || public key)". */
export const formatVerifierKey = (key: VerifierKey): string =>
  `${key.name}+${keyId(key).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), key.publicKey]).toString('base64')}`;

export const parseVerifierKey = (text: string): E.Either<NoteProblem, VerifierKey> => {
  // Names hold no "+", the key ID is hex; base64 may hold "+", so only the first two separate.
  const match = /^([^+\s]+)\+([0-9a-fA-F]{8})\+([A-Za-z0-9+/=]+)$/.exec(text.trim());
  const [, name, id, encoded] = match ?? [];
  if (name === undefined || id === undefined || encoded === undefined)
    return problem('a verifier key is "<name>+<key id>+<base64 key>"');
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length !== 33 || bytes[0] !== ED25519) return problem('the verifier key is not an Ed25519 key');
  const key = { name, publicKey: bytes.subarray(1) };
  return keyId(key).toString('hex') === id.toLowerCase()
    ? E.right(key)
    : problem('the verifier key ID does not match its name and key');
};

export const validKeyName = (name: string): boolean => name.length > 0 && !/[\s+]/u.test(name);

export const checkpointText = (checkpoint: Checkpoint): string =>
  `${checkpoint.origin}\n${checkpoint.size}\n${checkpoint.rootHash.toString('base64')}\n`;

/** Signs a note's text (ending in a newline) with the private half of `key`. */
export const signNote = (text: string, key: VerifierKey, privateKey: KeyObject): string => {
  const signature = sign(null, Buffer.from(text, 'utf8'), privateKey);
  return `${text}\n${EM_DASH} ${key.name} ${Buffer.concat([keyId(key), signature]).toString('base64')}\n`;
};

export const signCheckpoint = (checkpoint: Checkpoint, key: VerifierKey, privateKey: KeyObject): string =>
  signNote(checkpointText(checkpoint), key, privateKey);

const publicKeyObject = (raw: Buffer): KeyObject =>
  createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });

/** The note's text, once its signature by `key` verifies (signatures by other keys are ignored, as the spec says). */
export const openNote = (note: string, key: VerifierKey): E.Either<NoteProblem, string> => {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return problem('not a signed note: no blank line before signatures');
  if ([...note].some((c) => c < ' ' && c !== '\n')) return problem('the note holds control characters');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  const id = keyId(key);
  let verified = false;
  for (const line of lines) {
    const match = new RegExp(`^${EM_DASH} (\\S+) (\\S+)$`, 'u').exec(line);
    if (match === null) return problem(`not a signature line: ${JSON.stringify(line)}`);
    const [, name, encoded] = match;
    const bytes = Buffer.from(encoded ?? '', 'base64');
    if (name !== key.name || bytes.length < 4 || !bytes.subarray(0, 4).equals(id)) continue;
    if (!verify(null, Buffer.from(text, 'utf8'), publicKeyObject(key.publicKey), bytes.subarray(4)))
      return problem(
        `the signature by ${key.name} does not verify: the note was altered or signed by another key`,
      );
    verified = true;
  }
  return verified ? E.right(text) : problem(`the note carries no signature by ${key.name}`);
};

/** Checks the note's signature by `key`, then reads the checkpoint its text holds. */
export const openCheckpoint = (note: string, key: VerifierKey): E.Either<NoteProblem, Checkpoint> => {
  const text = openNote(note, key);
  if (E.isLeft(text)) return text;
  const [origin, size, root] = text.right.split('\n');
  if (origin === undefined || origin === '' || size === undefined || root === undefined)
    return problem('a checkpoint has an origin, a tree size and a root hash');
  if (!/^(0|[1-9]\d{0,15})$/.test(size) || !Number.isSafeInteger(Number(size)))
    return problem('the tree size is not a decimal number');
  const rootHash = Buffer.from(root, 'base64');
  if (rootHash.length !== 32 || rootHash.toString('base64') !== root)
    return problem('the root hash is not 32 bytes of base64');
  return E.right({ origin, size: Number(size), rootHash });
};
