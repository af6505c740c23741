CREATE TABLE "exposure_items" (
	"module" "module_code" NOT NULL,
	"item_id" text NOT NULL,
	"forms" integer NOT NULL,
	CONSTRAINT "exposure_items_module_item_id_pk" PRIMARY KEY("module","item_id")
);
--> statement-breakpoint
CREATE TABLE "exposure_modules" (
	"module" "module_code" PRIMARY KEY NOT NULL,
	"forms" integer NOT NULL
);
--> statement-breakpoint
-- Backfill from the forms published so far (the aggregate admissions ran before this migration). Writers wait while
-- it runs, so both counts are taken over the same set of forms.
LOCK TABLE "forms", "form_items" IN SHARE MODE;--> statement-breakpoint
INSERT INTO "exposure_modules" ("module", "forms")
SELECT "module", count(*)::int FROM "forms" WHERE "status" = 'published' GROUP BY "module";--> statement-breakpoint
INSERT INTO "exposure_items" ("module", "item_id", "forms")
SELECT f."module", fi."item_id", count(*)::int
FROM "form_items" fi JOIN "forms" f ON f."id" = fi."form_id"
WHERE f."status" = 'published'
GROUP BY f."module", fi."item_id";
