ALTER TABLE "outbox" ADD COLUMN "posted" text;--> statement-breakpoint
CREATE INDEX "outbox_message_idx" ON "outbox" USING btree ("team_id","message_ts");