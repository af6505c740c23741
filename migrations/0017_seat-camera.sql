ALTER TYPE "public"."incident_kind" ADD VALUE 'camera-failed';--> statement-breakpoint
ALTER TYPE "public"."incident_kind" ADD VALUE 'camera-declined';--> statement-breakpoint
CREATE TABLE "camera_consents" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"consented" boolean NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	"last_still_at" timestamp with time zone,
	"last_failure_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "camera_settings" (
	"test_center_id" uuid PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"interval_seconds" integer NOT NULL,
	"retention_days" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
CREATE TABLE "camera_stills" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"test_center_id" uuid NOT NULL,
	"taken_at" timestamp with time zone NOT NULL,
	"bytes" integer NOT NULL,
	"jpeg" "bytea" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "camera_consents" ADD CONSTRAINT "camera_consents_session_id_exam_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."exam_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "camera_settings" ADD CONSTRAINT "camera_settings_test_center_id_test_centers_id_fk" FOREIGN KEY ("test_center_id") REFERENCES "public"."test_centers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "camera_stills" ADD CONSTRAINT "camera_stills_session_id_exam_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."exam_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "camera_stills_session_idx" ON "camera_stills" USING btree ("session_id","taken_at");--> statement-breakpoint
CREATE INDEX "camera_stills_taken_idx" ON "camera_stills" USING btree ("taken_at");