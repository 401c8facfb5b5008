CREATE TABLE `enablement_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`fiscal_code` text NOT NULL,
	`status` text NOT NULL,
	`body` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `enablement_requests_fiscal_code` ON `enablement_requests` (`fiscal_code`);--> statement-breakpoint
CREATE TABLE `enablement_requests_refetch` (
	`id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`fiscal_code` text NOT NULL,
	`status` text NOT NULL,
	`body` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `identifications` (
	`id` text PRIMARY KEY NOT NULL,
	`request_id` text NOT NULL,
	`request_version` integer NOT NULL,
	`fiscal_code` text NOT NULL,
	`outcome` text NOT NULL,
	`operator_id` text NOT NULL,
	`body` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `identifications_created_at` ON `identifications` (`created_at`);--> statement-breakpoint
CREATE INDEX `identifications_fiscal_code` ON `identifications` (`fiscal_code`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`op_id` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL,
	`identification_id` text NOT NULL,
	`payload` text NOT NULL,
	`payload_hash` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`result` text,
	`problem_code` text,
	`handled_at` text,
	`handled_note` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`identification_id`) REFERENCES `identifications`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_seq_unique` ON `outbox` (`seq`);--> statement-breakpoint
CREATE INDEX `outbox_state_next` ON `outbox` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sync_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
