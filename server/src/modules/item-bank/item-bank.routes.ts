import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bankImportRequestSchema, itemQuerySchema } from '../../../../shared/api/item-bank.ts';
import { moduleCodeSchema } from '../../../../shared/vocabulary.ts';
import { actorOf, requireRole } from '../../platform/http/auth-guard.ts';
import type { ItemBankService } from './item-bank.service.ts';

export const itemBankRoutes: FastifyPluginAsyncZod<{ itemBank: ItemBankService }> = async (app, { itemBank }) => {
  const authors = { preHandler: requireRole('author', 'admin') };

  app.get('/api/bank/items', { ...authors, schema: { tags: ['item bank'], summary: 'Browse items (current versions)', querystring: itemQuerySchema } }, async (req) =>
    itemBank.listItems(req.query),
  );

  app.post('/api/bank/validate', { ...authors, schema: { tags: ['item bank'], summary: 'Validate bank files against the bank; reports every problem', body: z.strictObject({ files: bankImportRequestSchema.shape.files }) } }, async (req) => {
    const result = await itemBank.validate(req.body.files);
    return result.ok ? { ok: true, summary: result.plan.summary } : { ok: false, problems: result.problems };
  });

  app.post('/api/bank/import', { ...authors, bodyLimit: 60 * 1024 * 1024, schema: { tags: ['item bank'], summary: 'Import bank files all-or-nothing (dryRun shows the diff)', body: bankImportRequestSchema } }, async (req) => {
    const result = await itemBank.importSources(actorOf(req), req.body.files, { dryRun: req.body.dryRun });
    return {
      dryRun: result.dryRun,
      changed: result.changed,
      revision: result.revision,
      summary: result.plan.summary,
      items: result.plan.items.map((p) => ({ id: p.item.id, change: p.change, fromVersion: p.fromVersion })),
    };
  });

  app.get('/api/bank/export', { ...authors, schema: { tags: ['item bank'], summary: 'Export the bank (or one module) as a bank file', querystring: z.strictObject({ module: moduleCodeSchema.optional() }) } }, async (req) =>
    itemBank.exportBank(req.query.module),
  );
};
