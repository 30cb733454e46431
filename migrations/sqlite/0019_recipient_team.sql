DROP INDEX `recipients_waiting_idx`;--> statement-breakpoint
-- SQLite adds a NOT NULL column only with a default; every row is filled just below (until now every
-- recipient was of the handoff's workspace), and every insert names it.
ALTER TABLE `handoff_recipients` ADD `recipient_team_id` text DEFAULT '' NOT NULL;--> statement-breakpoint
UPDATE `handoff_recipients` SET `recipient_team_id` = `team_id`;--> statement-breakpoint
-- A workspace's rows (its handoffs' recipients), for export and the purge after an uninstall: the
-- index they used before started with team_id.
CREATE INDEX `recipients_team_idx` ON `handoff_recipients` (`team_id`);--> statement-breakpoint
CREATE INDEX `recipients_waiting_idx` ON `handoff_recipients` (`recipient_team_id`,`user_id`,`active`,`handoff_open`,`handoff_created_at`,`handoff_id`);
