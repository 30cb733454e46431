ALTER TABLE `workspaces` ADD `statuses_read_at` integer;--> statement-breakpoint
ALTER TABLE `workspaces` ADD `statuses_cursor` text;