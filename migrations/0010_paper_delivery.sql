CREATE TABLE "paper_booklets" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"booklet_code" text NOT NULL,
	"candidate_code" text NOT NULL,
	"form_id" uuid NOT NULL,
	"produced_at" timestamp with time zone NOT NULL,
	"produced_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone,
	"recorded_by" uuid,
	"source" text,
	CONSTRAINT "paper_booklets_booklet_code_unique" UNIQUE("booklet_code")
);
--> statement-breakpoint
CREATE TABLE "paper_entries" (
	"session_id" uuid NOT NULL,
	"entry" integer NOT NULL,
	"marks" jsonb NOT NULL,
	"keyed_by" uuid NOT NULL,
	"keyed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "paper_entries_session_id_entry_pk" PRIMARY KEY("session_id","entry")
);
--> statement-breakpoint
ALTER TABLE "exam_sessions" ADD COLUMN "delivery" text DEFAULT 'online' NOT NULL;--> statement-breakpoint
ALTER TABLE "paper_booklets" ADD CONSTRAINT "paper_booklets_session_id_exam_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."exam_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paper_booklets" ADD CONSTRAINT "paper_booklets_form_id_forms_id_fk" FOREIGN KEY ("form_id") REFERENCES "public"."forms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paper_booklets" ADD CONSTRAINT "paper_booklets_produced_by_users_id_fk" FOREIGN KEY ("produced_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paper_booklets" ADD CONSTRAINT "paper_booklets_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paper_entries" ADD CONSTRAINT "paper_entries_session_id_paper_booklets_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."paper_booklets"("session_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paper_entries" ADD CONSTRAINT "paper_entries_keyed_by_users_id_fk" FOREIGN KEY ("keyed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;