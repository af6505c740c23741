/**
 * Employer verification at scale: organizations with API keys (shown once, stored as SHA-256), verification of one code
 * or a batch (JSON or CSV) under per-organization rate limits shared by every instance, and signed webhooks when a
 * credential an organization verified is revoked, put on hold, reinstated or expires. Deliveries come from the
 * credential_events outbox: at least once, retried with backoff, leased so a crashed instance's work is taken over.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../platform/actor.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, conflict, forbidden, notFound, validationFailed } from '../../platform/errors.ts';
import type { EmployerOrg, EmployerVerification } from '../../../../shared/api/credentials.ts';
import { csvLine } from '../../../../shared/csv.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { ScoringService } from '../scoring/scoring.service.ts';
import { MODULE_TITLES, normalizeVerificationCode } from '../scoring/domain/credentials.ts';
import { EMPLOYER_LIMITS, readCodesCsv, retryAfterSeconds, signedContent, WEBHOOK_MAX_ATTEMPTS, webhookBackoffMs, webhookPayload, windowStart } from './domain/employer-rules.ts';
import * as repo from './employer.repository.ts';

export const API_KEY_PREFIX = 'cptk_';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface EmployerCaller {
  orgId: string;
  orgName: string;
  keyId: string;
}

export interface EmployerDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  scoring: Pick<ScoringService, 'statusOf' | 'lifecycle'>;
  /** Sends one webhook; tests and production use fetch. */
  post?: (url: string, body: string, headers: Record<string, string>) => Promise<{ status: number }>;
  random?: () => number;
  /** Production refuses plain-http webhook URLs. */
  requireHttpsWebhooks?: boolean;
}

async function fetchPost(url: string, body: string, headers: Record<string, string>) {
  const res = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  await res.body?.cancel();
  return { status: res.status };
}

