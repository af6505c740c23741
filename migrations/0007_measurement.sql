CREATE TABLE "calibration_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"module" "module_code" NOT NULL,
	"kind" text NOT NULL,
	"sessions" integer NOT NULL,
	"result" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"adopted_by" uuid,
	"adopted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "item_parameters" (
	"item_id" text PRIMARY KEY NOT NULL,
	"module" "module_code" NOT NULL,
	"difficulty" double precision NOT NULL,
	"se" double precision NOT NULL,
	"n" integer NOT NULL,
	"run_id" uuid NOT NULL,
	"adopted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "measurement_scales" (
	"module" "module_code" NOT NULL,
	"version" integer NOT NULL,
	"theta_cut" double precision NOT NULL,
	"scale_min" integer NOT NULL,
	"scale_max" integer NOT NULL,
	"scale_cut" integer NOT NULL,
	"per_logit" double precision NOT NULL,
	"study" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"approved_by" uuid,
	"approved_at" timestamp with time zone,
	CONSTRAINT "measurement_scales_module_version_pk" PRIMARY KEY("module","version")
);
--> statement-breakpoint
ALTER TABLE "calibration_runs" ADD CONSTRAINT "calibration_runs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibration_runs" ADD CONSTRAINT "calibration_runs_adopted_by_users_id_fk" FOREIGN KEY ("adopted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_parameters" ADD CONSTRAINT "item_parameters_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_parameters" ADD CONSTRAINT "item_parameters_run_id_calibration_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."calibration_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measurement_scales" ADD CONSTRAINT "measurement_scales_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measurement_scales" ADD CONSTRAINT "measurement_scales_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;