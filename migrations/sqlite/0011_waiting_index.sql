DROP INDEX `recipients_user_idx`;--> statement-breakpoint
ALTER TABLE `handoff_recipients` ADD `handoff_open` integer DEFAULT true NOT NULL;--> statement-breakpoint
-- SQLite adds a NOT NULL column only with a default; every row is filled just below, and every insert names it.
ALTER TABLE `handoff_recipients` ADD `handoff_created_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE `handoff_recipients` SET
  `handoff_open` = (SELECT h.`state` IN ('open', 'acknowledged') FROM `handoffs` h WHERE h.`id` = `handoff_recipients`.`handoff_id`),
  `handoff_created_at` = (SELECT h.`created_at` FROM `handoffs` h WHERE h.`id` = `handoff_recipients`.`handoff_id`);--> statement-breakpoint
CREATE INDEX `recipients_waiting_idx` ON `handoff_recipients` (`team_id`,`user_id`,`active`,`handoff_open`,`handoff_created_at`,`handoff_id`);
