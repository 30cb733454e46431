ALTER TABLE "users" ADD COLUMN "is_admin" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "weekly_report" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "report_week" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "report_link" text;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "stale_after_working_days" smallint DEFAULT 2 NOT NULL;--> statement-breakpoint
CREATE INDEX "users_weekly_report_idx" ON "users" USING btree ("weekly_report");