import { z } from 'zod';
import { itemStatusSchema, moduleCodeSchema } from '../vocabulary.ts';

export const bankSourceSchema = z.strictObject({
  name: z.string().min(1).max(300),
  text: z.string().max(50 * 1024 * 1024),
});

export const bankImportRequestSchema = z.strictObject({
  files: z.array(bankSourceSchema).min(1, 'send at least one file'),
  dryRun: z.boolean().default(false),
});

export const itemQuerySchema = z.strictObject({
  module: moduleCodeSchema.optional(),
  kwa: z.string().optional(),
  status: itemStatusSchema.optional(),
  topic: z.string().optional(),
});
