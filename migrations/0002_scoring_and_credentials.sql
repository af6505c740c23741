CREATE TYPE "public"."credential_kind" AS ENUM('module', 'full-cpt');--> statement-breakpoint
CREATE TYPE "public"."credential_status" AS ENUM('active', 'revoked');--> statement-breakpoint
CREATE TABLE "certification_policies" (
	"version" text PRIMARY KEY NOT NULL,
	"body" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credentials" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"candidate_id" uuid NOT NULL,
	"kind" "credential_kind" NOT NULL,
	"module" "module_code",
	"session_id" uuid,
	"verification_code" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"issued_on" text NOT NULL,
	"valid_through" text NOT NULL,
	"time_zone" text NOT NULL,
	"policy_version" text NOT NULL,
	"status" "credential_status" DEFAULT 'active' NOT NULL,
	"status_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recert_activities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"candidate_id" uuid NOT NULL,
	"category" text NOT NULL,
	"points" real NOT NULL,
	"completed_at" timestamp with time zone NOT NULL,
	"description" text NOT NULL,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "score_history" (
	"id" serial PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"result" jsonb NOT NULL,
	"scored_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session_scores" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"scoring_version" text NOT NULL,
	"raw_score" integer NOT NULL,
	"scored_items" integer NOT NULL,
	"percent" real NOT NULL,
	"passed" boolean NOT NULL,
	"result" jsonb NOT NULL,
	"scored_at" timestamp with time zone NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_candidate_id_users_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_session_id_exam_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."exam_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recert_activities" ADD CONSTRAINT "recert_activities_candidate_id_users_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_history" ADD CONSTRAINT "score_history_session_id_exam_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."exam_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_scores" ADD CONSTRAINT "session_scores_session_id_exam_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."exam_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "credentials_code_idx" ON "credentials" USING btree ("verification_code");--> statement-breakpoint
CREATE INDEX "credentials_candidate_idx" ON "credentials" USING btree ("candidate_id");--> statement-breakpoint
CREATE INDEX "recert_activities_candidate_idx" ON "recert_activities" USING btree ("candidate_id");--> statement-breakpoint
CREATE INDEX "score_history_session_idx" ON "score_history" USING btree ("session_id");