export function createEmployerService(deps: EmployerDeps) {
  const { db, clock } = deps;
  const post = deps.post ?? fetchPost;
  const random = deps.random ?? Math.random;

  function assertAdmin(actor: Actor) {
    if (actor.role !== 'admin') throw forbidden('Only admins manage employer organizations');
  }

  async function orgOr404(id: string) {
    const org = await repo.findOrg(db, id);
    if (!org) throw notFound('employer organization');
    return org;
  }

  function credentialName(c: { kind: string; module: string | null }) {
    return c.kind === 'full-cpt' ? 'Certified Production Technician (CPT)' : `CPT module certificate: ${MODULE_TITLES[c.module as keyof typeof MODULE_TITLES] ?? c.module}`;
  }

  /** Looks codes up, records that the organization verified what it found, and answers per input, in order. */
  async function lookup(caller: EmployerCaller, inputs: { input: string; line?: number }[]): Promise<EmployerVerification[]> {
    const now = clock.now();
    const normalized = inputs.map((i) => normalizeVerificationCode(i.input));
    const rows = await repo.credentialsByCodes(db, [...new Set(normalized.filter((c): c is string => !!c))]);
    const byCode = new Map(rows.map((r) => [r.credential.verificationCode, r]));
    await repo.recordVerifications(db, caller.orgId, rows.map((r) => r.credential.id), now);
    return inputs.map((i, n) => {
      const code = normalized[n];
      const row = code ? byCode.get(code) : undefined;
      const base = { input: i.input, ...(i.line !== undefined ? { line: i.line } : {}) };
      if (!row) {
        return { ...base, result: code ? 'not-found' : 'invalid', verificationCode: code ?? null, holder: null, credential: null, kind: null, module: null, issuedOn: null, validThrough: null, status: null, statusReason: null, ...(code ? {} : { problem: 'not a verification code (CPT-XXXX-XXXX-XXXX)' }) } as EmployerVerification;
      }
      const c = row.credential;
      const status = deps.scoring.statusOf(c, now);
      return { ...base, result: 'found', verificationCode: c.verificationCode, holder: row.holder, credential: credentialName(c), kind: c.kind, module: c.module, issuedOn: c.issuedOn, validThrough: c.validThrough, status, statusReason: status === 'revoked' || status === 'suspended' ? c.statusReason : null };
    });
  }

  async function count(caller: EmployerCaller, requests: number, codes: number) {
    const now = clock.now();
    const used = await repo.countUsage(db, caller.orgId, windowStart(now), requests, codes);
    if (used.requests > EMPLOYER_LIMITS.requestsPerMinute || used.codes > EMPLOYER_LIMITS.codesPerMinute) {
      throw new AppError('RATE_LIMITED', `Rate limit: at most ${EMPLOYER_LIMITS.requestsPerMinute} requests and ${EMPLOYER_LIMITS.codesPerMinute} codes a minute per organization; try again in ${retryAfterSeconds(now)} s`, {
        details: { retryAfterSeconds: retryAfterSeconds(now), requests: used.requests, codes: used.codes },
      });
    }
  }

  const service = {
    /** The organization behind an API key, or null; counts the request against the organization's limit. */
    async authenticate(rawKey: string | null): Promise<EmployerCaller | null> {
      if (!rawKey?.startsWith(API_KEY_PREFIX)) return null;
      const key = await repo.keyByHash(db, sha256(rawKey));
      if (!key) return null;
      const now = clock.now();
      if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) await repo.touchKey(db, key.keyId, now);
      const caller = { orgId: key.orgId, orgName: key.orgName, keyId: key.keyId };
      await count(caller, 1, 0);
      return caller;
    },

    async verifyOne(caller: EmployerCaller, code: string): Promise<EmployerVerification> {
      await count(caller, 0, 1);
      return (await lookup(caller, [{ input: code }]))[0]!;
    },

    async verifyBatch(caller: EmployerCaller, codes: string[]) {
      await count(caller, 0, codes.length);
      const results = await lookup(caller, codes.map((input) => ({ input })));
      return { count: results.length, found: results.filter((r) => r.result === 'found').length, results };
    },

    async verifyCsv(caller: EmployerCaller, text: string) {
      const { codes, problems } = readCodesCsv(text);
      if (problems.length) throw validationFailed('The CSV of codes cannot be read', problems.map((p) => ({ pointer: '', line: p.line, message: `line ${p.line}: ${p.message}` })));
      await count(caller, 0, codes.length);
      const results = await lookup(caller, codes.map((c) => ({ input: c.code, line: c.line })));
      return { count: results.length, found: results.filter((r) => r.result === 'found').length, results };
    },

    toCsv(results: EmployerVerification[]): string {
      const header = ['line', 'input', 'result', 'verification_code', 'holder', 'credential', 'issued_on', 'valid_through', 'status', 'status_reason'];
      return [csvLine(header), ...results.map((r) => csvLine([r.line ?? '', r.input, r.result, r.verificationCode, r.holder, r.credential, r.issuedOn, r.validThrough, r.status, r.statusReason ?? r.problem ?? '']))].join('\n') + '\n';
    },

    // ---- administration ----

    async listOrgs(actor: Actor): Promise<EmployerOrg[]> {
      assertAdmin(actor);
      const list = await repo.orgs(db);
      const keys = await repo.keysOf(db, list.map((o) => o.id));
      const counts = await repo.deliveryCounts(db);
      return list.map((o) => {
        const mine = counts.filter((c) => c.orgId === o.id);
        const n = (s: string) => Number(mine.find((c) => c.state === s)?.n ?? 0);
        return {
          id: o.id,
          name: o.name,
          contactEmail: o.contactEmail,
          webhookUrl: o.webhookUrl,
          disabled: o.disabled,
          createdAt: o.createdAt.toISOString(),
          keys: keys.filter((k) => k.orgId === o.id).map((k) => ({ id: k.id, label: k.label, prefix: k.prefix, createdAt: k.createdAt.toISOString(), lastUsedAt: k.lastUsedAt?.toISOString() ?? null, revokedAt: k.revokedAt?.toISOString() ?? null })),
          deliveries: { pending: n('pending'), delivered: n('delivered'), failed: n('failed') },
        };
      });
    },

    async createOrg(actor: Actor, input: { name: string; contactEmail?: string }) {
      assertAdmin(actor);
      return db.transaction(async (tx) => {
        const org = await repo.insertOrg(tx, { name: input.name, contactEmail: input.contactEmail ?? null });
        if (!org) throw conflict(`An organization named "${input.name}" exists already`);
        await deps.audit.record(actor, { action: 'employer.created', subjectType: 'employer', subjectId: org.id, details: { name: org.name } }, tx);
        return { id: org.id, name: org.name, contactEmail: org.contactEmail, webhookUrl: null, disabled: false, createdAt: org.createdAt.toISOString(), keys: [], deliveries: { pending: 0, delivered: 0, failed: 0 } };
      });
    },

    async createKey(actor: Actor, orgId: string, label: string) {
      assertAdmin(actor);
      await orgOr404(orgId);
      const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
      return db.transaction(async (tx) => {
        const row = await repo.insertKey(tx, { orgId, label, prefix: key.slice(0, 12), keyHash: sha256(key), createdBy: actor.userId });
        await deps.audit.record(actor, { action: 'employer.key-created', subjectType: 'employer', subjectId: orgId, details: { keyId: row.id, label, prefix: row.prefix } }, tx);
        return { id: row.id, label, prefix: row.prefix, key };
      });
    },

    async revokeKey(actor: Actor, orgId: string, keyId: string) {
      assertAdmin(actor);
      return db.transaction(async (tx) => {
        if (!(await repo.revokeKey(tx, orgId, keyId, clock.now()))) throw notFound('a live API key with this id in this organization');
        await deps.audit.record(actor, { action: 'employer.key-revoked', subjectType: 'employer', subjectId: orgId, details: { keyId } }, tx);
        return { ok: true as const };
      });
    },

    /** Sets (or clears, with null) the webhook URL; a new signing secret is made and shown once each time. */
    async setWebhook(actor: Actor, orgId: string, url: string | null) {
      assertAdmin(actor);
      await orgOr404(orgId);
      if (url && deps.requireHttpsWebhooks && !url.startsWith('https://')) throw validationFailed('Webhook URLs must use https in production', [{ pointer: '/url', message: 'use an https:// URL' }]);
      const secret = url ? `whsec_${randomBytes(24).toString('base64url')}` : null;
      return db.transaction(async (tx) => {
        await repo.setWebhook(tx, orgId, url, secret);
        await deps.audit.record(actor, { action: url ? 'employer.webhook-set' : 'employer.webhook-cleared', subjectType: 'employer', subjectId: orgId, details: { url } }, tx);
        return { webhookUrl: url, secret };
      });
    },

    async deliveries(actor: Actor, orgId: string) {
      assertAdmin(actor);
      await orgOr404(orgId);
      return (await repo.deliveriesOf(db, orgId, 200)).map((r) => ({
        id: r.d.id,
        event: r.kind,
        verificationCode: r.code,
        state: r.d.state,
        attempts: r.d.attempts,
        nextAttemptAt: r.d.nextAttemptAt.toISOString(),
        lastStatus: r.d.lastStatus,
        lastError: r.d.lastError,
        deliveredAt: r.d.deliveredAt?.toISOString() ?? null,
      }));
    },

    // ---- background work (every instance runs it; the database keeps it exactly-once / at-least-once) ----

    /** Records an expiry event for credentials verified by an organization that have expired; returns how many. */
    async announceExpiries(limit = 200): Promise<number> {
      const now = clock.now();
      let n = 0;
      for (const id of await repo.expiredUnannounced(db, now, limit)) {
        const expiresAt = await repo.credentialExpiresAt(db, id);
        if (expiresAt && (await db.transaction((tx) => deps.scoring.lifecycle.expired(tx, id, expiresAt)))) n++;
      }
      await repo.pruneUsage(db, new Date(now.getTime() - 3600_000));
      return n;
    },

    /** Sends the deliveries that are due; returns the outcomes (for tests and logs). */
    async deliverDue(limit = 20): Promise<{ id: string; status: number | null; state: string }[]> {
      const now = clock.now();
      const claimed = await db.transaction((tx) => repo.claimDue(tx, now, new Date(now.getTime() + 60_000), limit));
      const outcomes = [];
      for (const d of claimed) {
        const attempts = d.attempts + 1;
        let status: number | null = null;
        let error: string | null = null;
        if (!d.url || !d.secret) {
          error = 'the organization has no webhook URL any more';
        } else {
          const body = JSON.stringify(
            webhookPayload({
              eventId: d.eventId,
              kind: d.kind,
              occurredAt: d.occurredAt,
              reason: d.reason,
              credential: { verificationCode: d.credential.verificationCode, holder: d.holder, credential: credentialName(d.credential), kind: d.credential.kind, module: d.credential.module, validThrough: d.credential.validThrough, status: deps.scoring.statusOf(d.credential, clock.now()) },
            }),
          );
          const t = Math.floor(clock.now().getTime() / 1000);
          const signature = createHmac('sha256', d.secret).update(signedContent(t, body)).digest('hex');
          try {
            status = (await post(d.url, body, { 'content-type': 'application/json', 'user-agent': 'cpt-exam-webhooks/1', 'cpt-event-id': d.eventId, 'cpt-event-type': `credential.${d.kind}`, 'cpt-delivery-id': d.id, 'cpt-signature': `t=${t},v1=${signature}` })).status;
            if (status < 200 || status >= 300) error = `HTTP ${status}`;
          } catch (e) {
            error = (e as Error).message.slice(0, 500);
          }
        }
        const done = clock.now();
        const ok = error === null;
        const state = ok ? 'delivered' : attempts >= WEBHOOK_MAX_ATTEMPTS || !d.url ? 'failed' : 'pending';
        await repo.finishAttempt(db, d.id, { state, attempts, nextAttemptAt: ok ? done : new Date(done.getTime() + webhookBackoffMs(attempts, random())), lastStatus: status, lastError: error, deliveredAt: ok ? done : null });
        outcomes.push({ id: d.id, status, state });
      }
      return outcomes;
    },
  };
  return service;
}

export type EmployerService = ReturnType<typeof createEmployerService>;
