/**
 * TOTP second factor (RFC 6238: SHA-1, 6 digits, 30-second steps, as every authenticator app reads them) via the
 * otpauth library, with the shared secret encrypted at rest (AES-256-GCM under a key derived from TOKEN_SECRET), replay
 * refusal (a step is accepted once) and one-time recovery codes. Time comes from the caller.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

export const TOTP_PERIOD_SECONDS = 30;
const ISSUER = 'cpt-exam';

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function otpauthUrl(secretBase32: string, username: string): string {
  return new TOTP({ issuer: ISSUER, label: username, secret: Secret.fromBase32(secretBase32), period: TOTP_PERIOD_SECONDS }).toString();
}

/** The code an authenticator shows at `at` (tests and the enrolment check use it). */
export function totpCode(secretBase32: string, at: Date): string {
  return TOTP.generate({ secret: Secret.fromBase32(secretBase32), period: TOTP_PERIOD_SECONDS, timestamp: at.getTime() });
}

/**
 * The step a code belongs to, accepting the previous and next step for clock drift; null when the code is wrong or
 * its step is not after `lastStep` (a code seen once is never accepted again).
 */
export function acceptTotp(secretBase32: string, code: string, at: Date, lastStep: number | null): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = TOTP.validate({ token, secret: Secret.fromBase32(secretBase32), period: TOTP_PERIOD_SECONDS, timestamp: at.getTime(), window: 1 });
  if (delta === null) return null;
  const step = Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS) + delta;
  return lastStep !== null && step <= lastStep ? null : step;
}

function keyFrom(tokenSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', tokenSecret, 'cpt-exam', 'mfa-secret-encryption', 32));
}

export function encryptSecret(tokenSecret: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(tokenSecret), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), data.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

export function decryptSecret(tokenSecret: string, sealed: string): string {
  const [v, iv, data, tag] = sealed.split('.');
  if (v !== 'v1' || !iv || !data || !tag) throw new Error('unreadable MFA secret');
  const decipher = createDecipheriv('aes-256-gcm', keyFrom(tokenSecret), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

const RECOVERY_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
export const RECOVERY_CODE_COUNT = 10;

/** Ten codes of 12 characters (about 59 bits each), shown once as xxxx-xxxx-xxxx. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const c = Array.from(randomBytes(12), (b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('');
    return `${c.slice(0, 4)}-${c.slice(4, 8)}-${c.slice(8)}`;
  });
}

export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^0-9a-z]/g, '');
}

export function hashRecoveryCode(tokenSecret: string, code: string): string {
  return createHmac('sha256', tokenSecret).update(`recovery:${normalizeRecoveryCode(code)}`).digest('base64url');
}
