CREATE TABLE "delivery_pace" (
	"team_id" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"rate" double precision NOT NULL,
	"last_slot_at" double precision,
	"paused_until" timestamp (3) with time zone,
	"limit_seen" double precision,
	"settle_share" double precision NOT NULL,
	"probe_after_ms" integer NOT NULL,
	"last_limited_at" timestamp (3) with time zone,
	"last_settle_limited_at" timestamp (3) with time zone,
	"adjusted_at" timestamp (3) with time zone NOT NULL,
	"window_start" timestamp (3) with time zone NOT NULL,
	"taken_at" text NOT NULL,
	"sent_at" text NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
