CREATE TYPE "public"."credential_event_kind" AS ENUM('revoked', 'suspended', 'reinstated', 'expired');--> statement-breakpoint
CREATE TYPE "public"."result_disposition" AS ENUM('on-hold', 'void');--> statement-breakpoint
CREATE TYPE "public"."webhook_state" AS ENUM('pending', 'delivered', 'failed');--> statement-breakpoint
ALTER TYPE "public"."credential_status" ADD VALUE 'suspended' BEFORE 'revoked';--> statement-breakpoint
CREATE TABLE "credential_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"credential_id" uuid NOT NULL,
	"kind" "credential_event_kind" NOT NULL,
	"reason" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"dedupe_key" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "employer_api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"label" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "employer_orgs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"contact_email" text,
	"webhook_url" text,
	"webhook_secret" text,
	"disabled" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "employer_orgs_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "employer_rate_windows" (
	"org_id" uuid NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"codes" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "employer_rate_windows_org_id_window_start_pk" PRIMARY KEY("org_id","window_start")
);
--> statement-breakpoint
CREATE TABLE "employer_verifications" (
	"org_id" uuid NOT NULL,
	"credential_id" uuid NOT NULL,
	"first_verified_at" timestamp with time zone NOT NULL,
	"last_verified_at" timestamp with time zone NOT NULL,
	CONSTRAINT "employer_verifications_org_id_credential_id_pk" PRIMARY KEY("org_id","credential_id")
);
--> statement-breakpoint
CREATE TABLE "result_dispositions" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"state" "result_disposition" NOT NULL,
	"reason" text NOT NULL,
	"counts_as_attempt" boolean DEFAULT false NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signing_keys" (
	"kid" text PRIMARY KEY NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"first_used_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"state" "webhook_state" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	"last_status" integer,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "credentials" ADD COLUMN "status_changed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "credentials" ADD COLUMN "status_seq" serial NOT NULL;--> statement-breakpoint
ALTER TABLE "credential_events" ADD CONSTRAINT "credential_events_credential_id_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."credentials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employer_api_keys" ADD CONSTRAINT "employer_api_keys_org_id_employer_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."employer_orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employer_api_keys" ADD CONSTRAINT "employer_api_keys_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employer_rate_windows" ADD CONSTRAINT "employer_rate_windows_org_id_employer_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."employer_orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employer_verifications" ADD CONSTRAINT "employer_verifications_org_id_employer_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."employer_orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employer_verifications" ADD CONSTRAINT "employer_verifications_credential_id_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."credentials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "result_dispositions" ADD CONSTRAINT "result_dispositions_session_id_exam_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."exam_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "result_dispositions" ADD CONSTRAINT "result_dispositions_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_credential_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."credential_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_org_id_employer_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."employer_orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "credential_events_dedupe_idx" ON "credential_events" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "credential_events_credential_idx" ON "credential_events" USING btree ("credential_id");--> statement-breakpoint
CREATE UNIQUE INDEX "employer_api_keys_hash_idx" ON "employer_api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "employer_api_keys_org_idx" ON "employer_api_keys" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "employer_verifications_credential_idx" ON "employer_verifications" USING btree ("credential_id");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_event_org_idx" ON "webhook_deliveries" USING btree ("event_id","org_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("state","next_attempt_at");--> statement-breakpoint
CREATE UNIQUE INDEX "credentials_status_seq_idx" ON "credentials" USING btree ("status_seq");