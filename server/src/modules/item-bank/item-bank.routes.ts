import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fileResponse, noBody } from '../../../../shared/api/common.ts';
import {
  bankExportParamsSchema,
  bankExportQuerySchema,
  bankFileResponseSchema,
  bankImportRequestSchema,
  bankImportResponseSchema,
  bankItemSchema,
  bankUploadRequestSchema,
  bankUploadResponseSchema,
  bankValidateRequestSchema,
  bankValidateResponseSchema,
  blueprintCoverageSchema,
  itemEditResponseSchema,
  itemEditSchema,
  itemHistorySchema,
  itemReviewRequestSchema,
  itemReviewResponseSchema,
  itemParamsSchema,
  itemPreviewSchema,
  itemQuerySchema,
  MEDIA_UPLOAD_BODY_LIMIT,
  mediaParamsSchema,
  mediaUploadRequestSchema,
  mediaUploadResponseSchema,
} from '../../../../shared/api/item-bank.ts';
import { idParamsSchema } from '../../../../shared/api/common.ts';
import { releaseDetailSchema, releaseProposeRequestSchema, releaseProposeResponseSchema, releaseSummarySchema } from '../../../../shared/api/releases.ts';
import { sendImage } from '../../platform/http/image-reply.ts';
import { actorOf, requireRole } from '../../platform/http/auth-guard.ts';
import type { ItemBankService } from './item-bank.service.ts';

