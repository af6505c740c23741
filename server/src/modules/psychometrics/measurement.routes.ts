import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fileResponse, idParamsSchema, noBody } from '../../../../shared/api/common.ts';
import {
  adoptRequestSchema,
  adoptResponseSchema,
  calibrationRequestSchema,
  calibrationRunSchema,
  calibrationSummarySchema,
  decisionQualitySchema,
  formComparisonQuerySchema,
  formComparisonSchema,
  formMeasurementSchema,
  itemParameterSchema,
  measurementScaleSchema,
  moduleQuerySchema,
  scaleParamsSchema,
  scaleRequestSchema,
} from '../../../../shared/api/measurement.ts';
import { actorOf, requireRole } from '../../platform/http/auth-guard.ts';
import type { MeasurementService } from './measurement.service.ts';

export const measurementRoutes: FastifyPluginAsyncZod<{ measurement: MeasurementService }> = async (app, { measurement }) => {
  const authors = { onRequest: requireRole('author', 'admin') };
  const admins = { onRequest: requireRole('admin') };
  const tags = ['measurement'];

  app.post('/api/measurement/calibrations', { ...authors, schema: { tags, summary: "Rasch calibration of a module's delivered sessions (free, or anchored on the bank)", body: calibrationRequestSchema, response: { 201: calibrationRunSchema } } }, async (req, reply) =>
    reply.status(201).send(await measurement.calibrate(actorOf(req), req.body)),
  );
  app.get('/api/measurement/calibrations', { ...authors, schema: { tags, summary: "A module's calibration runs, newest first", querystring: moduleQuerySchema, response: { 200: z.array(calibrationSummarySchema) } } }, async (req) =>
    measurement.listRuns(req.query.module),
  );
  app.get('/api/measurement/calibrations/:id', { ...authors, schema: { tags, summary: 'A calibration run: difficulties, SEs, fit, drift', params: idParamsSchema, response: { 200: calibrationRunSchema } } }, async (req) =>
    measurement.getRun(req.params.id),
  );
  app.post('/api/measurement/calibrations/:id/adopt', { ...admins, schema: { tags, summary: "Make a run's estimates the bank's difficulties", params: idParamsSchema, body: adoptRequestSchema, response: { 200: adoptResponseSchema } } }, async (req) =>
    measurement.adopt(actorOf(req), req.params.id, req.body.itemIds),
  );
  app.get('/api/measurement/parameters', { ...authors, schema: { tags, summary: "The bank's item difficulties of a module", querystring: moduleQuerySchema, response: { 200: z.array(itemParameterSchema) } } }, async (req) =>
    measurement.parameters(req.query.module),
  );
  app.post('/api/measurement/scales', { ...authors, schema: { tags, summary: 'Record a standard-setting study: the cut on the ability scale and the reporting scale', body: scaleRequestSchema, response: { 201: measurementScaleSchema } } }, async (req, reply) =>
    reply.status(201).send(await measurement.createScale(actorOf(req), req.body)),
  );
  app.get('/api/measurement/scales', { ...authors, schema: { tags, summary: "A module's scales, newest first", querystring: moduleQuerySchema, response: { 200: z.array(measurementScaleSchema) } } }, async (req) =>
    measurement.listScales(req.query.module),
  );
  app.post('/api/measurement/scales/:module/:version/approve', { ...admins, schema: { tags, summary: 'Approve a scale (not by the person who recorded it); new sessions score on it', params: scaleParamsSchema, body: noBody, response: { 200: measurementScaleSchema } } }, async (req) =>
    measurement.approveScale(actorOf(req), req.params.module, req.params.version),
  );
  app.get('/api/measurement/forms/compare', { ...authors, schema: { tags, summary: 'Parallel forms compared: information and expected raw score at the cut, TCC difference from the first form', querystring: formComparisonQuerySchema, response: { 200: formComparisonSchema } } }, async (req) =>
    measurement.compareForms(req.query.ids.split(','), req.query.tolerance),
  );
  app.get('/api/measurement/forms/:id', { ...authors, schema: { tags, summary: "A form's raw-to-ability table, raw cut and information at the cut", params: idParamsSchema, response: { 200: formMeasurementSchema } } }, async (req) =>
    measurement.formMeasurement(req.params.id),
  );
  app.get('/api/measurement/decision-quality', { ...admins, schema: { tags, summary: 'Classification accuracy and consistency at the cut per module and form, pass rates by month', querystring: moduleQuerySchema, response: { 200: decisionQualitySchema } } }, async (req) =>
    measurement.decisionQuality(req.query.module),
  );
  app.get('/api/measurement/decision-quality.csv', { ...admins, schema: { tags, summary: 'Decision quality as CSV', querystring: moduleQuerySchema, response: { 200: fileResponse('CSV: the module, then one row per form', 'text/csv') } } }, async (req, reply) =>
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="decision-quality-${req.query.module}.csv"`).send(await measurement.decisionQualityCsv(req.query.module)),
  );
};
