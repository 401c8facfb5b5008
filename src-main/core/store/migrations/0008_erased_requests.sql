CREATE TABLE `erased_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`erased_at` text NOT NULL
);
