import { KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { VerifierKey } from './signed-note';

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly verifier: VerifierKey;
  /** True when this call generated the key (first start). */
  readonly created: boolean;
}

const rawPublicKey = (privateKey: KeyObject): Buffer => {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url');
};

/**
 * The log's Ed25519 key from its PEM file, or a new one written there readable by this user alone (0600). The
 * exclusive create means two processes starting at once end up with the one key.
 */
export const loadOrCreateSigningKey = (file: string, name: string): SigningKey => {
  let created = false;
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(file), { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
      created = true;
    } catch (raced) {
      if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
    }
    pem = readFileSync(file, 'utf8');
  }
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error(`${file} does not hold an Ed25519 private key`);
  return { privateKey, verifier: { name, publicKey: rawPublicKey(privateKey) }, created };
};

/** The public half of an existing key file, or undefined when there is none (nothing is created). */
export const readVerifierKey = (file: string, name: string): VerifierKey | undefined => {
  if (!existsSync(file)) return undefined;
  return { name, publicKey: rawPublicKey(createPrivateKey(readFileSync(file, 'utf8'))) };
};
