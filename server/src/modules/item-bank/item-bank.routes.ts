import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bankImportRequestSchema, itemEditSchema, itemQuerySchema } from '../../../../shared/api/item-bank.ts';
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

  const itemParams = z.object({ id: z.string().min(1).max(64) });
  app.put(
    '/api/bank/items/:id',
    { ...authors, schema: { tags: ['item bank'], summary: 'Edit an item: a content change makes a new version; items on delivered forms are never changed in place', params: itemParams, body: itemEditSchema } },
    async (req) => itemBank.editItem(actorOf(req), req.params.id, req.body),
  );
  app.post('/api/bank/items/:id/retire', { ...authors, schema: { tags: ['item bank'], summary: 'Retire an item (it stays on delivered forms)', params: itemParams } }, async (req) =>
    itemBank.editItem(actorOf(req), req.params.id, { status: 'retired' }),
  );
  app.get('/api/bank/items/:id/preview', { ...authors, schema: { tags: ['item bank'], summary: 'The item as a candidate sees it', params: itemParams } }, async (req) => itemBank.preview(req.params.id));
  app.get('/api/bank/coverage', { ...authors, schema: { tags: ['item bank'], summary: "The bank's coverage against each blueprint, per KWA" } }, async () => itemBank.coverage());

  app.get('/api/bank/export', { ...authors, schema: { tags: ['item bank'], summary: 'Export the bank (or one module) as a bank file', querystring: z.strictObject({ module: moduleCodeSchema.optional() }) } }, async (req) =>
    itemBank.exportBank(req.query.module),
  );
};
