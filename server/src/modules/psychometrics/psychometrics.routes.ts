import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { moduleAnalysisSchema } from '../../../../shared/api/item-analysis.ts';
import { analysisQuerySchema } from '../../../../shared/api/item-bank.ts';
import { requireRole } from '../../platform/http/auth-guard.ts';
import type { PsychometricsService } from './psychometrics.service.ts';

export const psychometricsRoutes: FastifyPluginAsyncZod<{ psychometrics: PsychometricsService }> = async (app, { psychometrics }) => {
  app.get(
    '/api/bank/analysis',
    {
      onRequest: requireRole('author', 'admin'),
      schema: {
        tags: ['item bank'],
        summary: 'Item analysis from delivered sessions: p, corrected point-biserial, D, distractors, exposure, KR-20, flags',
        querystring: analysisQuerySchema,
        response: { 200: moduleAnalysisSchema },
      },
    },
    async (req) => {
      const { module, release, ...thresholds } = req.query;
      return psychometrics.analyzeModule(module, thresholds, release);
    },
  );
};
