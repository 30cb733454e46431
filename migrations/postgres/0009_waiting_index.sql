DROP INDEX "recipients_user_idx";--> statement-breakpoint
ALTER TABLE "handoff_recipients" ADD COLUMN "handoff_open" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "handoff_recipients" ADD COLUMN "handoff_created_at" timestamp (3) with time zone;--> statement-breakpoint
UPDATE "handoff_recipients" r SET "handoff_open" = h."state" IN ('open', 'acknowledged'), "handoff_created_at" = h."created_at" FROM "handoffs" h WHERE h."id" = r."handoff_id";--> statement-breakpoint
ALTER TABLE "handoff_recipients" ALTER COLUMN "handoff_created_at" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "recipients_waiting_idx" ON "handoff_recipients" USING btree ("team_id","user_id","active","handoff_open","handoff_created_at","handoff_id");
