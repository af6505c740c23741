/**
 * The password policy (ASVS 5.0 V6.2): a minimum length (12 for staff, 10 for candidates; a passphrase of spaces
 * and words is welcome), a maximum well above 64, no composition rules, and refusal of passwords that are on the list
 * of common and breached passwords shipped with the product or that are built from the account's own name or the
 * product's. Pure: the caller passes the list.
 */
import type { Problem } from '../../../../../shared/errors.ts';
import type { Role } from '../../../../../shared/vocabulary.ts';

export const MIN_LENGTH_STAFF = 12;
export const MIN_LENGTH_CANDIDATE = 10;
export const MAX_LENGTH = 256;

const CONTEXT_WORDS = ['cpt-exam', 'cptexam', 'mssc', 'password', 'passwort', 'production technician'];

export const minLengthFor = (role: Role): number => (role === 'candidate' ? MIN_LENGTH_CANDIDATE : MIN_LENGTH_STAFF);

/** What is wrong with a password for this account; empty when it is acceptable. */
export function passwordProblems(password: string, account: { username: string; role: Role }, common: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  const min = minLengthFor(account.role);
  // Length is counted in Unicode code points, after the same NFKC normalization the hasher applies.
  const length = [...password.normalize('NFKC')].length;
  if (length < min) problems.push({ pointer: '/password', message: `must be at least ${min} characters for the ${account.role} role (a passphrase of several words is a good choice)` });
  if (length > MAX_LENGTH) problems.push({ pointer: '/password', message: `must be at most ${MAX_LENGTH} characters` });
  const lower = password.toLowerCase();
  const squeezed = lower.replace(/[\s._-]+/g, '');
  if (common.has(lower) || common.has(squeezed) || common.has(squeezed.replace(/\d+$/, ''))) {
    problems.push({ pointer: '/password', message: 'is on the list of common or breached passwords; choose another' });
  } else if (/^(.)\1*$/u.test(squeezed) || /^(0123456789|1234567890|abcdefghijklmnopqrstuvwxyz)/.test(squeezed)) {
    problems.push({ pointer: '/password', message: 'is a repeated character or a simple sequence; choose another' });
  }
  const name = account.username.toLowerCase();
  if (name.length >= 3 && squeezed.includes(name.replace(/[\s._-]+/g, ''))) problems.push({ pointer: '/password', message: 'must not contain the username' });
  else if (CONTEXT_WORDS.some((w) => squeezed.replace(/\d+$/, '') === w.replace(/[\s._-]+/g, ''))) problems.push({ pointer: '/password', message: 'must not be just the name of the product or the word "password"' });
  return problems;
}
