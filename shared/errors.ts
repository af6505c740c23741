/**
 * Error codes used by the REST API and the websocket protocol alike. The server maps each code to an HTTP status
 * in one table (server/src/platform/http/error-handler.ts); clients switch on the code, never on the message.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_TRANSITION',
  'RULE_VIOLATION',
  'RATE_LIMITED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One located problem in an input document: where (JSON pointer and, when known, line:column) and what. */
export interface Problem {
  pointer: string;
  line?: number;
  column?: number;
  message: string;
  file?: string;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  problems?: Problem[];
  details?: Record<string, unknown>;
  requestId?: string;
}
