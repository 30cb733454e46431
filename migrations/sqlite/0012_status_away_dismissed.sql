ALTER TABLE `users` ADD `status_away_key` text;--> statement-breakpoint
ALTER TABLE `users` ADD `status_away_dismissed` text;