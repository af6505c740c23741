CREATE TYPE "public"."incident_kind" AS ENUM('focus-lost', 'page-hidden', 'fullscreen-exit', 'second-connection', 'long-disconnect', 'auto-pause', 'proctor-note');--> statement-breakpoint
CREATE TABLE "session_incidents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" "incident_kind" NOT NULL,
	"source" text NOT NULL,
	"actor_id" uuid,
	"note" text
);
--> statement-breakpoint
ALTER TABLE "exam_sessions" ADD COLUMN "rtt_ms" integer;--> statement-breakpoint
ALTER TABLE "exam_sessions" ADD COLUMN "pending_answers" integer;--> statement-breakpoint
ALTER TABLE "session_incidents" ADD CONSTRAINT "session_incidents_session_id_exam_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."exam_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "session_incidents_session_idx" ON "session_incidents" USING btree ("session_id","id");