DROP INDEX "recipients_waiting_idx";--> statement-breakpoint
ALTER TABLE "handoff_recipients" ADD COLUMN "recipient_team_id" text;--> statement-breakpoint
-- Until now every recipient was of the handoff's workspace.
UPDATE "handoff_recipients" SET "recipient_team_id" = "team_id";--> statement-breakpoint
ALTER TABLE "handoff_recipients" ALTER COLUMN "recipient_team_id" SET NOT NULL;--> statement-breakpoint
-- A workspace's rows (its handoffs' recipients), for export and the purge after an uninstall: the
-- index they used before started with team_id.
CREATE INDEX "recipients_team_idx" ON "handoff_recipients" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "recipients_waiting_idx" ON "handoff_recipients" USING btree ("recipient_team_id","user_id","active","handoff_open","handoff_created_at","handoff_id");
