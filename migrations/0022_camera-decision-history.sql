ALTER TYPE "public"."incident_kind" ADD VALUE 'camera-reopened' BEFORE 'break-started';--> statement-breakpoint
CREATE TABLE "camera_consent_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"consented" boolean NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	"superseded_at" timestamp with time zone NOT NULL,
	"superseded_by" uuid NOT NULL,
	"reason" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "camera_consent_history" ADD CONSTRAINT "camera_consent_history_session_id_exam_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."exam_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "camera_consent_history_session_idx" ON "camera_consent_history" USING btree ("session_id","superseded_at");