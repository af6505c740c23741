CREATE TYPE "public"."extension_request_status" AS ENUM('pending', 'approved', 'declined');--> statement-breakpoint
CREATE TYPE "public"."incident_category" AS ENUM('identity', 'prohibited-item', 'communication', 'technical', 'disturbance', 'other', 'administrative');--> statement-breakpoint
CREATE TYPE "public"."incident_severity" AS ENUM('low', 'medium', 'high');--> statement-breakpoint
ALTER TYPE "public"."incident_kind" ADD VALUE 'disconnected';--> statement-breakpoint
ALTER TYPE "public"."incident_kind" ADD VALUE 'paused';--> statement-breakpoint
ALTER TYPE "public"."incident_kind" ADD VALUE 'resumed';--> statement-breakpoint
ALTER TYPE "public"."incident_kind" ADD VALUE 'extended';--> statement-breakpoint
ALTER TYPE "public"."incident_kind" ADD VALUE 'extension-requested';--> statement-breakpoint
ALTER TYPE "public"."incident_kind" ADD VALUE 'extension-approved';--> statement-breakpoint
ALTER TYPE "public"."incident_kind" ADD VALUE 'extension-declined';--> statement-breakpoint
ALTER TYPE "public"."incident_kind" ADD VALUE 'terminated';--> statement-breakpoint
ALTER TYPE "public"."incident_kind" ADD VALUE 'reopened';--> statement-breakpoint
CREATE TABLE "extension_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"minutes" integer NOT NULL,
	"reason" text NOT NULL,
	"requested_by" uuid NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"status" "extension_request_status" DEFAULT 'pending' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"decision_note" text
);
--> statement-breakpoint
ALTER TABLE "session_incidents" ADD COLUMN "category" "incident_category" DEFAULT 'other' NOT NULL;--> statement-breakpoint
ALTER TABLE "session_incidents" ADD COLUMN "severity" "incident_severity" DEFAULT 'low' NOT NULL;--> statement-breakpoint
ALTER TABLE "extension_requests" ADD CONSTRAINT "extension_requests_session_id_exam_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."exam_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "extension_requests_status_idx" ON "extension_requests" USING btree ("status","requested_at");--> statement-breakpoint
CREATE INDEX "extension_requests_session_idx" ON "extension_requests" USING btree ("session_id");