/**
 * The employer API's rules, pure: rate-limit windows, webhook retry backoff, the webhook payload, and reading a CSV of
 * verification codes (one per row, an optional header naming the "code" column).
 */
import { readCsvRows } from '../../../../../shared/csv.ts';
import { MAX_BATCH_CODES } from '../../../../../shared/api/credentials.ts';

/** Per organization, per clock minute, across every server instance. */
export const EMPLOYER_LIMITS = { requestsPerMinute: 120, codesPerMinute: 5000 } as const;

export function windowStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000);
}

/** Seconds until the window that `at` falls in is over (Retry-After). */
export function retryAfterSeconds(at: Date): number {
  return Math.max(1, Math.ceil((windowStart(at).getTime() + 60_000 - at.getTime()) / 1000));
}

/** A webhook is tried at most this many times (about two days with the backoff below), then marked failed. */
export const WEBHOOK_MAX_ATTEMPTS = 12;
const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 6 * 3600_000;

/**
 * The wait before attempt `attempt + 1` after `attempt` failed: 30 s doubling per attempt, capped at 6 h, with
 * jitter (between half and all of it, from `random` in [0, 1)) so a receiver that comes back is not hit all at once.
 */
export function webhookBackoffMs(attempt: number, random: number): number {
  const full = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + (full / 2) * random);
}

export type CredentialEventKind = 'revoked' | 'suspended' | 'reinstated' | 'expired';

export function webhookPayload(e: {
  eventId: string;
  kind: CredentialEventKind;
  occurredAt: Date;
  reason: string | null;
  credential: { verificationCode: string; holder: string; credential: string; kind: string; module: string | null; validThrough: string; status: string };
}) {
  return {
    id: e.eventId,
    type: `credential.${e.kind}`,
    occurredAt: e.occurredAt.toISOString(),
    reason: e.reason,
    credential: e.credential,
  };
}

/** The signed string: `${timestamp}.${body}`; the receiver recomputes the HMAC and rejects old timestamps. */
export const signedContent = (timestampSeconds: number, body: string) => `${timestampSeconds}.${body}`;

export interface CsvCode {
  line: number;
  code: string;
}

/** Reads codes from a CSV: a header row naming "code" (or "verification_code") picks the column; else the first. */
export function readCodesCsv(text: string): { codes: CsvCode[]; problems: { line: number; message: string }[] } {
  const { rows, errors } = readCsvRows(text);
  const problems = errors.map((e) => ({ line: e.line, message: e.message }));
  let column = 0;
  let body = rows;
  const first = rows[0];
  if (first) {
    const names = first.cells.map((c) => c.trim().toLowerCase().replace(/[\s-]+/g, '_'));
    const at = names.findIndex((n) => n === 'code' || n === 'verification_code');
    if (at >= 0) {
      column = at;
      body = rows.slice(1);
    }
  }
  const codes: CsvCode[] = [];
  for (const r of body) {
    const code = (r.cells[column] ?? '').trim();
    if (!code) continue;
    codes.push({ line: r.line, code });
  }
  if (codes.length > MAX_BATCH_CODES) problems.push({ line: codes[MAX_BATCH_CODES]!.line, message: `at most ${MAX_BATCH_CODES} codes per request; split the file` });
  if (!codes.length && !problems.length) problems.push({ line: 1, message: 'no verification codes found (one code per row; an optional header row naming the "code" column)' });
  return { codes, problems };
}
