ALTER TABLE `users` ADD `holiday_region` text;--> statement-breakpoint
ALTER TABLE `users` ADD `status_away_until` text;--> statement-breakpoint
ALTER TABLE `users` ADD `status_away_kind` text;