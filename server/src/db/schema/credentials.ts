/**
 * Result holds and voids, the Open Badges signing keys, employer organizations with their API keys, and the credential
 * events that employers' webhooks deliver (a transactional outbox: events are written in the same transaction as the
 * status change they report).
 */
import { boolean, doublePrecision, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts.ts';
import { credentials } from './scoring.ts';
import { examSessions } from './sessions.ts';

export const resultDispositionEnum = pgEnum('result_disposition', ['on-hold', 'void']);

/** A scored result an admin placed on hold or voided. No row: the result stands as scored. */
export const resultDispositions = pgTable('result_dispositions', {
  sessionId: uuid('session_id')
    .primaryKey()
    .references(() => examSessions.id, { onDelete: 'cascade' }),
  state: resultDispositionEnum('state').notNull(),
  reason: text('reason').notNull(),
  /** Void only: true when the voided attempt still counts as a failed attempt for the retake waits (misconduct). */
  countsAsAttempt: boolean('counts_as_attempt').notNull().default(false),
  decidedBy: uuid('decided_by').references(() => users.id),
  decidedAt: timestamp('decided_at', { withTimezone: true }).notNull(),
});

/** Public halves of every key that has signed credentials, so rotated-out keys still verify what they signed. */
export const signingKeys = pgTable('signing_keys', {
  kid: text('kid').primaryKey(),
  publicJwk: jsonb('public_jwk').$type<Record<string, string>>().notNull(),
  firstUsedAt: timestamp('first_used_at', { withTimezone: true }).notNull().defaultNow(),
});

export const employerOrgs = pgTable('employer_orgs', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  contactEmail: text('contact_email'),
  /** Where credential events are POSTed; null: no webhooks. */
  webhookUrl: text('webhook_url'),
  /** HMAC-SHA256 key for the webhook signature; kept as is because the server must sign with it. */
  webhookSecret: text('webhook_secret'),
  disabled: boolean('disabled').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** API keys: only a SHA-256 of the key is stored; the key is shown once, when created. */
export const employerApiKeys = pgTable(
  'employer_api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => employerOrgs.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    /** The key's first characters, shown in lists so people can tell keys apart. */
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('employer_api_keys_hash_idx').on(t.keyHash), index('employer_api_keys_org_idx').on(t.orgId)],
);

/** Which organization verified which credential: they are told (webhook) when it is revoked or expires. */
export const employerVerifications = pgTable(
  'employer_verifications',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => employerOrgs.id, { onDelete: 'cascade' }),
    credentialId: uuid('credential_id')
      .notNull()
      .references(() => credentials.id, { onDelete: 'cascade' }),
    firstVerifiedAt: timestamp('first_verified_at', { withTimezone: true }).notNull(),
    lastVerifiedAt: timestamp('last_verified_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.credentialId] }), index('employer_verifications_credential_idx').on(t.credentialId)],
);

/** Requests and codes per organization per minute, counted across every server instance. */
export const employerRateWindows = pgTable(
  'employer_rate_windows',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => employerOrgs.id, { onDelete: 'cascade' }),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    requests: integer('requests').notNull().default(0),
    codes: integer('codes').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.windowStart] })],
);

export const credentialEventKindEnum = pgEnum('credential_event_kind', ['revoked', 'suspended', 'reinstated', 'expired']);

/** What happened to a credential. dedupeKey makes enqueueing exactly-once across instances (unique). */
export const credentialEvents = pgTable(
  'credential_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    credentialId: uuid('credential_id')
      .notNull()
      .references(() => credentials.id, { onDelete: 'cascade' }),
    kind: credentialEventKindEnum('kind').notNull(),
    reason: text('reason'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    dedupeKey: text('dedupe_key').notNull(),
  },
  (t) => [uniqueIndex('credential_events_dedupe_idx').on(t.dedupeKey), index('credential_events_credential_idx').on(t.credentialId)],
);

export const webhookStateEnum = pgEnum('webhook_state', ['pending', 'delivered', 'failed']);

/** One event to one organization: retried with backoff until a 2xx or the attempts run out. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventId: uuid('event_id')
      .notNull()
      .references(() => credentialEvents.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => employerOrgs.id, { onDelete: 'cascade' }),
    state: webhookStateEnum('state').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    /** A lease: an instance that claimed the delivery sends it before this; after it, another may. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('webhook_deliveries_event_org_idx').on(t.eventId, t.orgId), index('webhook_deliveries_due_idx').on(t.state, t.nextAttemptAt)],
);

/**
 * Token buckets of the public lookups (`/api/verify`), per scope and client address, shared by every instance: one
 * atomic upsert spends a token (credentials.repository.ts `takePublicToken`). A row idle long enough to be full again
 * means the same as no row and is deleted.
 */
export const publicRateBuckets = pgTable(
  'public_rate_buckets',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    tokens: doublePrecision('tokens').notNull(),
    /** Whether the last request was let through (the upsert's answer). */
    granted: boolean('granted').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('public_rate_buckets_updated_idx').on(t.updatedAt)],
);
