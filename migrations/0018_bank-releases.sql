CREATE TYPE "public"."release_status" AS ENUM('proposed', 'approved', 'rejected');--> statement-breakpoint
CREATE TABLE "bank_releases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"modules" jsonb NOT NULL,
	"notes" text,
	"status" "release_status" NOT NULL,
	"contents" jsonb NOT NULL,
	"bank_revision" integer NOT NULL,
	"proposed_by" uuid,
	"proposed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"current_since" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "forms" ADD COLUMN "release_id" uuid;--> statement-breakpoint
ALTER TABLE "exam_sessions" ADD COLUMN "release_id" uuid;--> statement-breakpoint
ALTER TABLE "bank_releases" ADD CONSTRAINT "bank_releases_proposed_by_users_id_fk" FOREIGN KEY ("proposed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_releases" ADD CONSTRAINT "bank_releases_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bank_releases_name_idx" ON "bank_releases" USING btree ("name");--> statement-breakpoint
ALTER TABLE "forms" ADD CONSTRAINT "forms_release_id_bank_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."bank_releases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exam_sessions" ADD CONSTRAINT "exam_sessions_release_id_bank_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."bank_releases"("id") ON DELETE no action ON UPDATE no action;