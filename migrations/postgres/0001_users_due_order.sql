DROP INDEX "users_next_digest_idx";--> statement-breakpoint
CREATE INDEX "users_next_digest_idx" ON "users" USING btree ("next_digest_at","team_id","user_id");