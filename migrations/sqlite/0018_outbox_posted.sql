ALTER TABLE `outbox` ADD `posted` text;--> statement-breakpoint
CREATE INDEX `outbox_message_idx` ON `outbox` (`team_id`,`message_ts`);