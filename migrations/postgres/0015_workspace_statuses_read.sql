ALTER TABLE "workspaces" ADD COLUMN "statuses_read_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "statuses_cursor" text;