ALTER TABLE "handoff_recipients" ADD COLUMN "stale_offered_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "handoff_recipients" ADD COLUMN "nudged_on" date;