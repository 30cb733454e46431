ALTER TABLE "users" ADD COLUMN "holiday_region" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "status_away_until" date;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "status_away_kind" text;