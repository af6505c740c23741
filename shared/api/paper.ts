/**
 * Paper delivery (docs/paper.md): a proctor or admin produces a scheduled exam's paper form (booklet and answer sheet
 * PDFs), then records the responses by double keyed entry or from the scanner's CSV; scoring is the online one.
 */
import { z } from 'zod';
import { timestamp } from './common.ts';

export const paperEntryParamsSchema = z.object({ id: z.uuid(), entry: z.coerce.number().int().min(1, 'entry is 1 or 2').max(2, 'entry is 1 or 2') });

export const paperEntryRequestSchema = z.strictObject({
  /** One character a question in booklet order: a letter, '-' for no mark, '*' for a double mark. */
  marks: z.string().max(200),
});

export const paperRecordRequestSchema = z.strictObject({
  /** When the paper sitting took place (default: the scheduled time, or now if that is later). */
  satAt: z.iso.datetime({ offset: true }).optional(),
});

export const paperScanImportSchema = z.strictObject({
  /** The scanner's export: booklet_code,candidate_code,q1,q2,… one row a sheet. */
  csv: z.string().min(1).max(5_000_000),
  satAt: z.iso.datetime({ offset: true }).optional(),
});

export const paperStatusSchema = z.object({
  sessionId: z.string(),
  bookletCode: z.string(),
  candidateCode: z.string(),
  candidateName: z.string(),
  moduleTitle: z.string(),
  questions: z.number().int(),
  producedAt: timestamp,
  recordedAt: timestamp.nullable(),
  source: z.enum(['keyed', 'scanned']).nullable(),
  /** awaiting-entries: fewer than two entries; differences: the two disagree; ready: they agree; recorded: scored path. */
  state: z.enum(['awaiting-entries', 'differences', 'ready', 'recorded']),
  entries: z.array(z.object({ entry: z.number().int(), marks: z.string(), keyedBy: z.string(), keyedByName: z.string(), keyedAt: timestamp })),
  differences: z.array(z.object({ question: z.number().int(), first: z.string(), second: z.string() })),
});

export const paperScanResultSchema = z.object({
  recorded: z.array(z.object({ sessionId: z.string(), bookletCode: z.string(), answered: z.number().int() })),
});