export const itemBankRoutes: FastifyPluginAsyncZod<{ itemBank: ItemBankService }> = async (app, { itemBank }) => {
  const authors = { onRequest: requireRole('author', 'admin') };

  app.get('/api/bank/releases', { ...authors, schema: { tags: ['item bank'], summary: 'Bank releases, newest first, with the modules each is current for', response: { 200: z.array(releaseSummarySchema) } } }, async () =>
    itemBank.listReleases(),
  );
  app.get('/api/bank/releases/:id', { ...authors, schema: { tags: ['item bank'], summary: 'A bank release with its pinned item versions, blueprints, enemy groups and policy version', params: idParamsSchema, response: { 200: releaseDetailSchema } } }, async (req) =>
    itemBank.getRelease(req.params.id),
  );
  app.post(
    '/api/bank/releases',
    {
      ...authors,
      schema: {
        tags: ['item bank'],
        summary: "Propose a bank release (a snapshot of the live exam items, blueprints and policy of some modules) for an admin's approval, with its diff against the current release; dryRun only shows the diff",
        body: releaseProposeRequestSchema,
        response: { 200: releaseProposeResponseSchema, 201: releaseProposeResponseSchema },
      },
    },
    async (req, reply) => {
      const r = await itemBank.proposeRelease(actorOf(req), req.body);
      return reply.status(r.dryRun ? 200 : 201).send(r);
    },
  );

  app.get('/api/bank/items', { ...authors, schema: { tags: ['item bank'], summary: 'Browse items (current versions)', querystring: itemQuerySchema, response: { 200: z.array(bankItemSchema) } } }, async (req) =>
    itemBank.listItems(req.query),
  );

  app.post(
    '/api/bank/validate',
    { ...authors, schema: { tags: ['item bank'], summary: 'Validate bank files against the bank; reports every problem', body: bankValidateRequestSchema, response: { 200: bankValidateResponseSchema } } },
    async (req) => {
      const result = await itemBank.validate(req.body.files);
      return result.ok ? { ok: true as const, summary: result.plan.summary } : { ok: false as const, problems: result.problems };
    },
  );

  app.post(
    '/api/bank/import',
    { ...authors, bodyLimit: 60 * 1024 * 1024, schema: { tags: ['item bank'], summary: 'Import bank files all-or-nothing (dryRun shows the diff)', body: bankImportRequestSchema, response: { 200: bankImportResponseSchema } } },
    async (req) => {
      const result = await itemBank.importSources(actorOf(req), req.body.files, { dryRun: req.body.dryRun });
      return {
        dryRun: result.dryRun,
        changed: result.changed,
        revision: result.revision,
        summary: result.plan.summary,
        items: result.plan.items.map((p) => ({ id: p.item.id, change: p.change, fromVersion: p.fromVersion })),
        blueprints: result.blueprints,
      };
    },
  );

  const params = itemParamsSchema;
  app.put(
    '/api/bank/items/:id',
    { ...authors, schema: { tags: ['item bank'], summary: 'Edit an item: a content change makes a new version; items on delivered forms are never changed in place', params, body: itemEditSchema, response: { 200: itemEditResponseSchema } } },
    async (req) => itemBank.editItem(actorOf(req), req.params.id, req.body),
  );
  app.post('/api/bank/items/:id/retire', { ...authors, schema: { tags: ['item bank'], summary: 'Retire an item (it stays on delivered forms)', params, body: noBody, response: { 200: itemEditResponseSchema } } }, async (req) =>
    itemBank.editItem(actorOf(req), req.params.id, { status: 'retired' }),
  );
  app.post(
    '/api/bank/items/:id/review',
    { ...authors, schema: { tags: ['item bank'], summary: 'A lifecycle step: submit, comment, approve (a second person), request changes, activate, retire', params, body: itemReviewRequestSchema, response: { 200: itemReviewResponseSchema } } },
    async (req) => itemBank.reviewItem(actorOf(req), req.params.id, req.body),
  );
  app.get('/api/bank/items/:id/history', { ...authors, schema: { tags: ['item bank'], summary: "An item's versions and review trail", params, response: { 200: itemHistorySchema } } }, async (req) => itemBank.history(req.params.id));
  app.get('/api/bank/items/:id/preview', { ...authors, schema: { tags: ['item bank'], summary: 'The item as a candidate sees it', params, response: { 200: itemPreviewSchema } } }, async (req) => itemBank.preview(req.params.id));
  app.get(
    '/api/bank/media/:sha256',
    { ...authors, schema: { tags: ['item bank'], summary: 'An image of the bank (private, no-store)', params: mediaParamsSchema, response: { 200: fileResponse('The image', 'image/png', 'image/jpeg', 'image/svg+xml') } } },
    async (req, reply) => sendImage(reply, await itemBank.media(req.params.sha256)),
  );
  app.post(
    '/api/bank/media',
    {
      // The role is checked in onRequest, before the body (up to 4 MB of base64) is read; checkImage holds the real limits.
      ...authors,
      bodyLimit: MEDIA_UPLOAD_BODY_LIMIT,
      schema: {
        tags: ['item bank'],
        summary: 'Upload a picture for an item (PNG or JPEG up to 2 MB, static SVG up to 512 KB), stored by its hash; name it in an edit as image src with alt text',
        body: mediaUploadRequestSchema,
        response: { 201: mediaUploadResponseSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await itemBank.uploadMedia(actorOf(req), { name: req.body.name, bytes: new Uint8Array(Buffer.from(req.body.base64, 'base64')) })),
  );
  app.get('/api/bank/coverage', { ...authors, schema: { tags: ['item bank'], summary: "The bank's coverage against each blueprint, per KWA", response: { 200: z.array(blueprintCoverageSchema) } } }, async () => itemBank.coverage());

  app.post(
    '/api/bank/upload',
    {
      ...authors,
      bodyLimit: 80 * 1024 * 1024,
      schema: { tags: ['item bank'], summary: 'Upload bank files in any format (JSON, CSV, QTI XML or content package), dry run first', body: bankUploadRequestSchema, response: { 200: bankUploadResponseSchema } },
    },
    async (req) => {
      const { files, ...opts } = req.body;
      const r = await itemBank.uploadFiles(actorOf(req), files.map((f) => ({ name: f.name, bytes: Buffer.from(f.base64, 'base64') })), opts);
      return { dryRun: r.dryRun, changed: r.changed, revision: r.revision, summary: r.plan.summary, items: r.plan.items.map((p) => ({ id: p.item.id, change: p.change, fromVersion: p.fromVersion })), blueprints: r.blueprints, skipped: r.skipped, assets: r.assets };
    },
  );

  app.get(
    '/api/bank/export.:format',
    {
      ...authors,
      schema: {
        tags: ['item bank'],
        summary: 'Export the bank as a QTI 3.0 content package (.zip) or CSV',
        params: bankExportParamsSchema,
        querystring: bankExportQuerySchema,
        response: { 200: fileResponse('A QTI 3.0 content package (export.zip) or a CSV file (export.csv)', 'application/zip', 'text/csv') },
      },
    },
    async (req, reply) => {
      const out = await itemBank.exportAs(req.params.format === 'zip' ? 'qti' : 'csv', req.query.module);
      const name = `cpt-bank${req.query.module ? `-${req.query.module}` : ''}`;
      return req.params.format === 'zip'
        ? reply.type('application/zip').header('content-disposition', `attachment; filename="${name}-qti3.zip"`).send(Buffer.from(out as Uint8Array))
        : reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(out);
    },
  );

  app.get('/api/bank/export', { ...authors, schema: { tags: ['item bank'], summary: 'Export the bank (or one module) as a bank file', querystring: bankExportQuerySchema, response: { 200: bankFileResponseSchema } } }, async (req) =>
    itemBank.exportBank(req.query.module),
  );
};
