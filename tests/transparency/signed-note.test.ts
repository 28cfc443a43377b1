import * as E from 'fp-ts/Either';
import { createPrivateKey } from 'node:crypto';
import {
  formatVerifierKey,
  keyId,
  openCheckpoint,
  openNote,
  parseVerifierKey,
  signCheckpoint,
  signNote,
} from '../../src/transparency';
import { unwrap } from '../support/builders';

/**
 * The reference vector of Go's golang.org/x/mod/sumdb/note (its package documentation): a verifier key, the
 * private key it belongs to, and a note signed by it. Matching it byte for byte means Go's verifiers, and the
 * transparency-dev witnesses built on them, read our checkpoints.
 */
const GO_VERIFIER_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_PRIVATE_KEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const goPrivateKey = (key: ReturnType<typeof parseVerifierKey>) => {
  const seed = Buffer.from(GO_PRIVATE_KEY.split('+').slice(4).join('+'), 'base64').subarray(1);
  return createPrivateKey({
    key: {
      kty: 'OKP',
      crv: 'Ed25519',
      d: seed.toString('base64url'),
      x: unwrap(key).publicKey.toString('base64url'),
    },
    format: 'jwk',
  });
};

describe('C2SP signed notes', () => {
  it("reads Go's verifier key, with the key ID the spec derives, and writes it back the same", () => {
    const key = unwrap(parseVerifierKey(GO_VERIFIER_KEY));
    expect(key.name).toBe('PeterNeumann');
    expect(keyId(key).toString('hex')).toBe('c74f20a3');
    expect(formatVerifierKey(key)).toBe(GO_VERIFIER_KEY);
    expect(E.isLeft(parseVerifierKey(GO_VERIFIER_KEY.replace('c74f20a3', 'c74f20a4')))).toBe(true);
  });

  it("opens Go's signed note, and signs its text to the very same bytes", () => {
    const parsed = parseVerifierKey(GO_VERIFIER_KEY);
    const key = unwrap(parsed);
    expect(unwrap(openNote(GO_NOTE, key))).toBe(GO_TEXT);
    expect(signNote(GO_TEXT, key, goPrivateKey(parsed))).toBe(GO_NOTE);
    expect(E.isLeft(openNote(GO_NOTE.replace('cryptography', 'cryptographY'), key))).toBe(true);
  });

  it('ignores signatures by other keys, and refuses a note signed by none it knows', () => {
    const parsed = parseVerifierKey(GO_VERIFIER_KEY);
    const key = unwrap(parsed);
    const other = `${GO_NOTE}\u2014 someone.else/log AAAAAAAA\n`;
    expect(unwrap(openNote(other, key))).toBe(GO_TEXT);
    expect(openNote(GO_NOTE, { ...key, name: 'Someone' })).toEqual(
      E.left(expect.objectContaining({ reason: 'the note carries no signature by Someone' })),
    );
    const checkpoint = signCheckpoint(
      { origin: 'PeterNeumann', size: 3, rootHash: Buffer.alloc(32, 7) },
      key,
      goPrivateKey(parsed),
    );
    expect(unwrap(openCheckpoint(checkpoint, key))).toEqual({
      origin: 'PeterNeumann',
      size: 3,
      rootHash: Buffer.alloc(32, 7),
    });
    expect(openCheckpoint(GO_NOTE, key)).toEqual(
      E.left(expect.objectContaining({ reason: expect.stringMatching(/tree size/) })),
    );
  });
});
