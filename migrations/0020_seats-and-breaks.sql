ALTER TYPE "public"."incident_kind" ADD VALUE 'break-started';--> statement-breakpoint
ALTER TYPE "public"."incident_kind" ADD VALUE 'break-ended';--> statement-breakpoint
ALTER TABLE "exam_sessions" ADD COLUMN "seat_label" text;--> statement-breakpoint
ALTER TABLE "exam_sessions" ADD COLUMN "seat_day" date;--> statement-breakpoint
ALTER TABLE "exam_sessions" ADD COLUMN "break_ends_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "exam_sessions" ADD COLUMN "breaks_taken" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "exam_sessions_seat_idx" ON "exam_sessions" USING btree ("test_center_id","seat_day",lower("seat_label")) WHERE seat_label is not null and state in ('scheduled', 'checked_in', 'in_progress', 'paused');--> statement-breakpoint
CREATE INDEX "exam_sessions_break_idx" ON "exam_sessions" USING btree ("break_ends_at") WHERE break_ends_at is not null;