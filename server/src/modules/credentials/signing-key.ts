/**
 * The program's Open Badges signing key (RSA, RS256: the algorithm OB 3.0 §8.2 makes every verifier support). Loaded
 * from OB_SIGNING_KEY / OB_SIGNING_KEY_FILE, or in development generated once and kept in the data directory (0600),
 * never in the repository. The key id is the RFC 7638 thumbprint of the public key.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config/env.ts';
import { base64url } from './domain/status-list.ts';

export const GENERATED_KEY_FILE = 'ob-signing-key.pem';
const MIN_RSA_BITS = 2048;

export interface PublicJwk {
  kty: 'RSA';
  n: string;
  e: string;
  [k: string]: string;
}

export interface SigningKey {
  kid: string;
  /** The public key as a JWK (no private members), with kid, alg and use. */
  publicJwk: PublicJwk;
  /** A compact JWS (RS256) of the payload; header carries the public key itself so verification works offline. */
  signJwt(payload: object, headerExtras?: Record<string, unknown>): string;
}

function fromPrivateKey(privateKey: KeyObject, source: string): SigningKey {
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error(`${source}: the Open Badges signing key must be an RSA key (RS256), not ${privateKey.asymmetricKeyType}`);
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new Error(`${source}: the RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are needed`);
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' }) as { n: string; e: string };
  // RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace.
  const kid = base64url(createHash('sha256').update(`{"e":"${jwk.e}","kty":"RSA","n":"${jwk.n}"}`).digest());
  const publicJwk: PublicJwk = { kty: 'RSA', n: jwk.n, e: jwk.e, kid, alg: 'RS256', use: 'sig' };
  const enc = (o: object) => base64url(new TextEncoder().encode(JSON.stringify(o)));
  return {
    kid,
    publicJwk,
    signJwt(payload, headerExtras = {}) {
      const input = `${enc({ alg: 'RS256', typ: 'JWT', jwk: publicJwk, ...headerExtras })}.${enc(payload)}`;
      return `${input}.${base64url(sign('sha256', Buffer.from(input), privateKey))}`;
    },
  };
}

function parsePem(pem: string, source: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (e) {
    throw new Error(`${source}: not a readable PEM private key (${(e as Error).message})`);
  }
}

/**
 * Keys are generated straight to PEM and parsed back, never used as the KeyObject generateKeyPairSync returns: on
 * Node 20, reading such a key's details (asymmetricKeyDetails) takes the key's mutex, and a garbage collection inside
 * that call finalizes the finished key-generation job, whose destructor takes the same mutex. The process then hangs
 * with no CPU and no timer firing (it stalled test workers, which build many apps per process). The in-memory key (no
 * data directory) is generated once per process.
 */
const generatePem = (modulusLength: number): string =>
  generateKeyPairSync('rsa', { modulusLength, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }).privateKey;
let ephemeralKey: SigningKey | undefined;

/** Reads (or, in development, creates) the signing key the configuration names. */
export function loadSigningKey(source: Config['signingKey']): SigningKey {
  if (source.kind === 'pem') return fromPrivateKey(parsePem(source.pem, 'OB_SIGNING_KEY'), 'OB_SIGNING_KEY');
  if (source.kind === 'file') {
    let pem: string;
    try {
      pem = readFileSync(source.path, 'utf8');
    } catch (e) {
      throw new Error(`OB_SIGNING_KEY_FILE: cannot read ${source.path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    return fromPrivateKey(parsePem(pem, source.path), source.path);
  }
  if (!source.dir) return (ephemeralKey ??= fromPrivateKey(parsePem(generatePem(MIN_RSA_BITS), 'generated key'), 'generated key'));
  const file = path.join(source.dir, GENERATED_KEY_FILE);
  const existing = readIfExists(file);
  if (existing !== null) return fromPrivateKey(parsePem(existing, file), file);
  mkdirSync(source.dir, { recursive: true });
  const pem = generatePem(3072);
  // Written whole to a temporary file, then linked into place: link fails if the file exists, so two processes
  // starting on one data directory both end up with the first key, and neither ever reads a half-written file.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, pem, { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
  return fromPrivateKey(parsePem(readFileSync(file, 'utf8'), file), file);
}

function readIfExists(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
