/**
 * May this candidate sit this module now? Retake waits in calendar days in the test center's time zone, and no retake
 * for credit while a valid certificate for the module is held. Rules: docs/scoring-and-certification.md (CPT.md §1.5).
 */
import type { CertificationPolicy } from '../../../../../shared/certification-policy.ts';
import type { ModuleCode } from '../../../../../shared/vocabulary.ts';
import { addDays, localDateOf, type CivilDate } from '../../../../../shared/civil-date.ts';
import { isCredentialValid, MODULE_TITLES } from './credentials.ts';
import type { EndReason } from './score-session.ts';

export interface AttemptRecord {
  module: ModuleCode;
  endedAt: Date;
  passed: boolean;
  endReason: EndReason;
  /** Zone of the center where this attempt was taken; its local end date starts the wait. Default: the checking center's zone. */
  timeZone?: string;
  /** An admin placed this result on hold: the module cannot be scheduled until the hold is released or the result voided. */
  onHold?: boolean;
}

export interface ModuleCredentialRecord {
  module: ModuleCode;
  issuedAt: Date;
  expiresAt: Date;
  revoked?: boolean;
}

export type Eligibility =
  | {
      eligible: true;
      /** Which attempt this would be since the last pass (1 when never failed since then). */
      attemptNumber: number;
    }
  | {
      eligible: false;
      code: 'RETAKE_WAIT' | 'ALREADY_CERTIFIED' | 'RESULT_ON_HOLD';
      /** Full sentences for the candidate. */
      reason: string;
      /** RETAKE_WAIT: first local date (YYYY-MM-DD, center's zone) the candidate may sit the module. Otherwise null. */
      nextEligibleDate: string | null;
      /** ALREADY_CERTIFIED only: when the blocking certificate expires. */
      credentialExpiresAt?: Date;
    };

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];
const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

export function ordinal(n: number): string {
  if (n >= 1 && n <= ORDINALS.length) return ORDINALS[n - 1]!;
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

const numberWord = (n: number) => NUMBER_WORDS[n] ?? String(n);
const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

/** The wait after the k-th failure since the last pass (k ≥ 1): retakeWaitDays[min(k, length) − 1]. */
export function retakeWaitDays(policy: CertificationPolicy, failures: number): number {
  const waits = policy.retakeWaitDays;
  return waits[Math.min(failures, waits.length) - 1]!;
}

/**
 * Rules, in order:
 * 0. A result of the module on hold blocks it (RESULT_ON_HOLD, nextEligibleDate null) until the hold is resolved.
 * 1. A valid (issued, unexpired, unrevoked) credential for the module blocks it: ALREADY_CERTIFIED, nextEligibleDate
 *    null, the certificate's last valid day in the reason. A revoked or expired one does not block.
 * 2. k = attempts at the module that did not pass, after the last passed attempt (all of them if never passed);
 *    a terminated attempt counts as a failure. Attempts and credentials after `at` are ignored.
 * 3. k = 0: eligible. Otherwise the latest of those failures ended on local date D (in that attempt's center zone);
 *    the candidate is eligible from local date D + retakeWaitDays(k), compared with today's date in `timeZone`.
 */
export function checkEligibility(args: {
  module: ModuleCode;
  attempts: AttemptRecord[];
  credentials: ModuleCredentialRecord[];
  at: Date;
  timeZone: string;
  policy: CertificationPolicy;
  moduleTitles?: Partial<Record<ModuleCode, string>>;
}): Eligibility {
  const { module, at, timeZone, policy } = args;
  const title = args.moduleTitles?.[module] ?? MODULE_TITLES[module];
  const today = localDateOf(at, timeZone);

  const onHold = args.attempts.find((a) => a.module === module && a.onHold && a.endedAt.getTime() <= at.getTime());
  if (onHold) {
    return {
      eligible: false,
      code: 'RESULT_ON_HOLD',
      reason: `Your ${title} result of ${localDateOf(onHold.endedAt, onHold.timeZone ?? timeZone)} is on hold while it is reviewed. You can schedule ${title} again once the review is finished.`,
      nextEligibleDate: null,
    };
  }

  const held = args.credentials
    .filter((c) => c.module === module && isCredentialValid(c, at))
    .sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime())[0];
  if (held) {
    const validThrough = localDateOf(new Date(held.expiresAt.getTime() - 1), timeZone);
    return {
      eligible: false,
      code: 'ALREADY_CERTIFIED',
      reason:
        `You already hold a valid ${title} certificate (valid through ${validThrough}). ` +
        'A module cannot be retaken for credit while its certificate is valid; you can take it again once the certificate has expired.',
      nextEligibleDate: null,
      credentialExpiresAt: held.expiresAt,
    };
  }

  const past = args.attempts
    .filter((a) => a.module === module && a.endedAt.getTime() <= at.getTime())
    .sort((a, b) => a.endedAt.getTime() - b.endedAt.getTime());
  const passed = (a: AttemptRecord) => a.passed && a.endReason !== 'terminated';
  let lastPass = -1;
  past.forEach((a, i) => {
    if (passed(a)) lastPass = i;
  });
  const failures = past.slice(lastPass + 1);
  const k = failures.length;
  if (k === 0) return { eligible: true, attemptNumber: 1 };

  const last = failures[k - 1]!;
  const wait = retakeWaitDays(policy, k);
  const failedOn: CivilDate = localDateOf(last.endedAt, last.timeZone ?? timeZone);
  const next = addDays(failedOn, wait);
  if (today >= next) return { eligible: true, attemptNumber: k + 1 };

  const what =
    last.endReason === 'terminated'
      ? `Your ${title} exam on ${failedOn} (${ordinal(k)} attempt) was terminated, which counts as a failed attempt.`
      : `You failed ${title} on ${failedOn} (${ordinal(k)} attempt).`;
  const waits = policy.retakeWaitDays;
  const escalated = wait !== waits[0];
  const rule = escalated
    ? ` After ${k >= waits.length ? `${numberWord(waits.length)} or more` : numberWord(k)} failed attempts the waiting period is ${days(wait)}.`
    : '';
  return {
    eligible: false,
    code: 'RETAKE_WAIT',
    reason: `${what}${rule} You can retake it from ${next}.`,
    nextEligibleDate: next,
  };
}
