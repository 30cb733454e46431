CREATE INDEX `deflections_team_created_idx` ON `deflections` (`team_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `events_team_at_idx` ON `handoff_events` (`team_id`,`at`);