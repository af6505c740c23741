ALTER TYPE "public"."incident_kind" ADD VALUE 'raise-hand';--> statement-breakpoint
ALTER TYPE "public"."incident_kind" ADD VALUE 'hand-answered';--> statement-breakpoint
ALTER TYPE "public"."incident_kind" ADD VALUE 'proctor-message';