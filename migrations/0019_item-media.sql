CREATE TABLE "item_version_media" (
	"item_id" text NOT NULL,
	"version" integer NOT NULL,
	"sha256" text NOT NULL,
	CONSTRAINT "item_version_media_item_id_version_sha256_pk" PRIMARY KEY("item_id","version","sha256")
);
--> statement-breakpoint
CREATE TABLE "media" (
	"sha256" text PRIMARY KEY NOT NULL,
	"media_type" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"size" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid
);
--> statement-breakpoint
ALTER TABLE "item_version_media" ADD CONSTRAINT "item_version_media_sha256_media_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."media"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "item_version_media_sha_idx" ON "item_version_media" USING btree ("sha256");