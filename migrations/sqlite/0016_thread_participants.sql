CREATE TABLE `thread_participants` (
	`team_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`thread_ts` text NOT NULL,
	`user_id` text NOT NULL,
	`started` integer DEFAULT false NOT NULL,
	`in_parent` integer DEFAULT false NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	PRIMARY KEY(`team_id`, `channel_id`, `thread_ts`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `thread_participants_seen_idx` ON `thread_participants` (`last_seen_at`);