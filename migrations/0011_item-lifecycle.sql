CREATE TYPE "public"."item_review_action" AS ENUM('submitted', 'commented', 'approved', 'changes-requested', 'activated', 'retired');--> statement-breakpoint
ALTER TYPE "public"."item_status" ADD VALUE 'in-review' BEFORE 'pretest';--> statement-breakpoint
ALTER TYPE "public"."item_status" ADD VALUE 'approved' BEFORE 'pretest';--> statement-breakpoint
CREATE TABLE "item_reviews" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"item_id" text NOT NULL,
	"version" integer NOT NULL,
	"action" "item_review_action" NOT NULL,
	"actor_id" uuid,
	"comment" text,
	"from_status" "item_status" NOT NULL,
	"to_status" "item_status" NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "item_versions" ADD COLUMN "created_by" uuid;--> statement-breakpoint
ALTER TABLE "item_reviews" ADD CONSTRAINT "item_reviews_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_reviews" ADD CONSTRAINT "item_reviews_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "item_reviews_item_idx" ON "item_reviews" USING btree ("item_id","id");--> statement-breakpoint
ALTER TABLE "item_versions" ADD CONSTRAINT "item_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;