CREATE TYPE "public"."blueprint_status" AS ENUM('proposed', 'approved', 'rejected');--> statement-breakpoint
ALTER TYPE "public"."form_status" ADD VALUE 'proposed' BEFORE 'published';--> statement-breakpoint
ALTER TABLE "forms" ADD COLUMN "publish_proposed_by" uuid;--> statement-breakpoint
ALTER TABLE "forms" ADD COLUMN "publish_proposed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "forms" ADD COLUMN "published_by" uuid;--> statement-breakpoint
ALTER TABLE "blueprints" ADD COLUMN "status" "blueprint_status" DEFAULT 'approved' NOT NULL;--> statement-breakpoint
ALTER TABLE "blueprints" ADD COLUMN "proposed_by" uuid;--> statement-breakpoint
ALTER TABLE "blueprints" ADD COLUMN "decided_by" uuid;--> statement-breakpoint
ALTER TABLE "blueprints" ADD COLUMN "decided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "blueprints" ADD COLUMN "decision_note" text;--> statement-breakpoint
ALTER TABLE "blueprints" ADD COLUMN "live_since" timestamp with time zone DEFAULT now();--> statement-breakpoint
ALTER TABLE "forms" ADD CONSTRAINT "forms_publish_proposed_by_users_id_fk" FOREIGN KEY ("publish_proposed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forms" ADD CONSTRAINT "forms_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blueprints" ADD CONSTRAINT "blueprints_proposed_by_users_id_fk" FOREIGN KEY ("proposed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blueprints" ADD CONSTRAINT "blueprints_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
UPDATE "blueprints" SET "live_since" = "created_at", "decided_at" = "created_at";