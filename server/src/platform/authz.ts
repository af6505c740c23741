/**
 * Authorization rules that services apply to an actor, independent of transport: the HTTP layer, the sockets and the
 * CLI all call the same checks. (Route-level role guards live in platform/http/auth-guard.ts; they decide who may
 * call a route at all, these decide what a caller may touch.)
 */
import type { Role } from '../../../shared/vocabulary.ts';
import type { Actor } from './actor.ts';
import { forbidden } from './errors.ts';

/** Roles that work on the product rather than sit an exam: idle timeout and second-factor rules apply to them. */
export const STAFF_ROLES: readonly Role[] = ['admin', 'author', 'proctor'];

export const isStaff = (role: Role): boolean => STAFF_ROLES.includes(role);

/** Admins act everywhere; proctors and candidates only in their own test centers. */
export function assertTestCenterAccess(actor: Actor, testCenterId: string): void {
  if (actor.role === 'admin') return;
  if (!actor.testCenterIds.includes(testCenterId)) throw forbidden('This belongs to a test center you are not a member of');
}
