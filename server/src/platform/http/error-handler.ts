import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorBody, ErrorCode, Problem } from '../../../../shared/errors.ts';
import { AppError } from '../errors.ts';

/** The single code -> HTTP status table. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  RULE_VIOLATION: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    let body: ErrorBody;
    if (err instanceof AppError) {
      body = { code: err.code, message: err.message, ...err.extra };
    } else if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      const problems: Problem[] = err.validation.map((v) => ({
        pointer: `/${where}${v.instancePath}`,
        message: v.message ?? 'invalid value',
      }));
      body = { code: 'VALIDATION_FAILED', message: `Invalid request ${where}: ${problems.map((p) => `${p.pointer}: ${p.message}`).join('; ')}`, problems };
    } else if ((err as FastifyError).statusCode && (err as FastifyError).statusCode! < 500) {
      const status = (err as FastifyError).statusCode!;
      const code: ErrorCode = status === 413 || status === 415 || status === 400 ? 'VALIDATION_FAILED' : status === 429 ? 'RATE_LIMITED' : status === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED';
      return reply.status(status).send({ code, message: err.message, requestId: req.id } satisfies ErrorBody);
    } else {
      // Never echo internals (SQL, stack) to clients; the log has them with the request id.
      req.log.error({ err }, 'unhandled error');
      body = { code: 'INTERNAL', message: 'Something went wrong on the server. The request id identifies it in the log.' };
    }
    const status = HTTP_STATUS[body.code];
    if (status >= 500) req.log.error({ err }, 'request failed');
    return reply.status(status).send({ ...body, requestId: req.id });
  });
}
