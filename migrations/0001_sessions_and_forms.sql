CREATE TYPE "public"."form_item_role" AS ENUM('scored', 'pretest');--> statement-breakpoint
CREATE TYPE "public"."form_kind" AS ENUM('linear-on-the-fly', 'fixed');--> statement-breakpoint
CREATE TYPE "public"."form_status" AS ENUM('draft', 'published');--> statement-breakpoint
CREATE TYPE "public"."time_ledger_kind" AS ENUM('start', 'pause', 'resume', 'extend', 'credit', 'stop');--> statement-breakpoint
CREATE TYPE "public"."session_state" AS ENUM('scheduled', 'checked_in', 'in_progress', 'paused', 'submitted', 'expired', 'terminated', 'scored');--> statement-breakpoint
CREATE TABLE "form_items" (
	"form_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"item_id" text NOT NULL,
	"item_version" integer NOT NULL,
	"kwa" text NOT NULL,
	"role" "form_item_role" NOT NULL,
	"option_order" jsonb NOT NULL,
	CONSTRAINT "form_items_form_id_position_pk" PRIMARY KEY("form_id","position")
);
--> statement-breakpoint
CREATE TABLE "forms" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"module" "module_code" NOT NULL,
	"blueprint_version" text NOT NULL,
	"bank_revision" bigint NOT NULL,
	"seed" text NOT NULL,
	"algorithm_version" text NOT NULL,
	"kind" "form_kind" NOT NULL,
	"status" "form_status" NOT NULL,
	"label" text,
	"certificate" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "exam_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"candidate_id" uuid NOT NULL,
	"test_center_id" uuid NOT NULL,
	"module" "module_code" NOT NULL,
	"blueprint_version" text NOT NULL,
	"state" "session_state" NOT NULL,
	"scheduled_at" timestamp with time zone NOT NULL,
	"time_multiplier" real DEFAULT 1 NOT NULL,
	"accommodation_note" text,
	"checked_in_at" timestamp with time zone,
	"admitted_at" timestamp with time zone,
	"admitted_by" uuid,
	"id_confirmed" boolean DEFAULT false NOT NULL,
	"handbook_version" text,
	"handbook_acknowledged_at" timestamp with time zone,
	"form_id" uuid,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"end_reason" text,
	"end_note" text,
	"pause_reason" text,
	"allowed_ms" bigint NOT NULL,
	"used_ms" bigint DEFAULT 0 NOT NULL,
	"running_since" timestamp with time zone,
	"deadline_at" timestamp with time zone,
	"connection_id" text,
	"last_seen_at" timestamp with time zone,
	"position_item_id" text,
	"position_seq" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "responses" (
	"session_id" uuid NOT NULL,
	"item_id" text NOT NULL,
	"option_id" text,
	"answer_seq" integer DEFAULT 0 NOT NULL,
	"flagged" boolean DEFAULT false NOT NULL,
	"flag_seq" integer DEFAULT 0 NOT NULL,
	"answered_at" timestamp with time zone,
	CONSTRAINT "responses_session_id_item_id_pk" PRIMARY KEY("session_id","item_id")
);
--> statement-breakpoint
CREATE TABLE "session_time_ledger" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" time_ledger_kind NOT NULL,
	"amount_ms" bigint,
	"actor_id" uuid,
	"reason" text
);
--> statement-breakpoint
ALTER TABLE "form_items" ADD CONSTRAINT "form_items_form_id_forms_id_fk" FOREIGN KEY ("form_id") REFERENCES "public"."forms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forms" ADD CONSTRAINT "forms_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exam_sessions" ADD CONSTRAINT "exam_sessions_candidate_id_users_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exam_sessions" ADD CONSTRAINT "exam_sessions_test_center_id_test_centers_id_fk" FOREIGN KEY ("test_center_id") REFERENCES "public"."test_centers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exam_sessions" ADD CONSTRAINT "exam_sessions_form_id_forms_id_fk" FOREIGN KEY ("form_id") REFERENCES "public"."forms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responses" ADD CONSTRAINT "responses_session_id_exam_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."exam_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_time_ledger" ADD CONSTRAINT "session_time_ledger_session_id_exam_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."exam_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "form_items_item_idx" ON "form_items" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "forms_module_status_idx" ON "forms" USING btree ("module","kind","status");--> statement-breakpoint
CREATE INDEX "exam_sessions_state_deadline_idx" ON "exam_sessions" USING btree ("state","deadline_at");--> statement-breakpoint
CREATE INDEX "exam_sessions_center_idx" ON "exam_sessions" USING btree ("test_center_id","scheduled_at");--> statement-breakpoint
CREATE INDEX "exam_sessions_candidate_idx" ON "exam_sessions" USING btree ("candidate_id","module");--> statement-breakpoint
CREATE INDEX "session_time_ledger_session_idx" ON "session_time_ledger" USING btree ("session_id","id");