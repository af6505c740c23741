/**
 * Module certificates, the full CPT credential and the public verification code format.
 * Rules: docs/scoring-and-certification.md (CPT.md §1.1).
 */
import type { CertificationPolicy } from '../../../../../shared/certification-policy.ts';
import type { ModuleCode } from '../../../../../shared/vocabulary.ts';
import { addYears, localDateOf, startOfLocalDay, type CivilDate } from '../../../../../shared/civil-date.ts';

/** Fallback display names; the service may pass the bank's own module titles instead. */
export const MODULE_TITLES: Record<ModuleCode, string> = {
  SAF: 'Safety',
  QPM: 'Quality Practices & Measurement',
  MPP: 'Manufacturing Processes & Production',
  MA: 'Maintenance Awareness',
  GRN: 'Green Production',
};

export interface CredentialDates {
  issuedAt: Date;
  /** First instant at which the credential is no longer valid: the start of `expiresOn` in the zone. */
  expiresAt: Date;
  /** Local date of issue. */
  issuedOn: CivilDate;
  /** issuedOn + validity years (29 February → 28 February in a common year); not valid on this date. */
  expiresOn: CivilDate;
  /** The last local date on which the credential is valid (the day before expiresOn). */
  validThrough: CivilDate;
}

/**
 * A credential issued at `issuedAt` (a module pass, or the pass that completed the full CPT) is valid from that
 * instant until the start of the local date `policy.credentialValidityYears` years after the local date of issue, in
 * `timeZone` (the test center's zone; default UTC). Example: passed 2026-03-02 14:00 in America/Chicago → expires at
 * 2031-03-02 00:00 America/Chicago, valid through 2031-03-01.
 */
export function moduleCertificateDates(passedAt: Date, policy: CertificationPolicy, timeZone = 'UTC'): CredentialDates {
  const issuedOn = localDateOf(passedAt, timeZone);
  const expiresOn = addYears(issuedOn, policy.credentialValidityYears);
  const expiresAt = startOfLocalDay(expiresOn, timeZone);
  return { issuedAt: passedAt, expiresAt, issuedOn, expiresOn, validThrough: localDateOf(new Date(expiresAt.getTime() - 1), timeZone) };
}

/** Valid at `at`: issued, not yet expired, not revoked. */
export function isCredentialValid(c: { issuedAt: Date; expiresAt: Date; revoked?: boolean }, at: Date): boolean {
  return !c.revoked && c.issuedAt.getTime() <= at.getTime() && at.getTime() < c.expiresAt.getTime();
}

// ---------------------------------------------------------------------------------------------------------------
// Full CPT

export interface ModulePass {
  module: ModuleCode;
  passedAt: Date;
  /** Zone of the test center where the module was passed; its local date is what counts. Default UTC. */
  timeZone?: string;
}

export type FullCptStatus =
  | { complete: false; missing: ModuleCode[]; windowNote?: string }
  | {
      complete: true;
      /** The pass of each required module that makes up the credential. */
      modules: Record<ModuleCode, Date>;
      issuedAt: Date;
      expiresAt: Date;
      issuedOn: CivilDate;
      expiresOn: CivilDate;
      validThrough: CivilDate;
    };

interface DatedPass {
  module: ModuleCode;
  passedAt: Date;
  timeZone: string;
  on: CivilDate;
}

/**
 * The full CPT is complete when every required module has a pass such that the latest of the chosen passes falls on
 * or before the local date `fullCptWindowYears` years after the earliest (addYears, 29 Feb → 28 Feb). Among all
 * combinations that work, the one completed latest is chosen (ties: the latest passes of the other modules), so the
 * status describes the most recent credential. It is issued at the completing pass and expires like a module
 * certificate issued then (in that pass's zone). Green Production and other optional modules are ignored.
 * Passes are taken as given: the service passes only passes up to the moment it is asking about.
 */
