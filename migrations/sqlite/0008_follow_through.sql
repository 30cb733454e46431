ALTER TABLE `handoff_recipients` ADD `stale_offered_at` integer;--> statement-breakpoint
ALTER TABLE `handoff_recipients` ADD `nudged_on` text;