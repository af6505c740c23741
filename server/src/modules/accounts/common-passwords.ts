/**
 * The list of common and breached passwords the policy refuses: the 49,000-entry frequency list that ships with
 * @zxcvbn-ts/language-common (drawn from published breach corpora), loaded once, lower-cased.
 */
import { dictionary } from '@zxcvbn-ts/language-common';

let set: ReadonlySet<string> | undefined;
export function commonPasswords(): ReadonlySet<string> {
  set ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  return set;
}
