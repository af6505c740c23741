ALTER TYPE "public"."item_status" ADD VALUE 'practice';--> statement-breakpoint
CREATE TABLE "practice_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"candidate_id" uuid NOT NULL,
	"module" "module_code" NOT NULL,
	"blueprint_version" text NOT NULL,
	"seed" text NOT NULL,
	"timed" boolean NOT NULL,
	"time_limit_ms" integer,
	"started_at" timestamp with time zone NOT NULL,
	"deadline_at" timestamp with time zone,
	"items" jsonb NOT NULL,
	"answers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"flags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"ended_at" timestamp with time zone,
	"end_reason" text,
	"result" jsonb
);
--> statement-breakpoint
ALTER TABLE "practice_attempts" ADD CONSTRAINT "practice_attempts_candidate_id_users_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "practice_attempts_candidate_idx" ON "practice_attempts" USING btree ("candidate_id","started_at");