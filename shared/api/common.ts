/**
 * Building blocks of the HTTP contract. Every route's request and response schemas live in shared/api/<module>.ts and
 * are built from these; the server validates requests and serializes responses with them (fastify-type-provider-zod),
 * and the client takes its types from them (`Wire<typeof schema>`, the JSON as it travels). docs/architecture.md,
 * "The HTTP contract", says how to add a route.
 *
 * Response schemas use z.object (never strictObject): encoding strips every key the schema does not name, so a field
 * a service happens to return (a key, a rationale, a token id) cannot leave the server by accident.
 */
import { z } from 'zod';
import { ERROR_CODES, type ErrorBody } from '../errors.ts';

/**
 * An instant on the wire: ISO 8601 text. The server hands a Date; encoding the response writes `toISOString()`. The
 * client's type (z.input) is the string.
 */
export const timestamp = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (text) => new Date(text),
  encode: (date) => date.toISOString(),
});

/** A calendar date, YYYY-MM-DD (shared/civil-date.ts). */
export const civilDate = z.string();

/** `/:id` of a row addressed by its uuid. */
export const idParamsSchema = z.object({ id: z.uuid() });

export const okSchema = z.object({ ok: z.literal(true) });

/**
 * The request body of a route that reads none. Anything sent is accepted and ignored (as before routes declared it),
 * so adding the declaration changed no client; the OpenAPI document shows that nothing is read.
 */
export const noBody = z.object({}).nullable();

export const problemSchema = z.object({
  pointer: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  message: z.string(),
  file: z.string().optional(),
});

/** Every error response (platform/http/error-handler.ts renders it; documented for every route as 4XX and 5XX). */
export const errorBodySchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  problems: z.array(problemSchema).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  requestId: z.string().optional(),
});
// The hand-written ErrorBody (shared/errors.ts, zod-free for the client) and the schema must stay the same type.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const errorBodyMatches: Same<z.input<typeof errorBodySchema>, ErrorBody> = true;

/**
 * A non-JSON response (CSV, PDF, zip): the body is the text or bytes as they are (Fastify serializes only JSON), and the
 * OpenAPI document names its media types.
 */
/** Text or bytes; never run through the JSON serializer (Fastify sends strings and buffers of non-JSON types as they are). */
const fileBody = z.custom<string | Uint8Array>((body) => typeof body === 'string' || body instanceof Uint8Array);

export function fileResponse(description: string, ...mediaTypes: string[]) {
  const content: Record<string, { schema: typeof fileBody }> = {};
  for (const type of mediaTypes) content[type] = { schema: fileBody.meta({ type: 'string', format: type.startsWith('text/') ? undefined : 'binary' }) };
  return { description, content };
}

/** The JSON of a response as it travels: what the client receives (dates as ISO text). */
export type Wire<S extends z.ZodType> = z.input<S>;