export function fullCptStatus(passes: ModulePass[], policy: CertificationPolicy, moduleTitles: Partial<Record<ModuleCode, string>> = {}): FullCptStatus {
  const required = policy.requiredModules;
  const byModule = new Map<ModuleCode, DatedPass[]>(required.map((m) => [m, []]));
  for (const p of passes) {
    const tz = p.timeZone ?? 'UTC';
    byModule.get(p.module)?.push({ module: p.module, passedAt: p.passedAt, timeZone: tz, on: localDateOf(p.passedAt, tz) });
  }
  for (const list of byModule.values()) list.sort((a, b) => a.passedAt.getTime() - b.passedAt.getTime());
  const missing = required.filter((m) => byModule.get(m)!.length === 0);
  if (missing.length > 0) return { complete: false, missing };

  const all = [...byModule.values()].flat().sort((a, b) => b.passedAt.getTime() - a.passedAt.getTime());
  for (const last of all) {
    // The latest pass of every other required module that is not after `last`.
    const chosen: DatedPass[] = [];
    for (const m of required) {
      if (m === last.module) chosen.push(last);
      else {
        const candidates = byModule.get(m)!.filter((p) => p.passedAt.getTime() <= last.passedAt.getTime());
        const pick = candidates[candidates.length - 1];
        if (!pick) break;
        chosen.push(pick);
      }
    }
    if (chosen.length !== required.length) continue;
    const earliest = chosen.reduce((a, b) => (b.on < a.on ? b : a));
    const latestOn = chosen.reduce((a, b) => (b.on > a.on ? b : a)).on;
    if (latestOn > addYears(earliest.on, policy.fullCptWindowYears)) continue;
    const dates = moduleCertificateDates(last.passedAt, policy, last.timeZone);
    return {
      complete: true,
      modules: Object.fromEntries(chosen.map((p) => [p.module, p.passedAt])) as Record<ModuleCode, Date>,
      ...dates,
    };
  }

  // Every module is passed, but never all within the window: name the modules whose latest pass is too long before
  // the most recent pass.
  const newest = all.reduce((a, b) => (b.on > a.on ? b : a));
  const stale = required.filter((m) => newest.on > addYears(byModule.get(m)!.at(-1)!.on, policy.fullCptWindowYears));
  const title = (m: ModuleCode) => moduleTitles[m] ?? MODULE_TITLES[m];
  const list = stale.map((m) => `${title(m)} (${byModule.get(m)!.at(-1)!.on})`).join(', ');
  return {
    complete: false,
    missing: stale,
    windowNote:
      `All ${required.length} required modules must be passed within ${policy.fullCptWindowYears} years of each other. ` +
      `Your most recent pass is ${title(newest.module)} on ${newest.on}; ${stale.length === 1 ? 'this pass is' : 'these passes are'} ` +
      `too early to count with it: ${list}.`,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Verification codes

/** Crockford base 32: digits and capitals without I, L, O and U, so no two symbols look alike. */
export const VERIFICATION_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const VERIFICATION_CODE_BYTES = 12;
const CODE_RE = /^CPT-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/** Exact canonical format "CPT-XXXX-XXXX-XXXX" (12 symbols, 60 bits). */
export function isVerificationCode(s: string): boolean {
  return CODE_RE.test(s);
}

/**
 * Formats 12 random bytes (from the service's CSPRNG) as a code: one symbol per byte from its low 5 bits, which is
 * uniform because 256 is a multiple of 32. Extra bytes are ignored.
 */
export function formatVerificationCode(bytes: Uint8Array): string {
  if (bytes.length < VERIFICATION_CODE_BYTES) throw new RangeError(`a verification code needs ${VERIFICATION_CODE_BYTES} random bytes, got ${bytes.length}`);
  let symbols = '';
  for (let i = 0; i < VERIFICATION_CODE_BYTES; i++) symbols += VERIFICATION_ALPHABET[bytes[i]! & 31];
  return `CPT-${symbols.slice(0, 4)}-${symbols.slice(4, 8)}-${symbols.slice(8, 12)}`;
}

/**
 * What a person typed → the canonical code, or null. Ignores case, spaces and dashes, an optional "CPT" prefix, and
 * reads the look-alikes O as 0 and I, L as 1 (Crockford's decoding rule).
 */
export function normalizeVerificationCode(input: string): string | null {
  let s = input.toUpperCase().replace(/[\s-]/g, '');
  if (s.startsWith('CPT')) s = s.slice(3);
  s = s.replace(/O/g, '0').replace(/[IL]/g, '1');
  if (!/^[0-9A-HJKMNP-TV-Z]{12}$/.test(s)) return null;
  return `CPT-${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}`;
}
