ALTER TABLE `users` ADD `is_admin` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `weekly_report` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `report_week` text;--> statement-breakpoint
ALTER TABLE `users` ADD `report_link` text;--> statement-breakpoint
CREATE INDEX `users_weekly_report_idx` ON `users` (`weekly_report`);--> statement-breakpoint
ALTER TABLE `workspaces` ADD `stale_after_working_days` integer DEFAULT 2 NOT NULL;