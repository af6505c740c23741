import { z } from 'zod';
import { moduleCodeSchema } from '../vocabulary.ts';

export const formPreviewRequestSchema = z.strictObject({
  module: moduleCodeSchema,
  seed: z.string().min(1, 'seed is required').max(200),
  blueprintVersion: z.string().optional(),
});

export const formBuildRequestSchema = z.strictObject({
  module: moduleCodeSchema,
  count: z.number().int().min(1, 'count must be 1 to 10').max(10, 'count must be 1 to 10'),
  maxOverlapPct: z.number().min(0).max(100).default(25),
  publish: z.boolean().default(false),
  seed: z.string().min(1).max(200).optional(),
});

export const formListQuerySchema = z.strictObject({
  module: moduleCodeSchema.optional(),
  kind: z.enum(['linear-on-the-fly', 'fixed']).optional(),
  status: z.enum(['draft', 'published']).optional(),
});
