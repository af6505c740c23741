CREATE TYPE "public"."recert_activity_status" AS ENUM('pending', 'approved', 'rejected');--> statement-breakpoint
CREATE TABLE "recert_evidence" (
	"activity_id" uuid PRIMARY KEY NOT NULL,
	"content_type" text NOT NULL,
	"file_name" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "public_rate_buckets" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"tokens" double precision NOT NULL,
	"granted" boolean NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "public_rate_buckets_scope_key_pk" PRIMARY KEY("scope","key")
);
--> statement-breakpoint
ALTER TABLE "recert_activities" ADD COLUMN "status" "recert_activity_status" DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE "recert_activities" ADD COLUMN "decided_by" uuid;--> statement-breakpoint
ALTER TABLE "recert_activities" ADD COLUMN "decided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "recert_activities" ADD COLUMN "decision_reason" text;--> statement-breakpoint
ALTER TABLE "recert_evidence" ADD CONSTRAINT "recert_evidence_activity_id_recert_activities_id_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."recert_activities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "public_rate_buckets_updated_idx" ON "public_rate_buckets" USING btree ("updated_at");--> statement-breakpoint
ALTER TABLE "recert_activities" ADD CONSTRAINT "recert_activities_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recert_activities_status_idx" ON "recert_activities" USING btree ("status");