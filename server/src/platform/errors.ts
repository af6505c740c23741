/**
 * The one typed error of the application. Services and domain code throw it with a code; the HTTP error handler and
 * the websocket gateway map the code to a status or a protocol error in one place each.
 */
import type { ErrorCode, Problem } from '../../../shared/errors.ts';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { problems?: Problem[]; details?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const validationFailed = (message: string, problems?: Problem[]) => new AppError('VALIDATION_FAILED', message, { problems });
export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} was not found`);
export const forbidden = (message = 'You do not have permission to do this') => new AppError('FORBIDDEN', message);
export const conflict = (message: string, details?: Record<string, unknown>) => new AppError('CONFLICT', message, { details });
export const ruleViolation = (message: string, details?: Record<string, unknown>) => new AppError('RULE_VIOLATION', message, { details });
