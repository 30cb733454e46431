CREATE TABLE "thread_participants" (
	"team_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"thread_ts" text NOT NULL,
	"user_id" text NOT NULL,
	"started" boolean DEFAULT false NOT NULL,
	"in_parent" boolean DEFAULT false NOT NULL,
	"first_seen_at" timestamp (3) with time zone NOT NULL,
	"last_seen_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "thread_participants_team_id_channel_id_thread_ts_user_id_pk" PRIMARY KEY("team_id","channel_id","thread_ts","user_id")
);
--> statement-breakpoint
CREATE INDEX "thread_participants_seen_idx" ON "thread_participants" USING btree ("last_seen_at");