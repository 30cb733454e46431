CREATE TABLE `deflection_mutes` (
	`team_id` text NOT NULL,
	`user_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`team_id`, `user_id`, `channel_id`)
);
--> statement-breakpoint
CREATE TABLE `deflections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`team_id` text NOT NULL,
	`user_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`thread_ts` text NOT NULL,
	`message_ts` text NOT NULL,
	`reason` text NOT NULL,
	`pending_text` text,
	`pending_mentions` text,
	`outcome` text DEFAULT 'shown' NOT NULL,
	`handoff_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deflections_thread_uq` ON `deflections` (`team_id`,`channel_id`,`thread_ts`,`user_id`);--> statement-breakpoint
CREATE TABLE `handoff_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`team_id` text NOT NULL,
	`handoff_id` integer NOT NULL,
	`actor_id` text NOT NULL,
	`kind` text NOT NULL,
	`from_state` text,
	`to_state` text,
	`note` text,
	`detail` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `events_handoff_idx` ON `handoff_events` (`handoff_id`);--> statement-breakpoint
CREATE TABLE `handoff_recipients` (
	`handoff_id` integer NOT NULL,
	`team_id` text NOT NULL,
	`user_id` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`notified_at` integer,
	`snoozed_until_date` text,
	`added_at` integer NOT NULL,
	PRIMARY KEY(`handoff_id`, `user_id`),
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `recipients_user_idx` ON `handoff_recipients` (`team_id`,`user_id`,`active`);--> statement-breakpoint
CREATE TABLE `handoffs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`team_id` text NOT NULL,
	`number` integer NOT NULL,
	`author_id` text NOT NULL,
	`title` text NOT NULL,
	`context` text DEFAULT '' NOT NULL,
	`ask` text NOT NULL,
	`links` text DEFAULT '' NOT NULL,
	`if_offline` text DEFAULT '' NOT NULL,
	`needed_by_at` integer,
	`urgent` integer DEFAULT false NOT NULL,
	`state` text DEFAULT 'open' NOT NULL,
	`channel_id` text,
	`channel_ts` text,
	`source_permalink` text,
	`resolution_note` text,
	`resolved_by` text,
	`resolved_at` integer,
	`author_notified_at` integer,
	`idempotency_key` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `handoffs_team_number_uq` ON `handoffs` (`team_id`,`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `handoffs_team_idem_uq` ON `handoffs` (`team_id`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `handoffs_author_idx` ON `handoffs` (`team_id`,`author_id`,`state`);--> statement-breakpoint
CREATE INDEX `handoffs_untold_idx` ON `handoffs` (`team_id`,`author_id`) WHERE "handoffs"."author_notified_at" is null and "handoffs"."state" in ('done', 'declined');--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`team_id` text NOT NULL,
	`kind` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`user_id` text,
	`channel_id` text,
	`handoff_id` integer,
	`local_date` text,
	`payload` text DEFAULT '{}' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`message_ts` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_dedupe_uq` ON `outbox` (`team_id`,`dedupe_key`);--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `processed_events` (
	`team_id` text NOT NULL,
	`event_id` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`team_id`, `event_id`)
);
--> statement-breakpoint
CREATE INDEX `processed_events_at_idx` ON `processed_events` (`at`);--> statement-breakpoint
CREATE TABLE `users` (
	`team_id` text NOT NULL,
	`user_id` text NOT NULL,
	`display_name` text DEFAULT '' NOT NULL,
	`is_bot` integer DEFAULT false NOT NULL,
	`deleted` integer DEFAULT false NOT NULL,
	`slack_tz` text,
	`tz_override` text,
	`workday_start_minute` integer DEFAULT 540 NOT NULL,
	`workday_end_minute` integer DEFAULT 1020 NOT NULL,
	`working_days` integer DEFAULT 62 NOT NULL,
	`digest_enabled` integer DEFAULT true NOT NULL,
	`deflection_enabled` integer DEFAULT true NOT NULL,
	`away_until` text,
	`next_digest_at` integer,
	`next_digest_local_date` text,
	`last_digest_local_date` text,
	`last_digest_at` integer,
	`last_deflection_at` integer,
	`profile_fetched_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`team_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `users_next_digest_idx` ON `users` (`next_digest_at`);--> statement-breakpoint
CREATE TABLE `workspaces` (
	`team_id` text PRIMARY KEY NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`deflection_enabled` integer DEFAULT true NOT NULL,
	`next_handoff_number` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`status_changed_at` integer
);
