CREATE TABLE `delivery_pace` (
	`team_id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`rate` real NOT NULL,
	`last_slot_at` real,
	`paused_until` integer,
	`limit_seen` real,
	`settle_share` real NOT NULL,
	`probe_after_ms` integer NOT NULL,
	`last_limited_at` integer,
	`last_settle_limited_at` integer,
	`adjusted_at` integer NOT NULL,
	`window_start` integer NOT NULL,
	`taken_at` text NOT NULL,
	`sent_at` text NOT NULL,
	`updated_at` integer NOT NULL
);
