/** Closed vocabularies shared by server and client. KWA lists, weights and cut scores are data, not code. */
import { z } from 'zod';

export const ROLES = ['admin', 'author', 'proctor', 'candidate'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** The five CPT modules. The first four are required for the full CPT credential. */
export const MODULE_CODES = ['SAF', 'QPM', 'MPP', 'MA', 'GRN'] as const;
export const moduleCodeSchema = z.enum(MODULE_CODES, {
  error: () => `module code must be one of ${MODULE_CODES.join(', ')}`,
});
export type ModuleCode = z.infer<typeof moduleCodeSchema>;

/**
 * An item's lifecycle: draft → in-review → approved (by a second person) → pretest / operational → retired
 * (docs/authoring.md). Only pretest and operational items are put on forms.
 * `practice` items form a separate pool for candidates' practice tests (docs/practice.md): an item is practice from
 * its first import and for ever, and no form a candidate sits for a result ever holds one (the assembler refuses it).
 */
export const ITEM_STATUSES = ['draft', 'in-review', 'approved', 'pretest', 'operational', 'retired', 'practice'] as const;
export const itemStatusSchema = z.enum(ITEM_STATUSES, {
  error: () => `status must be one of ${ITEM_STATUSES.join(', ')}`,
});
export type ItemStatus = z.infer<typeof itemStatusSchema>;

/** The nine CPT 4.0 ("Industry 4.0") technologies, used as fixed topic tags across modules. */
export const CPT40_TOPICS = [
  'ai',
  '5g',
  'additive-manufacturing',
  'industrial-iot',
  'autonomous-robots',
  'data-analytics',
  'augmented-reality',
  'advanced-materials',
  'nano-manufacturing',
] as const;

export const OPTION_IDS = ['A', 'B', 'C', 'D', 'E'] as const;
export type OptionId = (typeof OPTION_IDS)[number];
