/**
 * Recertification progress for a full CPT credential (CPT.md §1.1: every 5 years, ≥ 100 points in 5 years from four
 * categories, application opens 90 days before expiry). Rules: docs/scoring-and-certification.md.
 */
import type { CertificationPolicy } from '../../../../../shared/certification-policy.ts';
import { addDays, addYears, localDateOf, startOfLocalDay } from '../../../../../shared/civil-date.ts';

export interface RecertActivity {
  /** A category id from the policy, e.g. "continuing-education". */
  category: string;
  points: number;
  completedAt: Date;
  description: string;
  /** An admin's decision on a candidate's report; absent means approved. Only approved activities count. */
  status?: 'pending' | 'approved' | 'rejected';
}

export type NotCountedReason = 'before-window' | 'after-window' | 'in-the-future' | 'unknown-category' | 'invalid-points' | 'awaiting-approval' | 'rejected' | 'category-cap-reached';

export interface RecertificationProgress<A extends RecertActivity = RecertActivity> {
  pointsEarned: number;
  pointsRequired: number;
  pointsMissing: number;
  requirementMet: boolean;
  /** Points counted per policy category id (every category present, 0 when none). */
  byCategory: Record<string, number>;
  windowStart: Date;
  windowEnd: Date;
  applicationOpensAt: Date;
  applicationOpen: boolean;
  /** The credential has expired at `at`; this model has no grace period. */
  expired: boolean;
  /** Application open and enough points. */
  canApply: boolean;
  /** Points of activities in the window still waiting for an admin's approval (not in pointsEarned). */
  pointsPending: number;
  /** In completion order; pointsCounted is less than points when a category cap was reached. */
  countedActivities: Array<A & { pointsCounted: number }>;
  notCounted: Array<{ activity: A; reason: NotCountedReason }>;
}

/**
 * - Window: [windowStart, windowEnd) with windowEnd = credentialExpiresAt and windowStart = the start of the local date
 *   `windowYears` years before the local expiry date (so a 5-year window on a 5-year credential starts at the start of
 *   its issue day).
 * - An activity counts when windowStart ≤ completedAt < windowEnd, completedAt ≤ at, its category is in the policy and
 *   its points are a finite number > 0, and it is approved (a pending one adds to pointsPending, a rejected one never
 *   counts). Activities are applied in completion order; a category with maxPoints stops
 *   counting at its cap (the activity that crosses it counts in part).
 * - applicationOpensAt = the start of the local date applicationOpensDaysBeforeExpiry calendar days before the local
 *   expiry date; the application is open from then until windowEnd.
 * `timeZone` should be the zone the credential dates were computed in (default UTC).
 */
export function recertificationProgress<A extends RecertActivity>(args: {
  credentialIssuedAt: Date;
  credentialExpiresAt: Date;
  activities: A[];
  at: Date;
  policy: CertificationPolicy;
  timeZone?: string;
}): RecertificationProgress<A> {
  const { credentialExpiresAt, at, policy } = args;
  const rules = policy.recertification;
  const tz = args.timeZone ?? 'UTC';
  if (args.credentialIssuedAt.getTime() >= credentialExpiresAt.getTime()) throw new RangeError('the credential expires before it was issued');
  const expiresOn = localDateOf(credentialExpiresAt, tz);
  const windowStart = startOfLocalDay(addYears(expiresOn, -rules.windowYears), tz);
  const windowEnd = credentialExpiresAt;
  const applicationOpensAt = startOfLocalDay(addDays(expiresOn, -rules.applicationOpensDaysBeforeExpiry), tz);

  const caps = new Map(rules.categories.map((c) => [c.id, c.maxPoints ?? Number.POSITIVE_INFINITY]));
  const byCategory: Record<string, number> = Object.fromEntries(rules.categories.map((c) => [c.id, 0]));
  const countedActivities: RecertificationProgress<A>['countedActivities'] = [];
  const notCounted: RecertificationProgress<A>['notCounted'] = [];
  let pointsPending = 0;

  const ordered = [...args.activities].sort((a, b) => a.completedAt.getTime() - b.completedAt.getTime());
  for (const activity of ordered) {
    const t = activity.completedAt.getTime();
    const cap = caps.get(activity.category);
    let reason: NotCountedReason | null = null;
    if (cap === undefined) reason = 'unknown-category';
    else if (!Number.isFinite(activity.points) || activity.points <= 0) reason = 'invalid-points';
    else if (t > at.getTime()) reason = 'in-the-future';
    else if (t < windowStart.getTime()) reason = 'before-window';
    else if (t >= windowEnd.getTime()) reason = 'after-window';
    else if (activity.status === 'pending') {
      reason = 'awaiting-approval';
      pointsPending += activity.points;
    } else if (activity.status === 'rejected') reason = 'rejected';
    else if (byCategory[activity.category]! >= cap) reason = 'category-cap-reached';
    if (reason) {
      notCounted.push({ activity, reason });
      continue;
    }
    const pointsCounted = Math.min(activity.points, cap! - byCategory[activity.category]!);
    byCategory[activity.category]! += pointsCounted;
    countedActivities.push({ ...activity, pointsCounted });
  }

  const pointsEarned = Object.values(byCategory).reduce((s, n) => s + n, 0);
  const applicationOpen = applicationOpensAt.getTime() <= at.getTime() && at.getTime() < windowEnd.getTime();
  const requirementMet = pointsEarned >= rules.pointsRequired;
  return {
    pointsEarned,
    pointsRequired: rules.pointsRequired,
    pointsMissing: Math.max(0, rules.pointsRequired - pointsEarned),
    requirementMet,
    byCategory,
    windowStart,
    windowEnd,
    applicationOpensAt,
    applicationOpen,
    expired: at.getTime() >= windowEnd.getTime(),
    canApply: applicationOpen && requirementMet,
    pointsPending,
    countedActivities,
    notCounted,
  };
}
